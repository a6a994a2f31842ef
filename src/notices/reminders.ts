/**
 * Time-driven notices (DOMAIN.md, "Notices the body sends"): renewal reminders at 90 days before expiry, when
 * the Art. 12.1 window opens (60), at 40, and when it closes (30), and on the day an Art. 12.2 extension ends;
 * reminders of an investigation (Art. 15.1) or improvement (Art. 16.1) three days before it is due and the day
 * after it was due. Each is written once per service, period (or request) and kind: its cause is unique, so a
 * restart or a second process writes nothing twice. When the runner was down past a reminder's day, only the
 * latest reminder still due is sent, never a stale one.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Clock } from '../clock';
import { inTransaction, notifyOnCommit, type Db } from '../db/database';
import { addDays, jstDate, type CalendarDate } from '../domain/calendar';
import type { LifecycleEvent } from '../domain/lifecycle/events';
import { oversightOf } from '../domain/lifecycle/oversight';
import { currentPeriod, foldEvents, statusOf } from '../domain/lifecycle/state';
import { renewalWindow } from '../domain/validity';
import { allServiceEvents } from '../repositories/events';
import { insertNotices, noticeRecipientsOfAll } from '../repositories/notices';
import { verifyUrl } from '../urls';
import { formatDate } from '../views/format';
import type { NoticeLanguage, NoticeSettings } from './compose';
import { NOTICES_CHANNEL } from './ids';
import { plainNoticeRow } from './plain';

/** One reminder that is due today. */
export interface DueReminder {
  kind: 'renewal_reminder' | 'extension_end' | 'request_reminder';
  cause: string;
  subject: string;
  lines: string[];
}

interface Step {
  key: string;
  on: CalendarDate;
}

/** The latest step whose day has come, if the next one's has not. */
function latest(steps: readonly Step[], today: CalendarDate): Step | null {
  let found: Step | null = null;
  for (const s of steps) if (s.on <= today) found = s;
  return found;
}

/** The reminders due today for one service, from its events. Pure: the clock is `today`. */
export function remindersDue(
  serviceId: string,
  events: readonly LifecycleEvent[],
  today: CalendarDate,
  now: Date,
  about: { nameJa: string; nameEn: string | null; number: string | null; language: NoticeLanguage },
  settings: Pick<NoticeSettings, 'publicBaseUrl'>,
): DueReminder[] {
  const state = foldEvents(events, now);
  const status = statusOf(state, now);
  const period = currentPeriod(state);
  const en = about.language === 'en';
  const name = en ? (about.nameEn ?? about.nameJa) : about.nameJa;
  const d = (day: CalendarDate) => formatDate(day, about.language);
  const out: DueReminder[] = [];
  const verify = about.number ? verifyUrl(settings.publicBaseUrl, about.number) : null;

  // Art. 12.1: while certified and no renewal filed, 90, 60 (window opens), 40 and 30 (window closes) days before
  if (status === 'certified' && period && !state.renewal) {
    const lastDay = period.validThrough;
    const window = renewalWindow(lastDay);
    const steps: Step[] = [
      { key: '90', on: addDays(lastDay, -90) },
      { key: '60', on: window.opensOn },
      { key: '40', on: addDays(lastDay, -40) },
      { key: '30', on: window.closesOn },
    ];
    const step = latest(steps, today);
    // the closing reminder only on its own day: after it the window is shut and the reminder would mislead
    if (step && (step.key !== '30' || today === window.closesOn)) {
      const closing = step.key === '30';
      out.push({
        kind: 'renewal_reminder',
        cause: `reminder:${serviceId}:period-${period.seq}:renewal-${step.key}`,
        subject: en
          ? `${closing ? 'Last day to file the renewal' : 'Renewal reminder'}: ${name} (valid until ${d(lastDay)})`
          : `【${closing ? '更新申請の受付期限' : '更新のご案内'}】${name}（有効期間 ${d(lastDay)} まで）`,
        lines: en
          ? [
              `The certification of "${name}" is valid until ${d(lastDay)}.`,
              `A renewal may be filed from ${d(window.opensOn)} to ${d(window.closesOn)} (Art. 12.1), with the self-declaration of Art. 10.7.`,
              closing ? 'Today is the last day of that window. Without a renewal the certification ends with its period.' : '',
              ...(verify ? [`Verification page: ${verify}`] : []),
            ].filter(Boolean)
          : [
              `「${name}」の認定の有効期間は ${d(lastDay)} までです。`,
              `更新の申請は ${d(window.opensOn)} から ${d(window.closesOn)} までの間に、第10条第7項の自己宣言を添えて行ってください（第12条第1項）。`,
              closing ? '本日が申請期間の最終日です。更新の申請がない場合、認定は有効期間の満了により終了します。' : '',
              ...(verify ? [`確認用URL: ${verify}`] : []),
            ].filter(Boolean),
      });
    }
  }

  // Art. 12.2: the day an extension ends, while the renewal is still undecided
  if (state.renewal && state.extension && state.extension.until === today) {
    out.push({
      kind: 'extension_end',
      cause: `reminder:${serviceId}:period-${period?.seq ?? 0}:extension-${state.extension.until}`,
      subject: en ? `The extension ends today: ${name}` : `【延長期間の終了】${name}`,
      lines: en
        ? [`The extension of the certification of "${name}" (Art. 12.2) ends today, ${d(state.extension.until)}.`]
        : [`「${name}」の認定の効力の延長（第12条第2項）は本日 ${d(state.extension.until)} で終了します。`],
    });
  }

  // Arts. 15.1, 16.1: three days before a request is due, and the day after it was due, while it is open
  const o = oversightOf(events, today);
  const requests = [
    ...o.investigations
      .filter((i) => !i.answer)
      .map((i) => ({ id: i.id, dueOn: i.dueOn, what: en ? 'the investigation' : '調査（第15条）への回答', text: i.subject })),
    ...o.improvements
      .filter((i) => !i.completedAt)
      .map((i) => ({ id: i.id, dueOn: i.dueOn, what: en ? 'the improvement' : '改善（第16条）', text: i.content })),
  ];
  for (const r of requests) {
    const step = latest(
      [
        { key: 'before', on: addDays(r.dueOn, -3) },
        { key: 'after', on: addDays(r.dueOn, 1) },
      ],
      today,
    );
    if (!step || (step.key === 'before' && today > r.dueOn)) continue;
    const overdue = step.key === 'after';
    out.push({
      kind: 'request_reminder',
      cause: `reminder:${serviceId}:request-${r.id}:${step.key}`,
      subject: en
        ? `${overdue ? 'Overdue' : 'Due soon'}: ${r.what} for ${name} (due ${d(r.dueOn)})`
        : `【${overdue ? '期限超過' : '期限のお知らせ'}】${name}：${r.what}（期限 ${d(r.dueOn)}）`,
      lines: en
        ? [`${overdue ? 'We have not received' : 'This is a reminder of'} ${r.what} for "${name}", due ${d(r.dueOn)}:`, '', r.text]
        : [`「${name}」について、${r.what}の期限は ${d(r.dueOn)} ${overdue ? 'でしたが、まだ確認できていません' : 'です'}。`, '', r.text],
    });
  }
  return out;
}

/**
 * One run over every service: writes the reminders due today. One runner at a time across processes (a
 * transaction-level advisory lock); the unique cause would keep a second one from writing twice anyway.
 */
export async function runReminders(db: Db, clock: Clock, settings: NoticeSettings): Promise<number> {
  const now = clock.now();
  const today = jstDate(now);
  return inTransaction(db, async (tx) => {
    const locked = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(hashtext('certmark_reminders')) as ok`.execute(tx);
    if (!locked.rows[0]?.ok) return 0;
    const [events, recipients] = await Promise.all([allServiceEvents(tx), noticeRecipientsOfAll(tx)]);
    const rows = [];
    for (const r of recipients) {
      const due = remindersDue(
        r.id,
        events.get(r.id) ?? [],
        today,
        now,
        { nameJa: r.name_ja, nameEn: r.name_en, number: r.number, language: r.language },
        settings,
      );
      for (const m of due) rows.push(plainNoticeRow(r, m, settings, now));
    }
    const before = await tx
      .selectFrom('notices')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    await insertNotices(tx, rows);
    const after = await tx
      .selectFrom('notices')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const written = Number(after.n) - Number(before.n);
    if (written > 0) await notifyOnCommit(tx, NOTICES_CHANNEL, `reminders:${randomUUID()}`);
    return written;
  });
}
