import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';
import { approveRevocation, proposeRevocation } from '../../src/domain/lifecycle/revocation-proposals';
import { testApp, type TestApp } from '../support/app';
import { certifiedService, ok, op, problem, rowCounts, staffToken } from './fixtures';

/**
 * Art. 17 with four eyes (issue 14): with CERTMARK_REVOCATION_APPROVALS=2 one admin proposes a revocation and
 * another approves it; the approval revokes in the same transaction.
 */

const ADMIN = '/api/v1/admin';
let t: TestApp;
let second: string;
let reviewer: string;
beforeAll(async () => {
  t = await testApp({ now: '2026-04-01T03:00:00Z', config: { revocationApprovals: 2 } });
  second = await staffToken(t, 'admin');
  reviewer = await staffToken(t, 'reviewer');
});
afterAll(async () => t.close());
beforeEach(() => t.clock.set('2026-04-01T03:00:00Z'));

const revocation = { ground: 3, reason: '標章の改変', notice: '認定取消通知書', noticeSentBy: 'post' };
const propose = async (service: string, token?: string) =>
  (await ok(op(t, service, 'revocation', revocation, token ? t.auth(token) : undefined), 202)).proposal;
const approve = (id: string, token = second, body: unknown = {}) => t.json('POST', `${ADMIN}/revocation-proposals/${id}/approval`, body, t.auth(token));
const statusOf = async (service: string) => (await ok(t.json('GET', `${ADMIN}/services/${service}/status`))).status;

/** A certified service with an embed token for its site: the mark is served until it is revoked. */
async function servedService() {
  const s = await certifiedService(t, { origins: ['https://clinic.example.jp'] });
  const { token } = await ok(t.json('POST', `${ADMIN}/services/${s.id}/tokens`, { origins: ['https://clinic.example.jp'] }), 201);
  const mark = async () => (await t.app.request(`/mark/${token}.svg`, { headers: { Origin: 'https://clinic.example.jp' } })).status;
  return { ...s, mark };
}

describe('CERTMARK_REVOCATION_APPROVALS (config)', () => {
  it('defaults to 2 on PostgreSQL and to 1 on the embedded database', () => {
    expect(loadConfig({}).revocationApprovals).toBe(1);
    expect(loadConfig({ DATABASE_URL: 'postgres://db.internal/certmark' }).revocationApprovals).toBe(2);
  });

  it('takes 1 or 2 as given, and refuses anything else at start', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://db.internal/certmark', CERTMARK_REVOCATION_APPROVALS: '1' }).revocationApprovals).toBe(1);
    expect(loadConfig({ CERTMARK_REVOCATION_APPROVALS: '2' }).revocationApprovals).toBe(2);
    expect(() => loadConfig({ CERTMARK_REVOCATION_APPROVALS: '3' })).toThrow(ConfigError);
    expect(() => loadConfig({ CERTMARK_REVOCATION_APPROVALS: '3' })).toThrow(/CERTMARK_REVOCATION_APPROVALS/);
  });
});

describe('a revocation is proposed (Art. 17.1, two approvals)', () => {
  it('answers 202 with the proposal; the service stays certified and its mark is still served', async () => {
    const s = await servedService();
    const r = await ok(op(t, s.number, 'revocation', revocation), 202);
    expect(r.proposal).toMatchObject({
      serviceId: s.id,
      status: 'pending',
      ground: 3,
      article: 'Art. 17.1(3)',
      notice: '認定取消通知書',
      noticeSentBy: 'post',
    });
    expect(await statusOf(s.id)).toBe('certified');
    expect(await s.mark()).toBe(200);
    const [event] = await t.database.db.selectFrom('events').selectAll().where('id', 'in', r.eventIds).execute();
    expect(event).toMatchObject({ type: 'revocation.proposed', article: 'Art. 17.1' });
    expect((event!.payload as { record: string }).record).toBe(r.proposal.id);
  });

  it('is checked as the revocation itself: a notice without how it goes out is 400, a service not in force 409, nothing written', async () => {
    const s = await certifiedService(t);
    const before = await rowCounts(t);
    expect((await problem(op(t, s.id, 'revocation', { ground: 3, reason: 'r', notice: '通知' }), 400)).field).toBe('noticeSentBy');
    await ok(op(t, s.id, 'termination', { certificateReturned: true }));
    const after = await rowCounts(t);
    expect((await problem(op(t, s.id, 'revocation', revocation), 409)).article).toBe('Art. 17.1');
    expect(await rowCounts(t)).toEqual(after);
    expect(after.events).toBe(before.events! + 1); // the termination only
  });

  it('keeps one pending proposal per service: a second is 409 naming the first', async () => {
    const s = await certifiedService(t);
    const first = await propose(s.id);
    const p = await problem(op(t, s.id, 'revocation', revocation, t.auth(second)), 409);
    expect(p.extra.proposal).toBe(first.id);
  });

  it('is the admins’: a reviewer cannot propose, approve, reject or withdraw (403)', async () => {
    const s = await certifiedService(t);
    await problem(op(t, s.id, 'revocation', revocation, t.auth(reviewer)), 403);
    const proposal = await propose(s.id);
    await problem(approve(proposal.id, reviewer), 403);
    await problem(t.json('POST', `${ADMIN}/revocation-proposals/${proposal.id}/rejection`, { reason: 'no' }, t.auth(reviewer)), 403);
    await problem(t.json('POST', `${ADMIN}/revocation-proposals/${proposal.id}/withdrawal`, {}, t.auth(reviewer)), 403);
  });
});

describe('a second admin approves (Art. 17, four eyes)', () => {
  it('revokes at once in the same transaction: the mark answers 410 and the event names the proposal', async () => {
    const s = await servedService();
    const proposal = await propose(s.id);
    t.clock.set('2026-04-02T01:00:00Z');
    const r = await ok(approve(proposal.id, second, { note: '確認済み' }));
    expect(r.service.status).toBe('revoked');
    expect(r.events[0]).toMatchObject({
      type: 'service.revoked',
      article: 'Art. 17.1(3)',
      payload: { proposalId: proposal.id, caseId: null, reason: '標章の改変' },
    });
    expect(r.proposal).toMatchObject({
      status: 'approved',
      decisionNote: '確認済み',
      revocationEventId: r.events[0].id,
      decidedAt: '2026-04-02T01:00:00.000Z',
    });
    expect(r.proposal.decidedBy).not.toBe(r.proposal.proposedBy);
    const types = await t.database.db.selectFrom('events').select('type').where('id', 'in', r.eventIds).orderBy('id').execute();
    expect(types.map((e) => e.type)).toEqual(['service.revoked', 'revocation.approved']);
    expect(await s.mark()).toBe(410);
  });

  it('refuses the proposer’s own approval with 403 problem+json, and writes nothing', async () => {
    const s = await servedService();
    const proposal = await propose(s.id);
    const before = await rowCounts(t);
    const p = await problem(approve(proposal.id, 'test-admin-token-0123456789abcdef'), 403);
    expect(p.detail).toContain('another admin');
    expect(p.article).toBe('Art. 17.1');
    expect(await rowCounts(t)).toEqual(before);
    expect(await statusOf(s.id)).toBe('certified');
    expect(await s.mark()).toBe(200);
  });

  it('rolls the approval back whole when the revocation cannot be made: the proposal stays pending', async () => {
    const s = await certifiedService(t);
    const proposal = await propose(s.id);
    await ok(op(t, s.id, 'termination', { certificateReturned: true }));
    expect((await problem(approve(proposal.id), 409)).article).toBe('Art. 17.1');
    expect((await ok(t.json('GET', `${ADMIN}/revocation-proposals/${proposal.id}`))).status).toBe('pending');
  });

  it('decides a proposal once: approving it again is 409, an unknown one 404', async () => {
    const s = await certifiedService(t);
    const proposal = await propose(s.id);
    await ok(approve(proposal.id));
    expect((await problem(approve(proposal.id), 409)).status).toBe(409);
    await problem(approve('no-such-proposal'), 404);
  });
});

describe('rejection and withdrawal', () => {
  it('another admin rejects with the reason: the service stays certified and the proposal cannot be approved after', async () => {
    const s = await servedService();
    const proposal = await propose(s.id);
    await problem(t.json('POST', `${ADMIN}/revocation-proposals/${proposal.id}/rejection`, { reason: ' ' }, t.auth(second)), 400);
    const r = await ok(t.json('POST', `${ADMIN}/revocation-proposals/${proposal.id}/rejection`, { reason: '改善要求が先' }, t.auth(second)));
    expect(r.proposal).toMatchObject({ status: 'rejected', decisionNote: '改善要求が先' });
    const [event] = await t.database.db.selectFrom('events').select('type').where('id', 'in', r.eventIds).execute();
    expect(event!.type).toBe('revocation.rejected');
    await problem(approve(proposal.id), 409);
    expect(await s.mark()).toBe(200);
    await propose(s.id); // a new proposal may be made after a rejection
  });

  it('the proposer withdraws; another admin cannot withdraw it, and the proposer cannot reject it (403)', async () => {
    const s = await certifiedService(t);
    const proposal = await propose(s.id);
    await problem(t.json('POST', `${ADMIN}/revocation-proposals/${proposal.id}/withdrawal`, {}, t.auth(second)), 403);
    await problem(t.json('POST', `${ADMIN}/revocation-proposals/${proposal.id}/rejection`, { reason: 'mine' }), 403);
    const r = await ok(t.json('POST', `${ADMIN}/revocation-proposals/${proposal.id}/withdrawal`, { note: '誤り' }));
    expect(r.proposal).toMatchObject({ status: 'withdrawn', decisionNote: '誤り' });
  });
});

describe('the proposals awaiting a second admin', () => {
  it('lists pending proposals, filtered by status and service, and audits the read (Art. 20)', async () => {
    const a = await certifiedService(t);
    const b = await certifiedService(t);
    const pa = await propose(a.id);
    const pb = await propose(b.id);
    await ok(approve(pb.id));
    const pending = (await ok(t.json('GET', `${ADMIN}/revocation-proposals?status=pending`))).proposals.map((p: { id: string }) => p.id);
    expect(pending).toContain(pa.id);
    expect(pending).not.toContain(pb.id);
    const ofB = (await ok(t.json('GET', `${ADMIN}/revocation-proposals?service=${b.number}`))).proposals;
    expect(ofB.map((p: { id: string; status: string }) => [p.id, p.status])).toEqual([[pb.id, 'approved']]);
    const audited = await t.database.db.selectFrom('audit_log').select('action').where('action', '=', 'read revocation proposal list').execute();
    expect(audited.length).toBeGreaterThan(0);
  });
});

describe('one approval (CERTMARK_REVOCATION_APPROVALS=1)', () => {
  it('revokes at once (200), and the proposer may approve their own proposal only when one approval is enough', async () => {
    const one = await testApp({ now: '2026-04-01T03:00:00Z', config: { revocationApprovals: 1 } });
    try {
      const s = await certifiedService(one);
      const r = await ok(op(one, s.id, 'revocation', revocation));
      expect(r.service.status).toBe('revoked');
      expect(await one.database.db.selectFrom('revocation_proposals').selectAll().execute()).toEqual([]);
      // a proposal (from a case) is approved by the admin who made it when one approval is enough, not when two are
      const ctx = { db: one.database.db, clock: one.clock, actor: 'staff:the-only-admin' };
      const own = await proposeRevocation(ctx, (await certifiedService(one)).id, { ground: 3, reason: '標章の改変' });
      expect((await approveRevocation(ctx, own.proposal.id, { approvals: 1 })).proposal.status).toBe('approved');
      const twice = await proposeRevocation(ctx, (await certifiedService(one)).id, { ground: 3, reason: '標章の改変' });
      await expect(approveRevocation(ctx, twice.proposal.id, { approvals: 2 })).rejects.toMatchObject({ kind: 'forbidden' });
    } finally {
      await one.close();
    }
  });
});
