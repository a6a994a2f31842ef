import { createHash, randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { apply, decide, registerService, registerVendor } from '../../src/domain/lifecycle/application';
import { lapse, revoke, terminate } from '../../src/domain/lifecycle/closure';
import type { LifecycleContext } from '../../src/domain/lifecycle/context';
import { publishImprovement, reportEmergency, requestImprovement, requestInvestigation } from '../../src/domain/lifecycle/oversight';
import { fileRenewal } from '../../src/domain/lifecycle/renewal';
import { proposeRevocation } from '../../src/domain/lifecycle/revocation-proposals';
import { assignService } from '../../src/access/scope';
import { requestOriginProof } from '../../src/origins/proofs';
import { fileDocument } from '../../src/documents/filing';
import { ADMIN_TOKEN, type TestApp } from '../support/app';
import { markPng, recolouredPng } from '../sightings/support';
import { Seeded } from './values';

/**
 * The objects the fuzzer's requests name: vendors, services in every state, embed tokens, staff tokens, crawler
 * keys, misuse cases and their images, an inquiry. Tokens, keys, cases and the inquiry are made through the API,
 * services through the domain functions (faster). Services and cases are made afresh before each operation that
 * names one, so that one operation's revocations or dismissals do not leave the next nothing to work on.
 */

export const SITE = 'https://clinic-cloud.example.jp';
export const OTHER_SITE = 'https://copycat.example.com';

const DAY = 86_400_000;

async function ok(res: Response | Promise<Response>, status: number): Promise<any> {
  const r = await res;
  const text = await r.text();
  expect(r.status, text).toBe(status);
  return text ? JSON.parse(text) : null;
}

export interface FreshServices {
  /** Service ids and certification numbers, each labelled with its state. */
  services: Seeded[];
  /** The same, by state (registered, applied, refused, certified, renewable, renewal_pending, expired, …). */
  byState: Record<string, Seeded[]>;
  /** Sub-resources with the service they belong to. */
  emergencies: { service: Seeded; emergency: Seeded }[];
  investigations: { service: Seeded; investigation: Seeded }[];
  improvements: { service: Seeded; improvement: Seeded }[];
}

export interface World {
  t: TestApp;
  vendors: Seeded[];
  /** Numbers of services in public states (certified, revoked, expired). */
  numbers: Seeded[];
  embedTokens: Seeded[];
  jtis: Seeded[];
  /** Staff token ids the fuzzer may revoke (never the ones it authenticates with), and the admin's own. */
  staffTokenIds: Seeded[];
  /** Crawler key ids the fuzzer may revoke (never the one it reports with). */
  crawlerKeyIds: Seeded[];
  /** Open misuse cases (freshCases). */
  cases: Seeded[];
  /** Pending revocation proposals (freshProposals): one by another admin, one by the fuzzer's own admin token. */
  proposals: Seeded[];
  /** Site proofs (Art. 10.2, issue 15): a pending http-01 and dns-01 challenge; checks find no name (no network). */
  proofs: Seeded[];
  /** A filed PDF (Art. 4) and the services it was filed for: the documents routes name these. */
  documents: { services: Seeded[]; shas: Seeded[]; pdfBase64: string };
  /** The actor of the fuzzer's admin token, which may withdraw its own proposals. */
  adminActor: string;
  /** Images stored with the cases' sightings. */
  imageShas: Seeded[];
  inquiries: Seeded[];
  images: { mark: Buffer; recoloured: Buffer };
  tokens: { admin: Seeded; reviewer: Seeded; auditor: Seeded; crawler: Seeded; committee: Seeded };
  /** Delegate and committee token ids (Arts. 7, 19): the fresh applications and renewals are assigned to them. */
  scopedTokenIds: Seeded[];
  /** Delegated bodies (Art. 19.2). */
  delegates: Seeded[];
  /** Written notices: one sent or pending, one dead letter. */
  notices: Seeded[];
  fresh: FreshServices;
}

/**
 * The states in which an operation on a service succeeds (DOMAIN.md), by the last segment of its path: the
 * fuzzer names these services more often than the others, so that operations get past their state checks.
 */
export const STATES_FOR: Record<string, string[]> = {
  applications: ['registered', 'refused'],
  decision: ['applied', 'renewal_pending'],
  renewals: ['renewable'],
  extensions: ['renewal_pending'],
  'certificate-return': ['terminated', 'revoked'],
  changes: ['certified'],
  origins: ['certified'],
  termination: ['certified'],
  lapse: ['certified'],
  revocation: ['certified'],
  emergencies: ['certified'],
  investigations: ['certified'],
  improvements: ['certified'],
  tokens: ['certified'],
  opinions: ['applied', 'renewal_pending'],
  assignments: ['applied', 'renewal_pending'],
};

export const lifecycleOf = (t: TestApp): LifecycleContext => ({ db: t.database.db, clock: t.clock, actor: 'fuzz-seed' });

const certification = { documents: ['申請書'], feePaid: true as const, items: [] };
const approve = { outcome: 'certify' as const, notice: '認定', reason: null, committeeOpinion: null, decidedOn: null };

/** A service certified at the clock's instant `daysAgo` days back; the clock is put back after. */
async function certifiedAt(t: TestApp, vendorId: string, daysAgo: number, origins = [SITE]): Promise<{ id: string; number: string }> {
  const ctx = lifecycleOf(t);
  const now = t.clock.now();
  t.clock.set(new Date(now.getTime() - daysAgo * DAY));
  try {
    const { id } = await registerService(ctx, { vendorId, nameJa: 'ファズカルテ', nameEn: 'Fuzz Karte', origins, continues: null });
    await apply(ctx, id, certification);
    const d = await decide(ctx, id, approve);
    return { id, number: (d.result as { number: string }).number };
  } finally {
    t.clock.set(now);
  }
}

/** Services in every state, made now: the ones the next operation works on. */
export async function freshServices(t: TestApp, vendorId: string, assignTo: readonly string[] = []): Promise<FreshServices> {
  const ctx = lifecycleOf(t);
  const services: Seeded[] = [];
  const byState: Record<string, Seeded[]> = {};
  const add = (state: string, s: { id: string; number?: string }) => {
    const id = new Seeded(s.id, `${state} service`);
    const mine = [id, ...(s.number ? [new Seeded(s.number, `${state} service's number`)] : [])];
    services.push(...mine);
    (byState[state] ??= []).push(...mine);
    return id;
  };
  const registered = await registerService(ctx, { vendorId, nameJa: '登録のみ', nameEn: null, origins: [] });
  add('registered', registered);
  const applied = await registerService(ctx, { vendorId, nameJa: '申請中', nameEn: null, origins: [SITE] });
  await apply(ctx, applied.id, certification);
  add('applied', applied);
  const refused = await registerService(ctx, { vendorId, nameJa: '拒否', nameEn: null, origins: [] });
  await apply(ctx, refused.id, certification);
  await decide(ctx, refused.id, { ...approve, outcome: 'refuse', reason: '基準不適合' });
  add('refused', refused);

  const supervised = await certifiedAt(t, vendorId, 0);
  const s = add('certified', supervised);
  add('certified', await certifiedAt(t, vendorId, 0, [SITE, OTHER_SITE]));
  const dueOn = new Date(t.clock.now().getTime() + 30 * DAY).toISOString().slice(0, 10);
  const em = await reportEmergency(ctx, supervised.id, { kind: 'outage', summary: '障害' });
  const inv = await requestInvestigation(ctx, supervised.id, { subject: '説明', dueOn });
  const unpublished = await requestImprovement(ctx, supervised.id, {
    investigationId: (await requestInvestigation(ctx, supervised.id, { subject: '標章の使用について', dueOn })).id,
    content: '改善',
    dueOn,
    publish: false,
  });
  const published = await requestImprovement(ctx, supervised.id, {
    investigationId: (await requestInvestigation(ctx, supervised.id, { subject: '標章の使用について', dueOn })).id,
    content: '改善',
    dueOn,
    publish: false,
  });
  await publishImprovement(ctx, supervised.id, published.id);

  // Two years less 45 days ago: inside the renewal window (Art. 12.1).
  add('renewable', await certifiedAt(t, vendorId, 2 * 365 - 45));
  const pending = await certifiedAt(t, vendorId, 2 * 365 - 45);
  await fileRenewal(ctx, pending.id, { selfDeclaration: { usedMarkCorrectly: true, statement: '適正に使用' }, overrideReason: null });
  add('renewal_pending', pending);
  add('expired', await certifiedAt(t, vendorId, 2 * 365 + 20));
  const revoked = await certifiedAt(t, vendorId, 10);
  await revoke(ctx, revoked.id, { ground: 1, reason: '基準不適合', notice: '通知', noticeSentBy: 'post' });
  add('revoked', revoked);
  const terminated = await certifiedAt(t, vendorId, 10);
  await terminate(ctx, terminated.id, { certificateReturned: false });
  add('terminated', terminated);
  const lapsed = await certifiedAt(t, vendorId, 10);
  await lapse(ctx, lapsed.id, { cause: 'merger', note: '合併' });
  add('lapsed', lapsed);

  // Arts. 7, 19: the applications and renewals awaiting a decision are assigned to the scoped tokens
  for (const token of assignTo)
    for (const service of [applied.id, pending.id]) {
      // a token the fuzzer revoked (or whose delegation it ended) is assigned nothing more
      await assignService({ db: t.database.db, clock: t.clock, actor: 'fuzz-seed' }, token, service).catch(() => undefined);
    }

  return {
    services,
    byState,
    emergencies: [{ service: s, emergency: new Seeded(em.id, 'open emergency') }],
    investigations: [{ service: s, investigation: new Seeded(inv.id, 'open investigation') }],
    improvements: [
      { service: s, improvement: new Seeded(unpublished.id, 'unpublished improvement request') },
      { service: s, improvement: new Seeded(published.id, 'published improvement request') },
    ],
  };
}

let pages = 0;

/**
 * Open misuse cases, through the API: the mark on the service's own page without a link (no_link), and a
 * recoloured copy of it, on a page no case has yet.
 */
export async function freshCases(world: World): Promise<Seeded[]> {
  const { t } = world;
  const page = `${SITE}/page-${++pages}`;
  for (const image of [world.images.mark, world.images.recoloured]) {
    const form = new FormData();
    form.set('pageUrl', page);
    form.set('seenAt', t.clock.now().toISOString());
    form.set('image', new File([new Uint8Array(image)], 'mark.png', { type: 'image/png' }));
    form.set('token', world.embedTokens[0]!.value);
    await ok(
      t.app.request('/api/v1/sightings', {
        method: 'POST',
        headers: { Authorization: `Bearer ${world.tokens.crawler.value}`, 'Idempotency-Key': randomUUID() },
        body: form,
      }),
      201,
    );
  }
  const cases = (await ok(t.json('GET', '/api/v1/admin/cases?status=open'), 200)).cases as { id: string; finding: string; pageUrl: string }[];
  const mine = cases.filter((c) => c.pageUrl === page);
  expect(mine.length).toBeGreaterThan(0);
  return mine.map((c) => new Seeded(c.id, `open ${c.finding} case`));
}

/**
 * Pending revocation proposals (Art. 17, four eyes) on services certified now: one proposed by another admin
 * (the fuzzer may approve or reject it), one by the fuzzer's own admin token (it may withdraw it).
 */
export async function freshProposals(world: World): Promise<Seeded[]> {
  const out: Seeded[] = [];
  for (const actor of ['fuzz-seed', world.adminActor]) {
    const s = await certifiedAt(world.t, world.vendors[0]!.value, 0);
    const made = await proposeRevocation({ ...lifecycleOf(world.t), actor }, s.id, {
      ground: 3,
      reason: '標章の改変',
      notice: '取消通知',
      noticeSentBy: 'post',
    });
    out.push(new Seeded(made.proposal.id, actor === 'fuzz-seed' ? "another admin's revocation proposal" : 'own revocation proposal'));
  }
  return out;
}

/** Pending site challenges on the main certified service, one per method. */
async function freshProofs(world: World): Promise<Seeded[]> {
  const service = world.fresh.byState.certified?.[0]?.value ?? world.fresh.services[0]!.value;
  const ctx = { ...lifecycleOf(world.t), check: {} };
  const out: Seeded[] = [];
  for (const method of ['http-01', 'dns-01'] as const) {
    const p = await requestOriginProof(ctx, service, { origin: `https://${method}.fuzz-vendor.example`, method });
    out.push(new Seeded(p.id, `pending ${method} site proof`));
  }
  return out;
}

/** One small PDF filed for two services (stored once): the documents routes have something to read. */
async function filedDocuments(world: World): Promise<World['documents']> {
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
  const services = world.fresh.services.slice(0, 2);
  let sha = '';
  for (const s of services) sha = (await fileDocument(lifecycleOf(world.t), s.value, { name: '申請書.pdf', purpose: 'application', bytes: pdf })).sha256;
  return { services, shas: [new Seeded(sha, 'filed document sha256')], pdfBase64: pdf.toString('base64') };
}

/** The world, made once per file, with a first set of fresh services and cases. */
export async function seedWorld(t: TestApp): Promise<World> {
  const api = (method: string, path: string, body?: unknown) => t.json(method, path, body);
  const ctx = lifecycleOf(t);

  const staff = async (role: string) =>
    (await ok(api('POST', '/api/v1/admin/staff-tokens', { name: `fuzz ${role}`, role }), 201)) as { id: string; token: string };
  const reviewer = await staff('reviewer');
  const auditor = await staff('auditor');
  const victims = [await staff('reviewer'), await staff('admin')];
  const me = (await ok(api('GET', '/api/v1/admin/staff-tokens'), 200)).tokens.find((x: { name: string }) => !x.name.startsWith('fuzz'));

  const crawlerKey = async (name: string) => (await ok(api('POST', '/api/v1/admin/crawler-keys', { name }), 201)) as { id: string; key: string };
  const crawler = await crawlerKey('fuzz crawler');
  const keyVictims = [await crawlerKey('fuzz victim 1'), await crawlerKey('fuzz victim 2')];

  const vendorIds = [
    (await ok(api('POST', '/api/v1/admin/vendors', { nameJa: 'ファズ株式会社', nameEn: 'Fuzz K.K.', contact: { person: '山田' } }), 201)).id as string,
    (await registerVendor(ctx, { nameJa: 'ファズ第二', nameEn: null, contact: {} })).id,
  ];

  const main = await certifiedAt(t, vendorIds[0]!, 3, [SITE, OTHER_SITE]);
  const doomed = await certifiedAt(t, vendorIds[0]!, 3, [SITE, OTHER_SITE]);
  const expired = await certifiedAt(t, vendorIds[1]!, 2 * 365 + 20);
  const issue = async (serviceId: string, body?: unknown) =>
    (await ok(api('POST', `/api/v1/admin/services/${serviceId}/tokens`, body), 201)) as { token: string; jti: string };
  const live = await issue(main.id, { origins: [SITE] });
  const narrow = await issue(main.number, { origins: [OTHER_SITE] });
  const retired = await issue(main.id, {});
  await ok(api('POST', `/api/v1/admin/tokens/${retired.jti}/retire`), 200);
  const ofRevoked = await issue(doomed.id, {});
  await revoke(ctx, doomed.id, { ground: 2, reason: '不正使用', notice: '通知', noticeSentBy: 'post' });

  const images = { mark: await markPng('colour', 128), recoloured: await recolouredPng(128) };

  // Arts. 7, 19: delegated bodies, a delegate and a committee member
  const body = async (nameJa: string) => (await ok(api('POST', '/api/v1/admin/delegates', { nameJa, scopeJa: '書類審査' }), 201)).id as string;
  const delegates = [await body('ファズ委託先'), await body('ファズ委託先（終了予定）')];
  const delegate = (await ok(api('POST', '/api/v1/admin/staff-tokens', { name: 'fuzz delegate', role: 'delegate', delegate: delegates[0] }), 201)) as {
    id: string;
    token: string;
  };
  const committee = await staff('committee');

  // Written notices: a decision notified through the API, and a dead letter (a vendor with no address)
  const notified = async (noticeEmails: string[]) => {
    const vendorId = (await ok(api('POST', '/api/v1/admin/vendors', { nameJa: '通知先', noticeEmails }), 201)).id;
    const id = (await ok(api('POST', '/api/v1/admin/services', { vendorId, nameJa: '通知カルテ', origins: [] }), 201)).id;
    await ok(
      api('POST', `/api/v1/admin/services/${id}/applications`, { documents: ['申請書'], feePaid: true, items: [{ key: 'a', labelJa: 'a', valueJa: 'a' }] }),
      201,
    );
    await ok(api('POST', `/api/v1/admin/services/${id}/decision`, { outcome: 'certify', notice: '認定' }), 200);
    return ((await ok(api('GET', `/api/v1/admin/services/${id}/notices`), 200)).notices as { id: string }[])[0]!.id;
  };
  const notices = [new Seeded(await notified(['fuzz@clinic.example.jp']), 'notice'), new Seeded(await notified([]), 'dead letter')];
  const inquiry = await ok(
    t.json('POST', '/api/v1/inquiries', { name: '患者', email: 'patient@example.jp', subject: '質問', body: 'マークについて' }, {}),
    201,
  );

  const world: World = {
    t,
    vendors: vendorIds.map((id) => new Seeded(id, 'vendor')),
    numbers: [new Seeded(main.number, 'certified number'), new Seeded(doomed.number, 'revoked number'), new Seeded(expired.number, 'expired number')],
    embedTokens: [
      new Seeded(live.token, 'live embed token'),
      new Seeded(narrow.token, `embed token for ${OTHER_SITE} only`),
      new Seeded(retired.token, 'retired embed token'),
      new Seeded(ofRevoked.token, "revoked service's embed token"),
    ],
    jtis: [new Seeded(narrow.jti, 'live jti'), new Seeded(retired.jti, 'retired jti'), new Seeded(ofRevoked.jti, "revoked service's jti")],
    staffTokenIds: [...victims.map((v) => new Seeded(v.id, 'staff token id')), new Seeded(me.id, "the admin's own staff token id")],
    crawlerKeyIds: keyVictims.map((k) => new Seeded(k.id, 'crawler key id')),
    cases: [],
    proposals: [],
    proofs: [],
    documents: { services: [], shas: [], pdfBase64: '' },
    adminActor: `staff:${me.id}`,
    imageShas: [images.mark, images.recoloured].map((b) => new Seeded(createHash('sha256').update(b).digest('hex'), 'stored image sha256')),
    inquiries: [new Seeded(inquiry.id, 'inquiry id')],
    images,
    tokens: {
      admin: new Seeded(ADMIN_TOKEN, 'admin token'),
      reviewer: new Seeded(reviewer.token, 'reviewer token'),
      auditor: new Seeded(auditor.token, 'auditor token'),
      crawler: new Seeded(crawler.key, 'crawler key'),
      committee: new Seeded(committee.token, 'committee token'),
    },
    scopedTokenIds: [new Seeded(committee.id, 'committee token id'), new Seeded(delegate.id, 'delegate token id')],
    // the body the fuzzer may end; the delegate token's own stays (its end would revoke the token)
    delegates: [new Seeded(delegates[1]!, 'delegated body')],
    notices,
    fresh: await freshServices(t, vendorIds[0]!, [committee.id, delegate.id]),
  };
  world.cases = await freshCases(world);
  world.proposals = await freshProposals(world);
  world.proofs = await freshProofs(world);
  world.documents = await filedDocuments(world);
  return world;
}
