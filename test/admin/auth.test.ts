import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/repositories/staff';
import { ADMIN_TOKEN, testApp, type TestApp } from '../support/app';
import { application, certifiedService, certify, ok, op, problem, renewal, rowCounts, staffToken } from './fixtures';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => t.close());

const S = '/api/v1/admin/services/some-service';

/** Every staff write, with a body that would pass validation. */
const WRITES: [string, string, unknown][] = [
  ['POST', '/api/v1/admin/vendors', { nameJa: 'ベンダー' }],
  ['POST', '/api/v1/admin/services', { vendorId: 'v', nameJa: 'サービス' }],
  ['POST', `${S}/applications`, application()],
  ['POST', `${S}/decision`, certify()],
  ['POST', `${S}/renewals`, renewal()],
  ['POST', `${S}/extensions`, { until: '2028-05-01', reason: 'r' }],
  ['POST', `${S}/changes`, { items: [{ key: 'a', labelJa: 'a', valueJa: 'a' }], note: 'n' }],
  ['POST', `${S}/origins`, { origins: [] }],
  ['POST', `${S}/termination`, { certificateReturned: true }],
  ['POST', `${S}/certificate-return`, undefined],
  ['POST', `${S}/lapse`, { cause: 'merger', note: 'n' }],
  ['POST', `${S}/revocation`, { ground: 1, reason: 'r' }],
  ['POST', `${S}/emergencies`, { kind: 'outage', summary: 's' }],
  ['POST', `${S}/emergencies/e/reports`, { report: 'r' }],
  ['POST', `${S}/investigations`, { subject: 's', dueOn: '2027-01-01' }],
  ['POST', `${S}/investigations/i/answer`, { summary: 's', satisfactory: true }],
  ['POST', `${S}/improvements`, { content: 'c', dueOn: '2027-01-01' }],
  ['POST', `${S}/improvements/i/publication`, undefined],
  ['POST', `${S}/improvements/i/completion`, { note: 'n' }],
  ['POST', '/api/v1/admin/staff-tokens', { name: 'n', role: 'admin' }],
  ['DELETE', '/api/v1/admin/staff-tokens/some-token', undefined],
];

const READS = [
  '/api/v1/admin/vendors',
  '/api/v1/admin/services',
  '/api/v1/admin/events/verify',
  '/api/v1/admin/oversight/overdue',
  `${S}`,
  `${S}/status`,
  `${S}/events`,
  '/api/v1/admin/vendors/v',
];

describe('staff authentication (bearer staff tokens)', () => {
  it.each(WRITES)('%s %s without a token is 401 and writes nothing', async (method, path, body) => {
    const before = await rowCounts(t);
    const res = await t.json(method, path, body, {});
    expect((await problem(res, 401)).code).toBe('unauthenticated');
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(await rowCounts(t)).toEqual(before);
  });

  it.each(READS)('GET %s without a token or with an unknown one is 401', async (path) => {
    await problem(t.json('GET', path, undefined, {}), 401);
    await problem(t.json('GET', path, undefined, t.auth('not-a-token-of-ours-0123456789')), 401);
    await problem(t.json('GET', path, undefined, { Authorization: `Basic ${btoa('admin:admin')}` }), 401);
  });

  it('a revoked token no longer opens anything', async () => {
    const token = await staffToken(t, 'reviewer');
    const id = (await ok(t.json('GET', '/api/v1/admin/staff-tokens'))).tokens.find(
      (x: { role: string; revokedAt: string | null }) => x.role === 'reviewer' && !x.revokedAt,
    ).id;
    expect((await t.json('GET', '/api/v1/admin/services', undefined, t.auth(token))).status).toBe(200);
    await ok(t.json('DELETE', `/api/v1/admin/staff-tokens/${id}`), 204);
    await problem(t.json('GET', '/api/v1/admin/services', undefined, t.auth(token)), 401);
  });
});

describe('staff roles: auditors read only, revocation and tokens are the admin’s', () => {
  let auditor: string;
  let reviewer: string;
  beforeAll(async () => {
    auditor = await staffToken(t, 'auditor');
    reviewer = await staffToken(t, 'reviewer');
  });

  it.each(WRITES)('an auditor’s %s %s is 403 and writes nothing', async (method, path, body) => {
    const before = await rowCounts(t);
    expect((await problem(t.json(method, path, body, t.auth(auditor)), 403)).code).toBe('forbidden');
    expect(await rowCounts(t)).toEqual(before);
  });

  it('an auditor reads services, statuses and the chain check', async () => {
    const s = await certifiedService(t);
    for (const path of [
      '/api/v1/admin/services',
      `/api/v1/admin/services/${s.number}`,
      `/api/v1/admin/services/${s.id}/status`,
      '/api/v1/admin/events/verify',
    ]) {
      expect((await t.json('GET', path, undefined, t.auth(auditor))).status, path).toBe(200);
    }
  });

  it('a reviewer runs the lifecycle but cannot revoke, whatever the body says', async () => {
    const s = await certifiedService(t);
    await ok(op(t, s.id, 'emergencies', { kind: 'outage', summary: '障害' }, t.auth(reviewer)), 201);
    const before = await rowCounts(t);
    await problem(op(t, s.id, 'revocation', { ground: 3, reason: '改変' }, t.auth(reviewer)), 403);
    await problem(op(t, s.id, 'revocation', { ground: 99 }, t.auth(reviewer)), 403);
    expect(await rowCounts(t)).toEqual(before);
    expect((await ok(t.json('GET', `/api/v1/admin/services/${s.id}/status`))).status).toBe('certified');
  });

  it.each([
    ['GET', '/api/v1/admin/staff-tokens', undefined],
    ['POST', '/api/v1/admin/staff-tokens', { name: 'n', role: 'admin' }],
    ['DELETE', '/api/v1/admin/staff-tokens/x', undefined],
  ])('a reviewer’s %s %s is 403', async (method, path, body) => {
    await problem(t.json(method, path, body, t.auth(reviewer)), 403);
  });
});

describe('staff tokens (admin only, stored hashed)', () => {
  it('issues a token shown once, keeps only its SHA-256 hash, and lists it without the secret', async () => {
    const issued = await ok(t.json('POST', '/api/v1/admin/staff-tokens', { name: '監査担当', role: 'auditor' }), 201);
    expect(issued).toMatchObject({ name: '監査担当', role: 'auditor', revokedAt: null });
    expect(issued.token).toMatch(/^cmstf_[\w-]{43}$/);
    const row = await t.database.db.selectFrom('staff_tokens').selectAll().where('id', '=', issued.id).executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(hashSecret(issued.token));
    expect(JSON.stringify(await ok(t.json('GET', '/api/v1/admin/staff-tokens')))).not.toContain(issued.token);
  });

  it('refuses to let a token revoke itself (409), so an admin cannot lock everyone out by mistake', async () => {
    const own = (await ok(t.json('GET', '/api/v1/admin/staff-tokens'))).tokens.find((x: { name: string }) => x.name.startsWith('bootstrap')).id;
    expect(await problem(t.json('DELETE', `/api/v1/admin/staff-tokens/${own}`), 409)).toMatchObject({ field: 'token' });
    expect((await t.json('GET', '/api/v1/admin/services', undefined, t.auth(ADMIN_TOKEN))).status).toBe(200);
  });
});
