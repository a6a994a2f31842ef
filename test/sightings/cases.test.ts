import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { serviceEvents } from '../../src/repositories/events';
import { issueStaffToken } from '../../src/access/staff-tokens';
import { testApp, type TestApp } from '../support/app';
import { certifiedService, crawlerKey, markPng, postSighting, recolouredPng, uniqueOrigin, verifyUrl } from './support';

const START = '2026-04-01T03:00:00Z';
let t: TestApp;
let key: string;
beforeAll(async () => {
  t = await testApp({ now: START });
  key = (await crawlerKey(t)).key;
});
afterAll(async () => t.close());
beforeEach(() => t.clock.set(START));

interface CaseOut {
  id: string;
  status: string;
  finding: string;
  sightingsCount: number;
  serviceNumber: string | null;
  closeReason: string | null;
  action: Record<string, unknown> | null;
  seenSinceClosed: boolean;
  pageUrl: string;
}

async function staffToken(role: 'reviewer' | 'auditor') {
  const token = `test-${role}-${randomUUID()}`;
  await issueStaffToken({ db: t.database.db, clock: t.clock, actor: 'test' }, { name: role, role, secret: token });
  return token;
}

const casesOf = async (query: string, token?: string) => {
  const res = await t.app.request(`/api/v1/admin/cases?${query}`, { headers: t.auth(token) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { cases: CaseOut[] }).cases;
};

/** A certified service whose mark is shown without a link on its own site: a no_link case. */
async function noLinkCase(count = 1) {
  const s = await certifiedService(t);
  for (let i = 0; i < count; i++) {
    t.clock.advance(1000);
    expect((await postSighting(t, key, { image: await markPng(), pageUrl: s.page, seenAt: t.clock.now().toISOString() })).status).toBe(201);
  }
  const [c] = await casesOf(`service=${s.number}`);
  return { s, c: c! };
}

describe('cases: one per service, page and finding', () => {
  it('counts repeat sightings of the same finding on the same page in one case', async () => {
    const { c } = await noLinkCase(3);
    expect(c).toMatchObject({ finding: 'no_link', status: 'open', sightingsCount: 3 });
  });

  it('counts sightings that arrive together (written in one batch) in one case', async () => {
    const s = await certifiedService(t);
    const image = await markPng();
    const answers = await Promise.all(Array.from({ length: 12 }, () => postSighting(t, key, { image, pageUrl: s.page, seenAt: START })));
    expect(answers.map((r) => r.status)).toEqual(Array(12).fill(201));
    const [c] = await casesOf(`service=${s.number}`);
    expect(c).toMatchObject({ finding: 'no_link', sightingsCount: 12 });
    const rows = await t.database.db.selectFrom('sightings').select('id').where('page_url', '=', s.page).execute();
    expect(rows).toHaveLength(12);
  });

  it('opens a case of its own for another page and for each finding of a sighting', async () => {
    const s = await certifiedService(t);
    const elsewhere = `${uniqueOrigin()}/shop`;
    await postSighting(t, key, { image: await markPng(), pageUrl: s.page, seenAt: START });
    await postSighting(t, key, { image: await recolouredPng(), pageUrl: elsewhere, seenAt: START, linkHref: `${elsewhere}#x` });
    const cases = await casesOf(`service=${s.number}`);
    expect(cases.map((c) => `${c.pageUrl} ${c.finding}`).sort()).toEqual([`${s.page} no_link`].sort());
    const others = await casesOf('finding=recoloured');
    expect(others.some((c) => c.pageUrl === elsewhere && c.serviceNumber === null)).toBe(true);
    expect((await casesOf('finding=wrong_site')).some((c) => c.pageUrl === elsewhere)).toBe(true);
  });

  it('filters by status and finding', async () => {
    const { c } = await noLinkCase();
    expect((await casesOf('status=open&finding=no_link')).some((x) => x.id === c.id)).toBe(true);
    expect((await casesOf('status=dismissed')).some((x) => x.id === c.id)).toBe(false);
    expect((await t.app.request('/api/v1/admin/cases?finding=nonsense', { headers: t.auth() })).status).toBe(400);
  });
});

describe('reading a case (Art. 20: confidential, audited)', () => {
  it('shows the case with its sightings and their evidence, and audits the read', async () => {
    const { c } = await noLinkCase(2);
    const res = await t.app.request(`/api/v1/admin/cases/${c.id}`, { headers: t.auth() });
    expect(res.status).toBe(200);
    const body = (await res.json()) as CaseOut & { sightings: { evidence: { image: { shapeDistance: number }; link: unknown } }[] };
    expect(body.sightings).toHaveLength(2);
    expect(body.sightings[0]!.evidence.image.shapeDistance).toBeTypeOf('number');
    const audited = await t.database.db.selectFrom('audit_log').selectAll().where('subject', '=', c.id).execute();
    expect(audited.map((a) => a.action)).toEqual(['read case']);
    const listed = await t.database.db.selectFrom('audit_log').select('subject').where('action', '=', 'read case list').execute();
    expect(listed.map((a) => a.subject)).toContain(`?service=${body.serviceNumber}`);
  });

  it('serves a JPEG sighting as the JPEG received, without its EXIF, and audits the read', async () => {
    const s = await certifiedService(t);
    const jpeg = await sharp(await markPng())
      .flatten({ background: '#ffffff' })
      .withExif({ IFD0: { Copyright: 'secret-marker' } })
      .jpeg({ quality: 85 })
      .toBuffer();
    const sent = await postSighting(t, key, { image: jpeg, pageUrl: s.page, seenAt: t.clock.now().toISOString() });
    expect(sent.status).toBe(201);
    const { imageSha256 } = (await sent.json()) as { imageSha256: string };
    const res = await t.app.request(`/api/v1/admin/sighting-images/${imageSha256}`, { headers: t.auth() });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const served = Buffer.from(await res.arrayBuffer());
    expect(jpeg.includes('secret-marker')).toBe(true);
    expect(served.includes('secret-marker')).toBe(false);
    const [a, b] = await Promise.all([jpeg, served].map((x) => sharp(x).raw().toBuffer()));
    expect(b!.equals(a!)).toBe(true);
    const audited = await t.database.db.selectFrom('audit_log').select('action').where('subject', '=', imageSha256).execute();
    expect(audited.map((x) => x.action)).toEqual(['read sighting image']);
  });

  it('is not shown without a staff token', async () => {
    const { c } = await noLinkCase();
    expect((await t.app.request(`/api/v1/admin/cases/${c.id}`)).status).toBe(401);
    expect((await t.app.request(`/api/v1/admin/cases/${randomUUID()}`, { headers: t.auth() })).status).toBe(404);
  });
});

describe('closing a case as dismissed', () => {
  it('closes it with the reason, and keeps counting later sightings', async () => {
    const { s, c } = await noLinkCase();
    const res = await t.json('POST', `/api/v1/admin/cases/${c.id}/dismissal`, { reason: 'the link is added by script after load' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'dismissed', closeReason: 'the link is added by script after load', seenSinceClosed: false });
    t.clock.advance(60_000);
    await postSighting(t, key, { image: await markPng(), pageUrl: s.page, seenAt: t.clock.now().toISOString() });
    const [again] = await casesOf(`service=${s.number}`);
    expect(again).toMatchObject({ id: c.id, status: 'dismissed', sightingsCount: 2, seenSinceClosed: true });
  });

  it('needs a reason, and refuses to close a closed case', async () => {
    const { c } = await noLinkCase();
    expect((await t.json('POST', `/api/v1/admin/cases/${c.id}/dismissal`, { reason: ' ' })).status).toBe(400);
    expect((await t.json('POST', `/api/v1/admin/cases/${c.id}/dismissal`, { reason: 'fine' })).status).toBe(200);
    expect((await t.json('POST', `/api/v1/admin/cases/${c.id}/dismissal`, { reason: 'again' })).status).toBe(409);
  });

  it('is not for auditors', async () => {
    const { c } = await noLinkCase();
    const auditor = await staffToken('auditor');
    expect((await t.json('POST', `/api/v1/admin/cases/${c.id}/dismissal`, { reason: 'no' }, t.auth(auditor))).status).toBe(403);
    expect((await t.app.request(`/api/v1/admin/cases/${c.id}`, { headers: t.auth(auditor) })).status).toBe(200);
  });
});

describe('acting on a case', () => {
  it('requests an investigation of the service (Art. 15)', async () => {
    const { s, c } = await noLinkCase();
    const reviewer = await staffToken('reviewer');
    const res = await t.json(
      'POST',
      `/api/v1/admin/cases/${c.id}/actions`,
      { kind: 'investigation', subject: 'explain the unlinked mark on your site', dueOn: '2026-04-30' },
      t.auth(reviewer),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as CaseOut;
    // issue 14: the case stays open, waiting for the request's due date
    expect(body).toMatchObject({ status: 'open', awaiting: 'investigation', dueOn: '2026-04-30', action: { kind: 'investigation', article: 'Art. 15.1' } });
    const events = await serviceEvents(t.database.db, s.id);
    const requested = events.find((e) => e.type === 'investigation.requested');
    expect(requested?.payload).toMatchObject({ investigationId: body.action!.investigationId, dueOn: '2026-04-30' });
  });

  it('Art. 16.1: requests an improvement, opening the investigation it follows when none is named', async () => {
    const { s, c } = await noLinkCase();
    const res = await t.json('POST', `/api/v1/admin/cases/${c.id}/actions`, {
      kind: 'improvement',
      content: 'link the mark to its verification page',
      dueOn: '2026-04-15',
      publish: true,
    });
    expect(res.status).toBe(200);
    const events = await serviceEvents(t.database.db, s.id);
    const investigation = events.find((e) => e.type === 'investigation.requested');
    expect(investigation?.payload).toMatchObject({ subject: expect.stringContaining('no_link') });
    const improvement = events.find((e) => e.type === 'improvement.requested');
    expect(improvement?.payload).toMatchObject({
      content: 'link the mark to its verification page',
      publish: true,
      investigationId: (investigation!.payload as { investigationId: string }).investigationId,
    });
  });

  it('Art. 16.1: requests an improvement that names an investigation already made, and refuses one of another service (422, case left open)', async () => {
    const { s, c } = await noLinkCase();
    const inv = (await (await t.json('POST', `/api/v1/admin/services/${s.id}/investigations`, { subject: '説明', dueOn: '2026-04-20' })).json()).result.id;
    const other = await noLinkCase();
    const refused = await t.json('POST', `/api/v1/admin/cases/${other.c.id}/actions`, {
      kind: 'improvement',
      investigationId: inv,
      content: 'fix',
      dueOn: '2026-04-25',
    });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ field: 'investigationId', article: 'Art. 16.1' });
    expect((await casesOf('status=open')).some((x) => x.id === other.c.id)).toBe(true);
    const res = await t.json('POST', `/api/v1/admin/cases/${c.id}/actions`, { kind: 'improvement', investigationId: inv, content: 'fix', dueOn: '2026-04-25' });
    expect(res.status).toBe(200);
    const events = await serviceEvents(t.database.db, s.id);
    expect(events.filter((e) => e.type === 'investigation.requested')).toHaveLength(1);
    expect(events.find((e) => e.type === 'improvement.requested')?.payload).toMatchObject({ investigationId: inv });
  });

  it('records a revocation proposal under Art. 17.1(3) without revoking', async () => {
    const { s, c } = await noLinkCase();
    const res = await t.json('POST', `/api/v1/admin/cases/${c.id}/actions`, { kind: 'revocation_proposal', reason: 'repeated misuse after two requests' });
    expect(res.status).toBe(200);
    // issue 14: a proposal another admin decides; the case waits for it
    expect(await res.json()).toMatchObject({
      status: 'open',
      awaiting: 'revocation',
      action: { kind: 'revocation_proposal', ground: 3, article: 'Art. 17.1(3)' },
    });
    const events = await serviceEvents(t.database.db, s.id);
    expect(events.some((e) => e.type === 'service.revoked')).toBe(false);
  });

  it('leaves the case open when the request is not allowed (a due date in the past)', async () => {
    const { c } = await noLinkCase();
    const res = await t.json('POST', `/api/v1/admin/cases/${c.id}/actions`, { kind: 'investigation', subject: 'explain', dueOn: '2026-03-01' });
    expect(res.status).toBe(400);
    expect((await casesOf('status=open')).some((x) => x.id === c.id)).toBe(true);
  });

  it('cannot act on a case that names no certified service', async () => {
    const page = `${uniqueOrigin()}/`;
    await postSighting(t, key, { image: await markPng(), pageUrl: page, linkHref: verifyUrl('MD-0998-2601'), seenAt: START });
    const c = (await casesOf('finding=wrong_site')).find((x) => x.pageUrl === page)!;
    const res = await t.json('POST', `/api/v1/admin/cases/${c.id}/actions`, { kind: 'revocation_proposal', reason: 'x' });
    expect(res.status).toBe(409);
  });
});
