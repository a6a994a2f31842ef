import { afterEach, describe, expect, it } from 'vitest';
import { addDays, jstDate, startOfJstDay } from '../../src/domain/calendar';
import { noticeSettingsOf } from '../../src/notices/compose';
import { runReminders } from '../../src/notices/reminders';
import { ok } from '../admin/fixtures';
import { application, certify, renewal } from '../admin/fixtures';
import { testApp, type TestApp } from '../support/app';

/**
 * The reminder schedule (DOMAIN.md, "Notices the body sends"): walked day by day with the injected clock over
 * a whole certification, the runner writes exactly the reminders the rules call for, once each.
 */

const ADMIN = '/api/v1/admin';
let t: TestApp;
afterEach(async () => t?.close());

/** Runs the reminder runner at 09:00 JST on every day from `from` to `to`, as the hourly runner would. */
async function walk(from: string, to: string, runsPerDay = 2) {
  const settings = noticeSettingsOf(t.config, t.deps.mark);
  for (let day = from; day <= to; day = addDays(day, 1)) {
    t.clock.set(new Date(startOfJstDay(day).getTime() + 9 * 3_600_000));
    // a second run the same day (the next hour, or a second process) writes nothing
    for (let i = 0; i < runsPerDay; i++) await runReminders(t.database.db, t.clock, settings);
  }
}

async function certified(over: Record<string, unknown> = {}) {
  const vendorId = (
    await ok(t.json('POST', `${ADMIN}/vendors`, { nameJa: '株式会社リマインド', noticeEmails: ['renew@clinic-vendor.example.jp'], ...over }), 201)
  ).id;
  const id = (
    await ok(t.json('POST', `${ADMIN}/services`, { vendorId, nameJa: 'リマインドカルテ', nameEn: 'Remind Karte', origins: ['https://remind.example.jp'] }), 201)
  ).id;
  await ok(t.json('POST', `${ADMIN}/services/${id}/applications`, application()), 201);
  const d = await ok(t.json('POST', `${ADMIN}/services/${id}/decision`, certify()));
  return { id, validThrough: d.result.validThrough as string };
}

const reminders = async () =>
  (
    await t.database.db
      .selectFrom('notices')
      .select(['cause', 'kind', 'subject', 'created_at', 'recipients'])
      .where('event_id', 'is', null)
      .orderBy('created_at')
      .orderBy('cause')
      .execute()
  ).map((n) => ({ on: jstDate(new Date(n.created_at)), key: n.cause.split(':').at(-1), subject: n.subject }));

describe('Art. 12.1: renewal reminders at 90, 60 (the window opens), 40 and 30 days (it closes) before expiry', () => {
  it('sends exactly those four over a whole two-year period with no renewal, on their days', async () => {
    t = await testApp({ now: '2026-04-01T01:00:00Z' });
    const s = await certified();
    expect(s.validThrough).toBe('2028-04-01');
    await walk('2026-04-01', '2028-04-10', 1);
    await walk('2028-01-02', '2028-03-02'); // again over the reminders' days: nothing is written twice
    expect(await reminders()).toEqual([
      { on: '2028-01-02', key: 'renewal-90', subject: '【更新のご案内】リマインドカルテ（有効期間 2028年4月1日 まで）' },
      { on: '2028-02-01', key: 'renewal-60', subject: '【更新のご案内】リマインドカルテ（有効期間 2028年4月1日 まで）' },
      { on: '2028-02-21', key: 'renewal-40', subject: '【更新のご案内】リマインドカルテ（有効期間 2028年4月1日 まで）' },
      { on: '2028-03-02', key: 'renewal-30', subject: '【更新申請の受付期限】リマインドカルテ（有効期間 2028年4月1日 まで）' },
    ]);
  }, 120_000);

  it('stops once a renewal is filed, and reminds on the day an extension ends (Art. 12.2)', async () => {
    t = await testApp({ now: '2026-04-01T01:00:00Z' });
    const s = await certified({ language: 'en', nameEn: 'Remind KK' });
    await walk('2028-01-01', '2028-02-10');
    await ok(t.json('POST', `${ADMIN}/services/${s.id}/renewals`, renewal()), 201);
    await walk('2028-02-11', '2028-04-01');
    await ok(t.json('POST', `${ADMIN}/services/${s.id}/extensions`, { until: '2028-05-15', reason: '審査継続中' }), 201);
    await walk('2028-04-02', '2028-05-20');
    const got = await reminders();
    expect(got.map((r) => [r.on, r.key])).toEqual([
      ['2028-01-02', 'renewal-90'],
      ['2028-02-01', 'renewal-60'],
      ['2028-05-15', 'extension-2028-05-15'],
    ]);
    expect(got[0]!.subject).toBe('Renewal reminder: Remind Karte (valid until 1 April 2028)');
  }, 120_000);

  it('sends only the latest reminder still due after the runner was down, never a stale one', async () => {
    t = await testApp({ now: '2026-04-01T01:00:00Z' });
    await certified();
    await walk('2028-02-25', '2028-02-25'); // down from the start until after the 40-day reminder's day
    expect((await reminders()).map((r) => r.key)).toEqual(['renewal-40']);
  });
});

describe('Arts. 15.1, 16.1: requests are reminded three days before they are due and the day after', () => {
  it('reminds an open investigation twice, and an answered one not at all', async () => {
    t = await testApp({ now: '2026-04-01T01:00:00Z' });
    const s = await certified();
    const open = await ok(t.json('POST', `${ADMIN}/services/${s.id}/investigations`, { subject: '標章の掲示方法について', dueOn: '2026-04-20' }), 201);
    const answered = await ok(t.json('POST', `${ADMIN}/services/${s.id}/investigations`, { subject: '回答済みの事項', dueOn: '2026-04-20' }), 201);
    await ok(t.json('POST', `${ADMIN}/services/${s.id}/investigations/${answered.result.id}/answer`, { summary: '回答', satisfactory: true }));
    await walk('2026-04-01', '2026-04-30');
    const got = await reminders();
    expect(got.map((r) => [r.on, r.key])).toEqual([
      ['2026-04-17', 'before'],
      ['2026-04-21', 'after'],
    ]);
    expect(got[1]!.subject).toBe('【期限超過】リマインドカルテ：調査（第15条）への回答（期限 2026年4月20日）');
    const causes = (await t.database.db.selectFrom('notices').select('cause').where('event_id', 'is', null).execute()).map((n) => n.cause);
    expect(causes.every((c) => c.includes(open.result.id))).toBe(true);
  });
});
