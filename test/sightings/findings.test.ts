import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { revoke, terminate } from '../../src/domain/lifecycle/closure';
import { issueEmbedToken, retireEmbedToken } from '../../src/tokens/issue';
import { testApp, type TestApp } from '../support/app';
import { certifiedService, countRows, crawlerKey, ctxOf, markPng, postSighting, recolouredPng, uniqueOrigin, unrelatedPng, verifyUrl } from './support';

const START = '2026-04-01T03:00:00Z';
let t: TestApp;
let key: string;
beforeAll(async () => {
  t = await testApp({ now: START });
  key = (await crawlerKey(t)).key;
});
afterAll(async () => t.close());
beforeEach(() => t.clock.set(START));

const findingsOf = async (res: Response) => {
  expect(res.status).toBe(201);
  return ((await res.json()) as { findings: string[] }).findings;
};
const now = () => t.clock.now().toISOString();
const tokenFor = async (serviceId: string, origins: string[] | null = null) =>
  issueEmbedToken({ db: t.database.db, clock: t.clock, keys: t.deps.keys, base: t.config.publicBaseUrl }, serviceId, { origins });

describe('the embed token names the service (signature checked: EdDSA, our keys)', () => {
  it('finds nothing wrong with a badge whose token, page and link agree', async () => {
    const s = await certifiedService(t);
    const { token } = await tokenFor(s.id);
    const res = await postSighting(t, key, { image: await markPng(), token, linkHref: verifyUrl(s.number), pageUrl: s.page, seenAt: now() });
    const body = (await res.json()) as { id: string; findings: string[] };
    expect(body.findings).toEqual(['ok']);
    const row = await t.database.db.selectFrom('sightings').select(['service_id', 'evidence']).where('id', '=', body.id).executeTakeFirstOrThrow();
    expect(row.service_id).toBe(s.id);
    expect(row.evidence).toMatchObject({ service: { identifiedBy: 'token' }, token: { valid: true } });
  });

  it('flags a page on a registered origin that the token does not name (wrong_site)', async () => {
    const [a, b] = [uniqueOrigin(), uniqueOrigin()];
    const s = await certifiedService(t, [a, b]);
    const { token } = await tokenFor(s.id, [a]);
    const res = await postSighting(t, key, { image: await markPng(), token, linkHref: verifyUrl(s.number), pageUrl: `${b}/`, seenAt: now() });
    expect(await findingsOf(res)).toEqual(['wrong_site']);
  });

  it('flags a retired token as naming no certified service (wrong_site)', async () => {
    const s = await certifiedService(t);
    const issued = await tokenFor(s.id);
    await retireEmbedToken({ db: t.database.db, clock: t.clock, keys: t.deps.keys }, issued.jti);
    const res = await postSighting(t, key, { image: await markPng(), token: issued.token, linkHref: verifyUrl(s.number), pageUrl: s.page, seenAt: now() });
    expect(await findingsOf(res)).toContain('wrong_site');
  });

  it('flags the token’s service as revoked, whatever the link says', async () => {
    const s = await certifiedService(t);
    const other = await certifiedService(t);
    const { token } = await tokenFor(s.id);
    t.clock.advance(60_000);
    await revoke(ctxOf(t), s.id, { ground: 3, reason: 'misuse of the mark', notice: 'notice sent', noticeSentBy: 'post' });
    t.clock.advance(60_000);
    const res = await postSighting(t, key, { image: await markPng(), token, linkHref: verifyUrl(other.number), pageUrl: s.page, seenAt: now() });
    expect(await findingsOf(res)).toEqual(['revoked', 'no_link']);
  });
});

describe('ok: an official rendering used as the rules say', () => {
  it('finds nothing wrong with the official mark on a registered site linking to its verification page', async () => {
    const s = await certifiedService(t);
    const before = await countRows(t);
    const res = await postSighting(t, key, { image: await markPng('colour'), linkHref: verifyUrl(s.number), pageUrl: `${s.origin}/about`, seenAt: now() });
    expect(await findingsOf(res)).toEqual(['ok']);
    expect((await countRows(t)).cases).toBe(before.cases);
  });

  it('accepts the monochrome version as official too', async () => {
    const s = await certifiedService(t);
    const res = await postSighting(t, key, { image: await markPng('mono', 256), linkHref: verifyUrl(s.number), pageUrl: s.page, seenAt: now() });
    expect(await findingsOf(res)).toEqual(['ok']);
  });
});

describe('stale (Art. 10.6): the mark shown for a service that is no longer certified at the time seen', () => {
  it('flags a mark seen after the validity ended', async () => {
    const s = await certifiedService(t); // certified 2026-04-01: valid through 2028-04-01 (JST)
    t.clock.set('2028-04-03T03:00:00Z');
    const res = await postSighting(t, key, { image: await markPng(), linkHref: verifyUrl(s.number), pageUrl: s.page, seenAt: '2028-04-02T03:00:00Z' });
    expect(await findingsOf(res)).toEqual(['stale']);
  });

  it('flags a mark seen after the service was terminated', async () => {
    const s = await certifiedService(t);
    t.clock.advance(60_000);
    await terminate(ctxOf(t), s.id, { certificateReturned: true });
    t.clock.advance(60_000);
    const res = await postSighting(t, key, { image: await markPng(), linkHref: verifyUrl(s.number), pageUrl: s.page, seenAt: now() });
    expect(await findingsOf(res)).toEqual(['stale']);
  });

  it('judges by the status at seenAt, not at the time of the report', async () => {
    const s = await certifiedService(t);
    const seenAt = new Date(t.clock.now().getTime() + 60_000).toISOString();
    t.clock.advance(120_000);
    await terminate(ctxOf(t), s.id, { certificateReturned: true });
    const res = await postSighting(t, key, { image: await markPng(), linkHref: verifyUrl(s.number), pageUrl: s.page, seenAt });
    expect(await findingsOf(res)).toEqual(['ok']);
  });
});

describe('revoked (Art. 10.8): the mark shown for a revoked service', () => {
  it('flags a mark seen after the revocation', async () => {
    const s = await certifiedService(t);
    t.clock.advance(60_000);
    await revoke(ctxOf(t), s.id, { ground: 3, reason: 'misuse of the mark', notice: 'notice sent', noticeSentBy: 'post' });
    t.clock.advance(60_000);
    const res = await postSighting(t, key, { image: await markPng(), linkHref: verifyUrl(s.number), pageUrl: s.page, seenAt: now() });
    expect(await findingsOf(res)).toEqual(['revoked']);
  });
});

describe('wrong_site (Art. 10.2, 10.3)', () => {
  it('flags the mark on an origin not registered for the service it links to', async () => {
    const s = await certifiedService(t);
    const res = await postSighting(t, key, { image: await markPng(), linkHref: verifyUrl(s.number), pageUrl: `${uniqueOrigin()}/products`, seenAt: now() });
    expect(await findingsOf(res)).toEqual(['wrong_site']);
  });

  it('flags a mark that names no certified service (no token, no verification link, unknown site)', async () => {
    const page = `${uniqueOrigin()}/`;
    const res = await postSighting(t, key, { image: await markPng(), linkHref: page, pageUrl: page, seenAt: now() });
    expect(await findingsOf(res)).toEqual(['wrong_site', 'no_link']);
  });

  it('flags a mark carrying a forged token', async () => {
    const s = await certifiedService(t);
    const forged = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJNRC0wMDAxLTI2MDQifQ.';
    const res = await postSighting(t, key, { image: await markPng(), linkHref: verifyUrl(s.number), pageUrl: s.page, token: forged, seenAt: now() });
    expect(await findingsOf(res)).toEqual(['wrong_site']);
  });

  it('flags a mark linking to the verification page of a number no service holds', async () => {
    const res = await postSighting(t, key, { image: await markPng(), linkHref: verifyUrl('MD-0999-2601'), pageUrl: `${uniqueOrigin()}/`, seenAt: now() });
    expect(await findingsOf(res)).toEqual(['wrong_site']);
  });
});

describe('no_link (Art. 10.4): the mark must link to the service’s verification page', () => {
  it('flags an unlinked mark on the vendor’s registered site', async () => {
    const s = await certifiedService(t);
    const res = await postSighting(t, key, { image: await markPng(), pageUrl: s.page, seenAt: now() });
    expect(await findingsOf(res)).toEqual(['no_link']);
  });

  it('flags a mark linking elsewhere', async () => {
    const s = await certifiedService(t);
    const res = await postSighting(t, key, { image: await markPng(), linkHref: `${s.origin}/certified`, pageUrl: s.page, seenAt: now() });
    expect(await findingsOf(res)).toEqual(['no_link']);
  });

  it('accepts the verification page in English (?lang=en)', async () => {
    const s = await certifiedService(t);
    const res = await postSighting(t, key, { image: await markPng(), linkHref: `${verifyUrl(s.number)}?lang=en`, pageUrl: s.page, seenAt: now() });
    expect(await findingsOf(res)).toEqual(['ok']);
  });
});

describe('image findings (Art. 10.5) with their measured evidence', () => {
  it('flags a recoloured copy and keeps the colour distance', async () => {
    const s = await certifiedService(t);
    const res = await postSighting(t, key, { image: await recolouredPng(), linkHref: verifyUrl(s.number), pageUrl: s.page, seenAt: now() });
    const body = (await res.json()) as { id: string; findings: string[] };
    expect(body.findings).toEqual(['recoloured']);
    const row = await t.database.db.selectFrom('sightings').selectAll().where('id', '=', body.id).executeTakeFirstOrThrow();
    const image = (row.evidence as { image: { colourDeltaE: number; shapeDistance: number; region: unknown } }).image;
    expect(image.colourDeltaE).toBeGreaterThan(5);
    expect(image.shapeDistance).toBeGreaterThanOrEqual(0);
    expect(image.region).not.toBeNull();
  });

  it('records an unrelated image with no finding and opens no case', async () => {
    const before = await countRows(t);
    const res = await postSighting(t, key, { image: await unrelatedPng(), pageUrl: `${uniqueOrigin()}/`, seenAt: now() });
    expect(await res.json()).toMatchObject({ findings: [], markSeen: false });
    const after = await countRows(t);
    expect(after).toEqual({ images: before.images + 1, sightings: before.sightings + 1, cases: before.cases });
  });

  it('judges an image sent before by its hash, without the bytes', async () => {
    const s = await certifiedService(t);
    const first = (await (
      await postSighting(t, key, { image: await recolouredPng(96), linkHref: verifyUrl(s.number), pageUrl: s.page, seenAt: now() })
    ).json()) as { imageSha256: string };
    const res = await postSighting(t, key, {
      image: null,
      imageSha256: first.imageSha256,
      linkHref: verifyUrl(s.number),
      pageUrl: `${s.origin}/again`,
      seenAt: now(),
    });
    expect(await findingsOf(res)).toEqual(['recoloured']);
  });
});
