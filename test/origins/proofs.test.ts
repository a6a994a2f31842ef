import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { revoke } from '../../src/domain/lifecycle/closure';
import { noticeSettingsOf } from '../../src/notices/compose';
import { checkOriginProof, requestOriginProof, revalidateOriginProofs, type OriginProofContext } from '../../src/origins/proofs';
import { certifiedService, ok, problem } from '../admin/fixtures';
import { testApp, type TestApp } from '../support/app';
import { lifecycle } from '../tokens/support';

/**
 * Art. 10.2 made two-sided (issue 15): a site joins the registered sites, the only ones a token may name and the
 * mark is served on, once the vendor meets certmark's challenge; it is re-checked yearly and removed when it keeps
 * failing. The site is a fixture on 127.0.0.1, reachable through the test-only allow-list of the fetcher.
 */
const ADMIN = '/api/v1/admin';
const DAY = 86_400_000;
let site: http.Server;
let origin: string;
const served = new Map<string, string>();
let t: TestApp;

beforeAll(async () => {
  site = http.createServer((req, res) => {
    const body = served.get(req.url ?? '');
    if (body === undefined) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/plain' }).end(body);
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
});
afterAll(async () => {
  site.closeAllConnections();
  await new Promise((r) => site.close(r));
});
afterEach(async () => {
  served.clear();
  await t?.close();
});

const app = () => testApp({ now: '2026-04-01T03:00:00Z', config: { fetch: { allow: [origin] } } });
/** The fixture site serves the http-01 challenge as told. */
const serve = (p: { instructions: object }) => {
  const i = p.instructions as { url: string; content: string };
  served.set(new URL(i.url).pathname, i.content);
};
const issueToken = (id: string, origins: string[]) => t.json('POST', `${ADMIN}/services/${id}/tokens`, { origins });
const markOn = async (token: string, at: string) => (await t.app.request(`/mark/${token}.svg`, { headers: { Origin: at } })).status;
const proofCtx = (over: Partial<OriginProofContext> = {}): OriginProofContext => ({
  ...lifecycle(t, 'staff:test'),
  notices: noticeSettingsOf(t.config, t.deps.mark),
  check: { fetch: { allow: [origin] } },
  ...over,
});

describe('http-01: a site is registered once its challenge is met (Art. 10.2)', () => {
  it('gives a challenge, refuses the site until it is served, then registers it and lets a token name it', async () => {
    t = await app();
    const s = await certifiedService(t, { noticeEmails: ['sites@vendor.example'] });
    const p = await ok(t.json('POST', `${ADMIN}/services/${s.id}/origin-proofs`, { origin, method: 'http-01' }), 201);
    expect(p).toMatchObject({ origin, method: 'http-01', status: 'pending' });
    expect(p.instructions.url).toBe(`${origin}/.well-known/certmark-challenge/${p.instructions.content.split('.')[0]}`);
    // asking again while it is pending gives the same challenge
    expect((await ok(t.json('POST', `${ADMIN}/services/${s.id}/origin-proofs`, { origin, method: 'http-01' }), 201)).id).toBe(p.id);

    const before = await ok(t.json('POST', `${ADMIN}/origin-proofs/${p.id}/check`));
    expect(before.outcome).toMatchObject({ valid: false, problem: expect.stringContaining('404') });
    expect(before.proof.status).toBe('pending');
    const refused = await problem(issueToken(s.id, [origin]), 422);
    expect(refused.article).toBe('Art. 10.2');

    serve(p);
    const after = await ok(t.json('POST', `${ADMIN}/origin-proofs/${p.id}/check`));
    expect(after.outcome).toEqual({ valid: true });
    expect(after.proof).toMatchObject({ status: 'valid', verifiedAt: '2026-04-01T03:00:00.000Z', revalidateAt: '2027-04-01T03:00:00.000Z' });
    const sites = await ok(t.json('GET', `${ADMIN}/services/${s.id}/origin-proofs`));
    expect(sites.origins).toEqual([
      { origin, verifiedBy: 'http-01', proofId: p.id },
      { origin: 'https://clinic.example.jp', verifiedBy: 'staff', proofId: null },
    ]);
    const token = (await ok(issueToken(s.id, [origin]), 201)).token;
    expect(await markOn(token, origin)).toBe(200);
    // a second proof of a proved site is a conflict
    await problem(t.json('POST', `${ADMIN}/services/${s.id}/origin-proofs`, { origin, method: 'http-01' }), 409);
  });

  it('expires a challenge not met within seven days', async () => {
    t = await app();
    const s = await certifiedService(t);
    const p = await ok(t.json('POST', `${ADMIN}/services/${s.id}/origin-proofs`, { origin, method: 'http-01' }), 201);
    serve(p);
    t.clock.advance(7 * DAY + 1);
    const r = await ok(t.json('POST', `${ADMIN}/origin-proofs/${p.id}/check`));
    expect(r).toMatchObject({ outcome: { valid: false, problem: expect.stringContaining('expired') }, proof: { status: 'expired' } });
    await problem(t.json('POST', `${ADMIN}/origin-proofs/${p.id}/check`), 409);
    // a new challenge can be asked for
    expect((await ok(t.json('POST', `${ADMIN}/services/${s.id}/origin-proofs`, { origin, method: 'http-01' }), 201)).id).not.toBe(p.id);
  });
});

describe('the yearly re-check (Art. 10.2)', () => {
  it('keeps a site that passes for another year', async () => {
    t = await app();
    const s = await certifiedService(t);
    const ctx = proofCtx();
    const p = await requestOriginProof(ctx, s.id, { origin, method: 'http-01' });
    serve(p);
    await checkOriginProof(ctx, p.id);
    t.clock.advance(364 * DAY);
    expect(await revalidateOriginProofs(ctx)).toEqual({ checked: 0, passed: 0 }); // not due yet
    t.clock.advance(2 * DAY);
    expect(await revalidateOriginProofs(ctx)).toEqual({ checked: 1, passed: 1 });
    const proof = (await ok(t.json('GET', `${ADMIN}/services/${s.id}/origin-proofs`))).proofs[0];
    expect(proof).toMatchObject({ status: 'valid', verifiedAt: '2026-04-01T03:00:00.000Z', revalidateAt: '2028-04-01T03:00:00.000Z' });
  });

  it('tells the vendor when a site fails, and removes it after 30 days of failing: the mark stops there', async () => {
    t = await app();
    const s = await certifiedService(t, { noticeEmails: ['sites@vendor.example'] });
    const ctx = proofCtx();
    const p = await requestOriginProof(ctx, s.id, { origin, method: 'http-01' });
    serve(p);
    await checkOriginProof(ctx, p.id);
    const token = (await ok(issueToken(s.id, [origin]), 201)).token;

    t.clock.advance(366 * DAY);
    served.clear(); // the vendor took the file down
    expect(await revalidateOriginProofs(ctx)).toEqual({ checked: 1, passed: 0 });
    const notices = await t.database.db
      .selectFrom('notices')
      .select(['kind', 'subject', 'body', 'recipients'])
      .where('kind', 'like', 'origin_proof_%')
      .execute();
    expect(notices.map((n) => n.kind)).toEqual(['origin_proof_failing']);
    expect(notices[0]!.subject).toContain(origin);
    expect(notices[0]!.body).toContain('第10条第2項');
    expect(notices[0]!.body).toContain('2027年5月2日'); // 30 days after the failed check
    expect(await markOn(token, origin)).toBe(200); // still registered during the grace period
    expect(await revalidateOriginProofs(ctx)).toEqual({ checked: 0, passed: 0 }); // a failing site is checked once a day

    t.clock.advance(15 * DAY);
    expect(await revalidateOriginProofs(ctx)).toEqual({ checked: 1, passed: 0 });
    expect(await markOn(token, origin)).toBe(200);
    t.clock.advance(16 * DAY);
    await revalidateOriginProofs(ctx);
    const sites = await ok(t.json('GET', `${ADMIN}/services/${s.id}/origin-proofs`));
    expect(sites.origins.map((o: { origin: string }) => o.origin)).toEqual(['https://clinic.example.jp']);
    expect(sites.proofs[0].status).toBe('lapsed');
    expect(await markOn(token, origin)).toBe(403);
    const kinds = (await t.database.db.selectFrom('notices').select('kind').where('kind', 'like', 'origin_proof_%').orderBy('created_at').execute()).map(
      (n) => n.kind,
    );
    expect(kinds).toEqual(['origin_proof_failing', 'origin_proof_lapsed']);
  }, 60_000);

  it('puts each proof on the event chain: requested, verified, failing, lapsed', async () => {
    t = await app();
    const s = await certifiedService(t);
    const ctx = proofCtx();
    const p = await requestOriginProof(ctx, s.id, { origin, method: 'http-01' });
    serve(p);
    await checkOriginProof(ctx, p.id);
    served.clear();
    t.clock.advance(366 * DAY);
    await revalidateOriginProofs(ctx);
    t.clock.advance(31 * DAY);
    await revalidateOriginProofs(ctx);
    const types = (await t.database.db.selectFrom('events').select('type').where('type', 'like', 'origin_proof.%').orderBy('id').execute()).map((e) => e.type);
    expect(types).toEqual(['origin_proof.requested', 'origin_proof.verified', 'origin_proof.failing', 'origin_proof.lapsed']);
  }, 60_000);
});

describe('dns-01 through a stand-in resolver', () => {
  it('registers the site when the TXT record holds the digest', async () => {
    t = await app();
    const s = await certifiedService(t);
    const site = 'https://karte.vendor.example';
    const records: Record<string, string[][]> = {};
    const ctx = proofCtx({
      check: {
        resolveTxt: async (name) => {
          if (!records[name]) throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
          return records[name]!;
        },
      },
    });
    const p = await requestOriginProof(ctx, s.id, { origin: site, method: 'dns-01' });
    expect(p.instructions).toEqual({ name: '_certmark-challenge.karte.vendor.example', type: 'TXT', value: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect((await checkOriginProof(ctx, p.id)).outcome.valid).toBe(false);
    records['_certmark-challenge.karte.vendor.example'] = [[(p.instructions as { value: string }).value]];
    expect((await checkOriginProof(ctx, p.id)).outcome.valid).toBe(true);
    expect((await ok(t.json('GET', `${ADMIN}/services/${s.id}/origin-proofs`))).origins).toContainEqual({ origin: site, verifiedBy: 'dns-01', proofId: p.id });
  });
});

describe('POST /services/{service}/origin-proofs: bad input', () => {
  it('answers 400 for a site that is not an https origin, 404 for an unknown service, 409 after revocation', async () => {
    t = await app();
    const s = await certifiedService(t);
    for (const bad of ['http://vendor.example', 'https://vendor.example/path', 'https://u:p@vendor.example', 'vendor.example', '']) {
      await problem(t.json('POST', `${ADMIN}/services/${s.id}/origin-proofs`, { origin: bad, method: 'http-01' }), 400);
    }
    await problem(t.json('POST', `${ADMIN}/services/${s.id}/origin-proofs`, { origin: 'https://vendor.example', method: 'tls-alpn-01' }), 400);
    await problem(t.json('POST', `${ADMIN}/services/svc_none/origin-proofs`, { origin: 'https://vendor.example', method: 'http-01' }), 404);
    await problem(t.json('POST', `${ADMIN}/origin-proofs/nope/check`), 404);
    await revoke(lifecycle(t), s.id, { ground: 1, reason: 'x', notice: 'y', noticeSentBy: 'post' });
    await problem(t.json('POST', `${ADMIN}/services/${s.id}/origin-proofs`, { origin: 'https://vendor.example', method: 'http-01' }), 409);
  });
});
