import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../support/app';
import { certifiedService, ok, op, problem, staffToken } from './fixtures';

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ now: '2026-04-01T03:00:00Z' });
});
afterAll(async () => t.close());

const auditRows = (subject: string) =>
  t.database.db.selectFrom('audit_log').select(['staff_token_id', 'action', 'subject']).where('subject', '=', subject).orderBy('id').execute();

describe('Art. 20: the overdue list is a confidential read', () => {
  it('writes an audit entry per service whose investigation subjects or improvement texts it shows', async () => {
    const s = await certifiedService(t);
    const inv = (await ok(op(t, s.id, 'investigations', { subject: '標章の使用についての説明', dueOn: '2026-04-05' }), 201)).result.id;
    await ok(op(t, s.id, 'improvements', { investigationId: inv, content: 'リンクの修正', dueOn: '2026-04-05', publish: false }), 201);
    t.clock.advance(10 * 24 * 3600 * 1000);
    const overdue = await ok(t.json('GET', '/api/v1/admin/oversight/overdue'));
    expect(overdue.investigations).toContainEqual(expect.objectContaining({ serviceId: s.id, subject: '標章の使用についての説明' }));
    expect((await auditRows(s.id)).map((r) => r.action)).toEqual(['read investigation subjects', 'read improvement requests']);
  });
});

describe('GET /api/v1/admin/audit-log (Art. 20)', () => {
  it('shows an auditor who read what, newest first, and audits that read too', async () => {
    const s = await certifiedService(t);
    const reviewer = await staffToken(t, 'reviewer');
    await ok(t.json('GET', `/api/v1/admin/services/${s.id}`, undefined, t.auth(reviewer)));
    const auditor = await staffToken(t, 'auditor');
    const page = await ok(t.json('GET', `/api/v1/admin/audit-log?subject=${s.id}`, undefined, t.auth(auditor)));
    expect(page.entries.map((e: { action: string }) => e.action)).toEqual(['read application documents', 'read vendor contact']);
    expect(page.entries[0]).toMatchObject({ subject: s.id, at: t.clock.now().toISOString() });
    const auditorId = (await ok(t.json('GET', '/api/v1/admin/staff-tokens'))).tokens.find((x: { role: string }) => x.role === 'auditor').id;
    expect((await auditRows('audit-log')).at(-1)).toEqual({ staff_token_id: auditorId, action: 'read audit log', subject: 'audit-log' });
  });

  it('pages by id', async () => {
    const first = await ok(t.json('GET', '/api/v1/admin/audit-log?limit=1'));
    expect(first.entries).toHaveLength(1);
    const second = await ok(t.json('GET', `/api/v1/admin/audit-log?limit=1&before=${first.next}`));
    expect(second.entries[0].id).toBeLessThan(first.entries[0].id);
  });

  it('is refused to a reviewer (403) and to no token (401), and answers 400 to a bad limit', async () => {
    const reviewer = await staffToken(t, 'reviewer');
    await problem(t.json('GET', '/api/v1/admin/audit-log', undefined, t.auth(reviewer)), 403);
    await problem(t.app.request('/api/v1/admin/audit-log'), 401);
    expect((await problem(t.json('GET', '/api/v1/admin/audit-log?limit=0'), 400)).field).toContain('limit');
  });
});
