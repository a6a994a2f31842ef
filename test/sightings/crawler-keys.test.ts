import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueStaffToken } from '../../src/access/staff-tokens';
import { testApp, type TestApp } from '../support/app';
import { countRows, markPng, postSighting } from './support';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => t.close());

const make = async (name = 'crawler') => {
  const res = await t.json('POST', '/api/v1/admin/crawler-keys', { name });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; key: string; name: string; revokedAt: string | null };
};

describe('crawler keys (staff, admin only)', () => {
  it('shows the key once and stores only its hash', async () => {
    const made = await make('nightly crawl');
    expect(made.key).toMatch(/^cmcrl_/);
    const row = await t.database.db.selectFrom('crawler_keys').selectAll().where('id', '=', made.id).executeTakeFirstOrThrow();
    expect(row.key_hash).toBe(createHash('sha256').update(made.key).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(made.key);
    const list = await (await t.app.request('/api/v1/admin/crawler-keys', { headers: t.auth() })).text();
    expect(list).toContain('nightly crawl');
    expect(list).not.toContain(made.key);
  });

  it('lets only admins make, list or revoke keys', async () => {
    const reviewer = `test-reviewer-${randomUUID()}`;
    await issueStaffToken({ db: t.database.db, clock: t.clock, actor: 'test' }, { name: 'reviewer', role: 'reviewer', secret: reviewer });
    expect((await t.json('POST', '/api/v1/admin/crawler-keys', { name: 'x' }, t.auth(reviewer))).status).toBe(403);
    expect((await t.app.request('/api/v1/admin/crawler-keys', { headers: t.auth(reviewer) })).status).toBe(403);
    const made = await make();
    expect((await t.json('POST', `/api/v1/admin/crawler-keys/${made.id}/revoke`, undefined, t.auth(reviewer))).status).toBe(403);
  });

  it('refuses sightings from a revoked key (401), and stores nothing', async () => {
    const made = await make();
    expect((await postSighting(t, made.key, { image: await markPng() })).status).toBe(201);
    const revoked = await t.json('POST', `/api/v1/admin/crawler-keys/${made.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as { revokedAt: string | null }).revokedAt).not.toBeNull();
    const before = await countRows(t);
    const res = await postSighting(t, made.key, { image: await markPng('mono') });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(await countRows(t)).toEqual(before);
    expect((await t.json('POST', `/api/v1/admin/crawler-keys/${made.id}/revoke`)).status).toBe(404);
  });

  it('refuses sightings without a key, with an unknown key, or with a staff token', async () => {
    const before = await countRows(t);
    const form = new FormData();
    expect((await t.app.request('/api/v1/sightings', { method: 'POST', headers: { 'Idempotency-Key': 'k' }, body: form })).status).toBe(401);
    expect((await postSighting(t, 'cmcrl_not-a-key-at-all-0000000000', { image: await markPng() })).status).toBe(401);
    expect((await t.app.request('/api/v1/sightings', { method: 'POST', headers: { ...t.auth(), 'Idempotency-Key': 'k' }, body: form })).status).toBe(401);
    expect(await countRows(t)).toEqual(before);
  });
});
