import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyRecords } from '../../src/repositories/records';
import { testApp, type TestApp } from '../support/app';
import { ok, problem, rowCounts, staffToken } from './fixtures';

/** Art. 18: an inquiry is new, then answered (the answer recorded: who, when, what), then closed; each step an event. */

const DESK = '/api/v1/admin/inquiries';
let t: TestApp;
let reviewer: string;
let auditor: string;
beforeAll(async () => {
  t = await testApp({
    now: '2026-04-01T03:00:00Z',
    config: { mail: { smtpUrl: null, from: 'certmark <n@certmark.test>', staff: ['desk@certifier.example'] } },
  });
  reviewer = await staffToken(t, 'reviewer');
  auditor = await staffToken(t, 'auditor');
});
afterAll(async () => t.close());
beforeEach(() => t.clock.advance(150_000)); // the desk takes five per client in ten minutes

async function received(subject = 'マークについて'): Promise<string> {
  return (await ok(t.json('POST', '/api/v1/inquiries', { name: '患者', email: 'patient@example.jp', subject, body: 'この標章は本物ですか' }, {}), 201)).id;
}
const answer = (id: string, text: unknown, token?: string) => t.json('POST', `${DESK}/${id}/answer`, { answer: text }, token ? t.auth(token) : undefined);
const close = (id: string, note: string | null = null) => t.json('POST', `${DESK}/${id}/closing`, { note });
const typesOf = async (ids: number[]) => (await t.database.db.selectFrom('events').select('type').where('id', 'in', ids).execute()).map((e) => e.type);

describe('answering an inquiry (Art. 18)', () => {
  it('records the answer with who gave it and when, as an event; the status becomes answered', async () => {
    const id = await received();
    const r = await ok(answer(id, '本物です。検証ページをご確認ください。', reviewer));
    expect(r.inquiry).toMatchObject({ status: 'answered', answer: '本物です。検証ページをご確認ください。', answeredAt: t.clock.now().toISOString() });
    expect(r.inquiry.answeredBy).toMatch(/^staff:/);
    expect(await typesOf(r.eventIds)).toEqual(['inquiry.answered']);
    expect((await ok(t.json('GET', `${DESK}/${id}`))).answer).toBe('本物です。検証ページをご確認ください。');
    expect((await verifyRecords(t.database.db)).problems).toEqual([]);
  });

  it('answers once: a second answer is 409, an empty one 400, an unknown inquiry 404, and nothing is written', async () => {
    const id = await received();
    const before = await rowCounts(t);
    expect((await problem(answer(id, '  '), 400)).field).toBe('answer');
    await problem(answer('00000000-0000-4000-8000-000000000000', '回答'), 404);
    expect(await rowCounts(t)).toEqual(before);
    await ok(answer(id, '回答'));
    expect((await problem(answer(id, '二度目'), 409)).article).toBe('Art. 18');
  });

  it('is not for auditors (403)', async () => {
    const id = await received();
    await problem(answer(id, '回答', auditor), 403);
    await problem(t.json('POST', `${DESK}/${id}/closing`, { note: 'x' }, t.auth(auditor)), 403);
  });
});

describe('closing an inquiry (Art. 18)', () => {
  it('closes an answered inquiry as an event; a closed one is closed for good', async () => {
    const id = await received();
    await ok(answer(id, '回答'));
    const r = await ok(close(id));
    expect(r.inquiry).toMatchObject({ status: 'closed', answer: '回答', closeNote: null });
    expect(r.inquiry.closedAt).toBe(t.clock.now().toISOString());
    expect(await typesOf(r.eventIds)).toEqual(['inquiry.closed']);
    await problem(close(id, 'again'), 409);
    await problem(answer(id, 'late'), 409);
  });

  it('closes an unanswered inquiry only with the reason', async () => {
    const id = await received();
    expect((await problem(close(id), 400)).field).toBe('note');
    expect((await ok(close(id, '重複した問い合わせ'))).inquiry).toMatchObject({ status: 'closed', answer: null, closeNote: '重複した問い合わせ' });
  });
});

describe('the desk’s inbox', () => {
  it('lists by status, without personal data or the answer', async () => {
    const fresh = await received();
    const answered = await received();
    await ok(answer(answered, '秘密の回答内容'));
    const list = async (status: string) => (await ok(t.json('GET', `${DESK}?status=${status}&limit=200`))).items as { id: string }[];
    expect((await list('new')).map((i) => i.id)).toContain(fresh);
    expect((await list('new')).map((i) => i.id)).not.toContain(answered);
    expect((await list('answered')).map((i) => i.id)).toContain(answered);
    const text = await (await t.json('GET', `${DESK}?status=answered`)).text();
    expect(text).not.toContain('秘密の回答内容');
    expect(text).not.toContain('patient@example.jp');
  });

  it('audits every full read (Art. 20)', async () => {
    const id = await received();
    await ok(answer(id, '回答'));
    await ok(t.json('GET', `${DESK}/${id}`));
    const reads = await t.database.db.selectFrom('audit_log').select('action').where('subject', '=', id).execute();
    expect(reads.map((r) => r.action)).toContain('read inquiry');
  });

  it('tells staff when an inquiry arrives (a staff notice to CERTMARK_STAFF_EMAILS)', async () => {
    const id = await received();
    const notice = await t.database.db
      .selectFrom('notices')
      .select(['kind', 'recipients'])
      .where('cause', '=', `staff:inquiry:${id}`)
      .executeTakeFirstOrThrow();
    expect(notice.kind).toBe('staff_inquiry_received');
    const recipients: unknown = notice.recipients;
    expect(typeof recipients === 'string' ? JSON.parse(recipients) : recipients).toEqual(['desk@certifier.example']);
  });
});
