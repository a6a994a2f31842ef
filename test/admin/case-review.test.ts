import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyRecords } from '../../src/repositories/records';
import { testApp, type TestApp } from '../support/app';
import { certifiedService, crawlerKey, markPng, postSighting } from '../sightings/support';
import { ok, problem, staffToken } from './fixtures';

/**
 * Issue 14: a misuse case is a review item. Each action on it is an entry of its history naming the events it
 * caused; the case stays open while a request is outstanding, can be escalated, reopens when the finding is seen
 * again after the request's due date, and a revocation proposed from it links back to it.
 */

const ADMIN = '/api/v1/admin';
const START = '2026-04-01T03:00:00Z';
let t: TestApp;
let key: string;
let second: string;
let reviewer: string;
beforeAll(async () => {
  t = await testApp({ now: START, config: { revocationApprovals: 2 } });
  key = (await crawlerKey(t)).key;
  second = await staffToken(t, 'admin');
  reviewer = await staffToken(t, 'reviewer');
});
afterAll(async () => t.close());
beforeEach(() => t.clock.set(START));

/** A certified service whose mark is shown without a link on its own page: an open no_link case. */
async function openCase() {
  const s = await certifiedService(t);
  await seen(s.page);
  const { cases } = await ok(t.json('GET', `${ADMIN}/cases?service=${s.number}`));
  return { s, id: cases[0].id as string };
}
const seen = async (page: string) =>
  expect((await postSighting(t, key, { image: await markPng(), pageUrl: page, seenAt: t.clock.now().toISOString() })).status).toBe(201);
const act = (id: string, body: unknown, token?: string) => t.json('POST', `${ADMIN}/cases/${id}/actions`, body, token ? t.auth(token) : undefined);
const dismiss = (id: string, reason = '事業者の検証用ページ') => t.json('POST', `${ADMIN}/cases/${id}/dismissal`, { reason });
const view = async (id: string) => ok(t.json('GET', `${ADMIN}/cases/${id}`));
const eventTypes = async (ids: number[]) =>
  (await t.database.db.selectFrom('events').select('type').where('id', 'in', ids).orderBy('id').execute()).map((e) => e.type);

describe('an action on a case is an event in its history', () => {
  it('records each action with the ids of the events it caused, and answers them', async () => {
    const { id } = await openCase();
    const r = await ok(act(id, { kind: 'investigation', subject: 'リンクのない標章の説明', dueOn: '2026-04-10' }));
    expect(r.eventIds.length).toBe(2);
    expect(await eventTypes(r.eventIds)).toEqual(['investigation.requested', 'case.updated']);
    expect(r.history).toEqual([expect.objectContaining({ id: r.actionId, kind: 'investigation', eventIds: r.eventIds })]);
    const shown = await view(id);
    expect(shown.history.map((h: { kind: string; eventIds: number[] }) => [h.kind, h.eventIds])).toEqual([['investigation', r.eventIds]]);
    expect((await verifyRecords(t.database.db)).problems).toEqual([]);
  });

  it('a dismissal closes the case with its reason and names its event', async () => {
    const { id } = await openCase();
    const r = await ok(dismiss(id));
    expect(r).toMatchObject({ status: 'dismissed', closeReason: '事業者の検証用ページ' });
    expect(await eventTypes(r.eventIds)).toEqual(['case.closed']);
    expect(r.history.map((h: { kind: string }) => h.kind)).toEqual(['dismissed']);
  });
});

describe('a case stays open while a request is outstanding, and can be escalated', () => {
  it('waits for an investigation (Art. 15), then takes an improvement request (Art. 16) and a revocation proposal', async () => {
    const { id } = await openCase();
    const inv = await ok(act(id, { kind: 'investigation', subject: '説明', dueOn: '2026-04-10' }));
    expect(inv).toMatchObject({ status: 'open', awaiting: 'investigation', dueOn: '2026-04-10' });
    const awaiting = (await ok(t.json('GET', `${ADMIN}/cases?queue=awaiting`))).cases.map((c: { id: string }) => c.id);
    const review = (await ok(t.json('GET', `${ADMIN}/cases?queue=review`))).cases.map((c: { id: string }) => c.id);
    expect(awaiting).toContain(id);
    expect(review).not.toContain(id);
    const imp = await ok(act(id, { kind: 'improvement', investigationId: inv.action.investigationId, content: 'リンクを付けること', dueOn: '2026-04-20' }));
    expect(imp).toMatchObject({ status: 'open', awaiting: 'improvement', dueOn: '2026-04-20' });
    expect(await eventTypes(imp.eventIds)).toEqual(['improvement.requested', 'case.updated']);
    const prop = await ok(act(id, { kind: 'revocation_proposal', reason: '改善されない' }));
    expect(prop).toMatchObject({ status: 'open', awaiting: 'revocation' });
    expect(await eventTypes(prop.eventIds)).toEqual(['revocation.proposed', 'case.updated']);
    expect(prop.history.map((h: { kind: string }) => h.kind)).toEqual(['investigation', 'improvement', 'revocation_proposal']);
  });

  it('a reviewer requests, but a revocation proposal is an admin’s (403)', async () => {
    const { id } = await openCase();
    await ok(act(id, { kind: 'investigation', subject: '説明', dueOn: '2026-04-10' }, reviewer));
    await problem(act(id, { kind: 'revocation_proposal', reason: 'x' }, reviewer), 403);
    expect((await view(id)).awaiting).toBe('investigation');
  });

  it('takes no other action while a revocation proposal awaits a second admin (409)', async () => {
    const { id } = await openCase();
    await ok(act(id, { kind: 'revocation_proposal', reason: '改変' }));
    expect((await problem(dismiss(id), 409)).article).toBe('Art. 17.1');
    await problem(act(id, { kind: 'investigation', subject: '説明', dueOn: '2026-04-10' }), 409);
  });
});

describe('a case reopens when the finding repeats after the due date', () => {
  it('stays waiting on a sighting during the due day, and reopens on one after it, telling staff', async () => {
    const { s, id } = await openCase();
    await ok(act(id, { kind: 'investigation', subject: '説明', dueOn: '2026-04-10' }));
    t.clock.set('2026-04-10T14:59:00Z'); // 23:59 JST on the due day
    await seen(s.page);
    expect(await view(id)).toMatchObject({ status: 'open', awaiting: 'investigation', reopenCount: 0, repeatCount: 1 });
    t.clock.set('2026-04-10T15:00:00Z'); // 00:00 JST the day after
    await seen(s.page);
    const c = await view(id);
    expect(c).toMatchObject({ status: 'open', awaiting: null, dueOn: null, reopenCount: 1, repeatCount: 2, sightingsCount: 3 });
    const reopened = c.history.at(-1);
    expect(reopened).toMatchObject({ kind: 'reopened', by: 'crawler' });
    expect(await eventTypes(reopened.eventIds)).toEqual(['case.reopened']);
    expect((await ok(t.json('GET', `${ADMIN}/cases?queue=review`))).cases.map((x: { id: string }) => x.id)).toContain(id);
    const notice = await t.database.db.selectFrom('notices').select(['kind']).where('cause', '=', `staff:case:${id}:reopened:1`).executeTakeFirst();
    expect(notice?.kind).toBe('staff_case_opened');
    // reopened, it is acted on again
    await ok(act(id, { kind: 'improvement', content: 'リンクを付けること', dueOn: '2026-04-30' }));
    expect((await verifyRecords(t.database.db)).problems).toEqual([]);
  });

  it('a dismissed case counts later sightings but does not reopen (staff judged the page)', async () => {
    const { s, id } = await openCase();
    await ok(dismiss(id));
    t.clock.set('2026-06-01T03:00:00Z');
    await seen(s.page);
    expect(await view(id)).toMatchObject({ status: 'dismissed', seenSinceClosed: true, reopenCount: 0, sightingsCount: 2 });
  });

  it('a case waiting for a revocation decision does not reopen on sightings', async () => {
    const { s, id } = await openCase();
    await ok(act(id, { kind: 'revocation_proposal', reason: '改変' }));
    t.clock.set('2026-06-01T03:00:00Z');
    await seen(s.page);
    expect(await view(id)).toMatchObject({ awaiting: 'revocation', reopenCount: 0 });
  });
});

describe('a revocation proposed from a case (Art. 17.1(3))', () => {
  it('approved by a second admin: the service is revoked, the event links back to the case, the case is actioned', async () => {
    const { s, id } = await openCase();
    const prop = await ok(act(id, { kind: 'revocation_proposal', reason: '改善要求に応じない', notice: '認定取消通知書', noticeSentBy: 'post' }));
    const proposalId = prop.history.at(-1).details.proposalId;
    expect((await view(id)).revocationProposals).toEqual([expect.objectContaining({ id: proposalId, caseId: id, status: 'pending', ground: 3 })]);
    const done = await ok(t.json('POST', `${ADMIN}/revocation-proposals/${proposalId}/approval`, {}, t.auth(second)));
    expect(done.events[0]).toMatchObject({ type: 'service.revoked', payload: { caseId: id, proposalId, ground: 3 } });
    expect(await eventTypes(done.eventIds)).toEqual(['service.revoked', 'revocation.approved', 'case.closed']);
    const c = await view(id);
    expect(c).toMatchObject({ status: 'actioned', awaiting: null });
    expect(c.history.at(-1)).toMatchObject({ kind: 'revocation_approved', eventIds: done.eventIds });
    expect((await ok(t.json('GET', `${ADMIN}/services/${s.id}/status`))).status).toBe('revoked');
  });

  it('rejected: the case goes back to review and can be dismissed', async () => {
    const { id } = await openCase();
    const prop = await ok(act(id, { kind: 'revocation_proposal', reason: '改変' }));
    const proposalId = prop.history.at(-1).details.proposalId;
    const r = await ok(t.json('POST', `${ADMIN}/revocation-proposals/${proposalId}/rejection`, { reason: '先に改善要求を' }, t.auth(second)));
    expect(await eventTypes(r.eventIds)).toEqual(['revocation.rejected', 'case.updated']);
    expect(await view(id)).toMatchObject({ status: 'open', awaiting: null });
    await ok(dismiss(id));
  });
});
