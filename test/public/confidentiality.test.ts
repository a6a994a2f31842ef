import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply, decide } from '../../src/domain/lifecycle/application';
import { changeDisclosure } from '../../src/domain/lifecycle/changes';
import { lapse, revoke } from '../../src/domain/lifecycle/closure';
import {
  completeImprovement,
  recordInvestigationAnswer,
  reportEmergency,
  reportEmergencyProgress,
  requestImprovement,
  requestInvestigation,
} from '../../src/domain/lifecycle/oversight';
import { extend, fileRenewal } from '../../src/domain/lifecycle/renewal';
import { testApp, type TestApp } from '../support/app';
import { item, lifecycle, NOW } from './world';

/**
 * Art. 11.2, 16.2, 20: a unique canary in every withheld item and every confidential field; no public answer
 * (page, JSON, CSV, feed, search result or error) may carry any of them.
 */
const TAG = `CANARY${randomBytes(4).toString('hex')}`;
const canaries: string[] = [];
const canary = (what: string) => {
  const c = `${TAG}-${what}`;
  canaries.push(c);
  return c;
};

let t: TestApp;
const numbers: string[] = [];
const tokens: string[] = [];
beforeAll(async () => {
  t = await testApp({ now: NOW });
  const life = lifecycle(t);
  const ctx = life.ctx;
  const secretItem = (n: string) =>
    item(canary(`withheld-key-${n}`), canary(`withheld-value-${n}`), {
      labelJa: canary(`withheld-label-${n}`),
      labelEn: canary(`withheld-label-en-${n}`),
      valueEn: canary(`withheld-value-en-${n}`),
      withheld: true,
      withheldReason: canary(`withheld-reason-${n}`),
    });
  const spec = (n: string) => ({
    contact: { person: canary(`contact-person-${n}`), email: `${canary(`contact-email-${n}`)}@vendor.example`, phone: canary(`contact-phone-${n}`) },
    documents: [canary(`document-${n}`)],
    items: [item('overview', '公開してよい概要'), secretItem(n)],
  });

  // Certified, with every kind of confidential oversight material.
  const a = await life.certified({ ...spec('a'), certifiedOn: '2025-06-10' });
  numbers.push(a.number);
  life.at('2026-01-10T01:00:00Z');
  await changeDisclosure(ctx, a.id, { items: [item('overview', '公開してよい概要 v2'), secretItem('a2')], note: canary('change-note') });
  const em = await reportEmergency(ctx, a.id, { kind: 'leak', summary: canary('emergency-summary') });
  await reportEmergencyProgress(ctx, a.id, em.id, { report: canary('emergency-progress'), close: false });
  await reportEmergencyProgress(ctx, a.id, em.id, { report: canary('emergency-closing'), close: true });
  const inv = await requestInvestigation(ctx, a.id, { subject: canary('investigation-subject'), dueOn: '2026-02-10' });
  await recordInvestigationAnswer(ctx, a.id, inv.id, { summary: canary('investigation-answer'), satisfactory: true });
  await requestInvestigation(ctx, a.id, { subject: canary('investigation-overdue'), dueOn: '2026-02-01' });
  const imp = await requestImprovement(ctx, a.id, {
    investigationId: (await requestInvestigation(ctx, a.id, { subject: '標章の使用について', dueOn: '2026-03-01' })).id,
    content: canary('improvement-unpublished'),
    dueOn: '2026-03-01',
    publish: false,
  });
  await completeImprovement(ctx, a.id, imp.id, { note: canary('improvement-completion-note') });
  const pub = await requestImprovement(ctx, a.id, {
    investigationId: (await requestInvestigation(ctx, a.id, { subject: '標章の使用について', dueOn: '2026-03-01' })).id,
    content: '公表してよい改善要請',
    dueOn: '2026-03-01',
    publish: true,
  });
  await completeImprovement(ctx, a.id, pub.id, { note: canary('published-improvement-completion-note') });

  // Renewal with a self-declaration, an override and an extension.
  const b = await life.certified({ ...spec('b'), certifiedOn: '2024-03-20' });
  numbers.push(b.number);
  life.at('2026-02-25T01:00:00Z');
  await fileRenewal(ctx, b.id, {
    selfDeclaration: { usedMarkCorrectly: true, statement: canary('self-declaration') },
    overrideReason: canary('override-reason'),
  });
  life.at('2026-03-15T01:00:00Z');
  await extend(ctx, b.id, { until: '2026-06-30', reason: canary('extension-reason') });

  // Revoked, with its written notice; then a new application under review.
  const c = await life.certified({ ...spec('c'), certifiedOn: '2025-01-10' });
  numbers.push(c.number);
  life.at('2026-02-01T01:00:00Z');
  await revoke(ctx, c.id, { ground: 6, reason: '調査に応じなかった', notice: canary('revocation-notice'), noticeSentBy: 'post' });
  life.at('2026-03-20T01:00:00Z');
  await apply(ctx, c.id, { documents: [canary('reapplication-document')], feePaid: true, items: [item('overview', canary('reapplication-content'))] });

  // Expired, re-applied and refused (Art. 8 or otherwise): the refusal stays confidential.
  const d = await life.certified({ ...spec('d'), certifiedOn: '2023-05-01' });
  numbers.push(d.number);
  life.at('2026-03-01T01:00:00Z');
  await apply(ctx, d.id, { documents: [canary('refused-document')], feePaid: true, items: [item('overview', canary('refused-content'))] });
  await decide(ctx, d.id, {
    outcome: 'refuse',
    notice: canary('refusal-notice'),
    reason: canary('refusal-reason'),
    committeeOpinion: canary('committee-opinion'),
    decidedOn: null,
  });

  // Lapsed with a note; and a renewal refused.
  const e = await life.certified({ ...spec('e'), certifiedOn: '2025-02-01' });
  numbers.push(e.number);
  life.at('2026-03-05T01:00:00Z');
  await lapse(ctx, e.id, { cause: 'transfer', note: canary('lapse-note') });
  const f = await life.certified({ ...spec('f'), certifiedOn: '2024-05-01' });
  numbers.push(f.number);
  life.at('2026-03-10T01:00:00Z');
  await fileRenewal(ctx, f.id, { selfDeclaration: { usedMarkCorrectly: false, statement: canary('self-declaration-f') }, overrideReason: null });
  await decide(ctx, f.id, {
    outcome: 'refuse',
    notice: canary('renewal-refusal-notice'),
    reason: canary('renewal-refusal-reason'),
    committeeOpinion: canary('renewal-committee'),
    decidedOn: null,
  });

  // Never certified: refused at once.
  const never = await life.registered({ ...spec('never'), nameJa: canary('never-certified-name'), nameEn: canary('never-certified-name-en') });
  life.at('2026-03-10T01:00:00Z');
  await apply(ctx, never, { documents: [canary('never-document')], feePaid: true, items: [item('overview', canary('never-content'))] });
  await decide(ctx, never, {
    outcome: 'refuse',
    notice: canary('never-refusal-notice'),
    reason: canary('never-refusal-reason'),
    committeeOpinion: null,
    decidedOn: null,
  });
  life.at(NOW);

  // Embed tokens for the services in force, so the badge and mark endpoints are asked too.
  for (const id of [a.id, b.id]) {
    const res = await t.json('POST', `/api/v1/admin/services/${id}/tokens`, {});
    if (res.status === 201) tokens.push(((await res.json()) as { token: string }).token);
  }

  // The inquiry desk and the misuse cases are staff business.
  await t.app.request('/api/v1/inquiries', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      name: canary('inquirer-name'),
      email: `${canary('inquirer-email')}@example.jp`,
      organisation: canary('inquirer-org'),
      serviceNumber: a.number,
      subject: canary('inquiry-subject'),
      body: canary('inquiry-body'),
    }),
  });
  await t.database.db
    .insertInto('misuse_cases')
    .values({
      id: canary('case-id'),
      case_key: canary('case-key'),
      service_id: a.id,
      page_url: `https://${canary('case-page').toLowerCase()}.example/`,
      page_origin: 'https://x.example',
      finding: 'wrong_site',
      status: 'open',
      sightings_count: 1,
      first_seen_at: new Date(NOW),
      last_seen_at: new Date(NOW),
      last_sighting_id: canary('sighting'),
      closed_at: null,
      close_reason: canary('case-close-reason'),
      action: null,
    })
    .execute();
});
afterAll(async () => t.close());

async function everyPublicAnswer(): Promise<{ path: string; status: number; body: string }[]> {
  const out: { path: string; status: number; body: string }[] = [];
  const req = async (path: string, init: RequestInit = {}) => {
    const res = await t.app.request(path, init);
    out.push({ path, status: res.status, body: `${[...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${await res.text()}` });
  };
  for (const n of numbers) {
    for (const lang of ['ja', 'en']) {
      await req(`/verify/${n}?lang=${lang}`);
      await req(`/verify/${n}?lang=${lang}`, { headers: { Referer: 'https://vendor.example/' } });
      await req(`/verify/${n}?lang=${lang}`, { headers: { Referer: 'https://elsewhere.example/' } });
    }
    await req(`/verify/${n}/qr.svg`);
    // Watching a vendor (issue 18): the service's feed and calendar, both languages.
    for (const lang of ['ja', 'en']) {
      await req(`/verify/${n}/feed.atom?lang=${lang}`);
      await req(`/verify/${n}/calendar.ics?lang=${lang}`);
    }
    await req(`/api/v1/services/${n}`);
    await req(`/inquiry?service=${n}&topic=misuse`);
  }
  for (const status of ['all', 'in_force', 'certified', 'renewal_pending', 'expired', 'revoked', 'terminated', 'lapsed']) {
    await req(`/api/v1/services?status=${status}`);
    await req(`/registry?status=${status}`);
    await req(`/registry?status=${status}&lang=en`);
    await req(`/registry.csv?status=${status}`);
  }
  // Searching for a confidential value must find nothing, and say nothing of it.
  for (const c of canaries.slice(0, 12)) {
    await req(`/api/v1/services?q=${encodeURIComponent(c.slice(TAG.length + 1))}`);
    await req(`/registry?q=${encodeURIComponent(c.slice(TAG.length + 1))}&status=all`);
  }
  // The other public endpoints of CONTRACT.md (the mark, the badge, keys, widget, QR, the API description).
  for (const token of tokens) {
    for (const path of [`/api/v1/badge/${token}`, `/badge/${token}.svg`, `/mark/${token}.svg`]) {
      await req(path);
      await req(path, { headers: { Origin: 'https://elsewhere.example', Referer: 'https://elsewhere.example/' } });
    }
  }
  for (const n of numbers) await req(`/qr/${n}.svg`);
  for (const path of ['/docs', '/inquiry?topic=counterfeit&service=MD-9999-9999', '/verify/MD-9999-9999/feed.atom', '/verify/MD-9999-9999/calendar.ics'])
    await req(path);
  for (const path of ['/.well-known/jwks.json', '/openapi.json', '/widget.js', '/api/v1/badge/not-a-token', '/mark/not-a-token.svg']) await req(path);
  await req('/registry.atom');
  await req('/registry.atom?lang=en');
  await req('/inquiry');
  await req('/inquiry/received');
  await req('/assets/site.css');
  // Error answers.
  await req('/verify/MD-9999-9999');
  await req('/api/v1/services/MD-9999-9999');
  await req('/verify/MD-0001-2506?lang=xx');
  await req('/api/v1/services?status=nope');
  await req('/api/v1/inquiries', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"name":"x"}' });
  await req('/api/v1/inquiries', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'name=x' });
  await req('/no/such/page');
  // The transparency log, every endpoint. The entries are base64: each page is read decoded too.
  await t.deps.log!.sequence();
  await req('/.well-known/certmark/checkpoint');
  await req('/.well-known/certmark/log-key');
  const size = (await t.deps.log!.checkpoint())!.size;
  for (let start = 0; start < size; start += 1000) {
    const path = `/api/v1/log/entries?start=${start}&end=${Math.min(size, start + 1000)}`;
    const res = await t.app.request(path);
    const body = await res.text();
    const decoded =
      res.status === 200 ? (JSON.parse(body) as { entries: { entry: string }[] }).entries.map((e) => Buffer.from(e.entry, 'base64').toString('utf8')) : [];
    out.push({ path, status: res.status, body: `${body}\n\n${decoded.join('\n')}` });
  }
  for (const index of [0, size - 1]) await req(`/api/v1/log/proof/inclusion?index=${index}&size=${size}`);
  await req(`/api/v1/log/proof/consistency?from=1&to=${size}`);
  await req('/api/v1/log/entries?start=0&end=99999999');
  await req('/api/v1/log/proof/inclusion?index=x&size=1');
  return out;
}

describe('confidentiality canary (Arts. 11.2, 16.2, 20)', () => {
  it('seeded a canary into every confidential field, and asked the badge and mark endpoints too', () => {
    expect(canaries.length).toBeGreaterThan(40);
    expect(tokens).toHaveLength(2);
  });

  it('finds no canary in any public page, JSON, CSV, feed, search result or error answer', async () => {
    const answers = await everyPublicAnswer();
    expect(answers.length).toBeGreaterThan(100);
    // The per-service feed and calendar were really read, for every service asked about (issue 18).
    const watched = answers.filter((a) => /\/verify\/MD-\d{4}-\d{4}\/(feed\.atom|calendar\.ics)/.test(a.path) && a.status === 200);
    expect(watched).toHaveLength(numbers.length * 4);
    expect(watched.every((a) => a.body.includes('<feed') || a.body.includes('BEGIN:VCALENDAR'))).toBe(true);
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    const leaks = answers
      .filter((a) => a.body.includes(TAG))
      .map((a) => `${a.path}: ${a.body.slice(Math.max(0, a.body.indexOf(TAG) - 60), a.body.indexOf(TAG) + 60)}`);
    expect(leaks).toEqual([]);
  });

  it('would notice a leak: the staff API, which may show them, does carry the canaries', async () => {
    const list = (await (await t.app.request('/api/v1/admin/inquiries', { headers: t.auth() })).json()) as { items: { id: string }[] };
    const one = await (await t.app.request(`/api/v1/admin/inquiries/${list.items[0]!.id}`, { headers: t.auth() })).text();
    expect(one).toContain(`${TAG}-inquiry-body`);
  });

  it('still publishes what may be published', async () => {
    const json = (await (await t.app.request(`/api/v1/services/${numbers[0]}`)).json()) as {
      disclosure: { items: { value: { ja: string } }[] };
      improvementRequests: { content: string }[];
    };
    expect(json.disclosure.items.map((i) => i.value.ja)).toEqual(['公開してよい概要 v2']);
    expect(json.improvementRequests.map((i) => i.content)).toEqual(['公表してよい改善要請']);
    const revoked = (await (await t.app.request(`/api/v1/services/${numbers[2]}`)).json()) as { status: string; revocation: { reason: string } };
    expect(revoked).toMatchObject({ status: 'revoked', revocation: { reason: '調査に応じなかった' } });
    const refused = (await (await t.app.request(`/api/v1/services/${numbers[3]}`)).json()) as { status: string };
    expect(refused.status).toBe('expired');
    // the log shows the public revocation, decoded from its entry
    await t.deps.log!.sequence();
    const size = (await t.deps.log!.checkpoint())!.size;
    const page = (await (await t.app.request(`/api/v1/log/entries?start=0&end=${Math.min(size, 1000)}`)).json()) as { entries: { entry: string }[] };
    const decoded = page.entries.map((e) => Buffer.from(e.entry, 'base64').toString('utf8')).join('\n');
    expect(decoded).toContain('調査に応じなかった');
    expect(decoded).toContain(numbers[2]);
  });
});
