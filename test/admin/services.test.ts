import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../support/app';
import { appliedService, certifiedService, newVendor, ok, op, problem, staffToken } from './fixtures';

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ now: '2026-04-01T03:00:00Z' });
});
afterAll(async () => t.close());

const auditRows = (subject: string) =>
  t.database.db.selectFrom('audit_log').select(['staff_token_id', 'action', 'subject']).where('subject', '=', subject).orderBy('id').execute();

describe('GET /services', () => {
  it('lists every service with its status now, filtered by status and by text', async () => {
    const certified = await certifiedService(t, { nameJa: '一覧テスト認定' });
    const applied = await appliedService(t, { nameJa: '一覧テスト申請中' });
    const all = (await ok(t.json('GET', '/api/v1/admin/services'))).services;
    expect(all).toContainEqual(
      expect.objectContaining({ id: certified.id, number: certified.number, status: 'certified', servesMark: true, validThrough: '2028-04-01' }),
    );
    expect(all).toContainEqual(expect.objectContaining({ id: applied, status: 'applied', servesMark: false, number: null }));
    const onlyApplied = (await ok(t.json('GET', '/api/v1/admin/services?status=applied'))).services;
    expect(onlyApplied.every((s: { status: string }) => s.status === 'applied')).toBe(true);
    expect((await ok(t.json('GET', `/api/v1/admin/services?q=${encodeURIComponent('一覧テスト認定')}`))).services.map((s: { id: string }) => s.id)).toEqual([
      certified.id,
    ]);
  });
});

describe('GET /services/{service}: the staff view', () => {
  it('is the same by id and by certification number, with withheld items and their reasons, versions, origins and events', async () => {
    const s = await certifiedService(t);
    const byId = await ok(t.json('GET', `/api/v1/admin/services/${s.id}`));
    const byNumber = await ok(t.json('GET', `/api/v1/admin/services/${s.number}`));
    expect(byNumber.id).toBe(byId.id);
    expect(byId).toMatchObject({
      status: 'certified',
      number: s.number,
      periods: [{ seq: 1, kind: 'initial', certifiedOn: '2026-04-01', validThrough: '2028-04-01' }],
    });
    expect(byId.renewalWindow).toEqual({ opensOn: '2028-02-01', closesOn: '2028-03-02' });
    expect(byId.disclosure.items).toContainEqual(
      expect.objectContaining({ key: 'security.network', withheld: true, withheldReason: 'Art. 11.2: would weaken security' }),
    );
    expect(byId.versions).toHaveLength(1);
    expect(byId.origins).toEqual(['https://clinic.example.jp']);
    expect(byId.vendor.contact).toEqual({ person: '山田', email: 'y@test.example' });
    expect(byId.events.map((e: { type: string }) => e.type)).toEqual([
      'service.registered',
      'service.origins_changed',
      'service.applied',
      'disclosure.changed',
      'service.certified',
    ]);
  });

  it('writes an audit entry for each kind of confidential material read, with the staff token (Art. 20)', async () => {
    const s = await certifiedService(t);
    const em = (await ok(op(t, s.id, 'emergencies', { kind: 'leak', summary: '漏えいの疑い' }), 201)).result.id;
    const inv = (await ok(op(t, s.id, 'investigations', { subject: '説明', dueOn: '2026-05-01' }), 201)).result.id;
    await ok(op(t, s.id, `investigations/${inv}/answer`, { summary: '回答', satisfactory: false }));
    const auditor = await staffToken(t, 'auditor');
    const view = await ok(t.json('GET', `/api/v1/admin/services/${s.id}`, undefined, t.auth(auditor)));
    expect(view.oversight.emergencies[0].id).toBe(em);
    const auditorId = (await ok(t.json('GET', '/api/v1/admin/staff-tokens'))).tokens.find((x: { role: string }) => x.role === 'auditor').id;
    expect((await auditRows(s.id)).map((r) => [r.staff_token_id, r.action])).toEqual([
      [auditorId, 'read vendor contact'],
      [auditorId, 'read application documents'],
      [auditorId, 'read emergency reports'],
      [auditorId, 'read investigation answers'],
    ]);
  });

  it('GET /services/{service}/events lists the events in order and audits the read', async () => {
    const s = await certifiedService(t);
    const { events } = await ok(t.json('GET', `/api/v1/admin/services/${s.number}/events`));
    expect(events.map((e: { id: number }) => e.id)).toEqual([...events.map((e: { id: number }) => e.id)].sort((a, b) => a - b));
    expect(events.at(-1)).toMatchObject({ type: 'service.certified', article: 'Art. 6.1' });
    expect((await auditRows(s.id)).map((r) => r.action)).toEqual(['read events']);
  });
});

describe('GET /services/{service}/status (statusAt, Art. 9.1 in Asia/Tokyo)', () => {
  it('answers certified at 23:59 JST on the last day and expired at 00:00 JST the next day', async () => {
    t.clock.set('2024-04-01T01:00:00Z');
    const s = await certifiedService(t);
    t.clock.set('2026-04-01T03:00:00Z');
    const at = async (instant: string) => ok(t.json('GET', `/api/v1/admin/services/${s.number}/status?at=${encodeURIComponent(instant)}`));
    expect(await at('2026-04-01T23:59:00+09:00')).toMatchObject({ status: 'certified', servesMark: true });
    expect(await at('2026-04-01T15:00:00Z')).toMatchObject({ status: 'expired', servesMark: false });
  });
});

describe('vendors', () => {
  it('lists vendors without contact details; one vendor’s contact is shown and the read audited', async () => {
    const id = await newVendor(t, { contact: { person: '秘密 花子' } });
    const list = await ok(t.json('GET', '/api/v1/admin/vendors'));
    expect(JSON.stringify(list)).not.toContain('秘密 花子');
    expect((await ok(t.json('GET', `/api/v1/admin/vendors/${id}`))).contact).toEqual({ person: '秘密 花子' });
    expect((await auditRows(`vendor:${id}`)).map((r) => r.action)).toEqual(['read vendor contact']);
  });
});

describe('GET /events/verify', () => {
  it('answers ok for an untouched chain and names the first tampered event', async () => {
    const s = await certifiedService(t);
    expect(await ok(t.json('GET', '/api/v1/admin/events/verify'))).toMatchObject({ ok: true, firstBadEventId: null });
    const target = (await ok(t.json('GET', `/api/v1/admin/services/${s.id}/events`))).events[2].id;
    await t.database.db.transaction().execute(async (tx) => {
      await sql`set local session_replication_role = replica`.execute(tx);
      await tx.updateTable('events').set({ actor: 'someone else' }).where('id', '=', target).execute();
    });
    expect(await ok(t.json('GET', '/api/v1/admin/events/verify'))).toMatchObject({ ok: false, firstBadEventId: target });
  });
});

describe('the staff API in /openapi.json', () => {
  it('documents every staff route with the bearer scheme', async () => {
    const doc = await ok(t.app.request('/openapi.json'));
    const paths = Object.keys(doc.paths).filter((p) => p.startsWith('/api/v1/admin'));
    for (const p of [
      '/api/v1/admin/services/{service}/revocation',
      '/api/v1/admin/services/{service}/emergencies/{emergency}/reports',
      '/api/v1/admin/events/verify',
      '/api/v1/admin/staff-tokens/{token}',
    ]) {
      expect(paths).toContain(p);
    }
    expect(paths.length).toBeGreaterThanOrEqual(20);
    expect(doc.components.securitySchemes.staffToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/api/v1/admin/services/{service}/decision'].post.requestBody.content['application/json'].schema).toBeDefined();
  });

  it('answers an unknown staff path with 404 problem+json', async () => {
    await problem(t.json('GET', '/api/v1/admin/nothing-here'), 404);
  });
});
