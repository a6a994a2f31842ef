/**
 * A small reference model of the rules, written apart from src/domain: its own day arithmetic (JST day numbers),
 * its own reading of Civil Code Arts. 140/143, and the lifecycle as DOMAIN.md's table states it. The property
 * test runs random operations on it and on the real code and requires the same answers.
 */

const DAY = 86_400_000;
const JST = 9 * 3_600_000;

/** The Asia/Tokyo day of an instant, as a day number (days since 1970-01-01). */
export const dayOf = (ms: number) => Math.floor((ms + JST) / DAY);
/** 00:00 JST of a day number, as epoch milliseconds. */
export const midnight = (day: number) => day * DAY - JST;
export const dayToDate = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);
export const dateToDay = (s: string) => Date.parse(`${s}T00:00:00Z`) / DAY;

function ymd(day: number): [number, number, number] {
  const d = new Date(day * DAY);
  return [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()];
}

/**
 * Art. 9.1 read with Civil Code Art. 140 (the day of certification is not counted) and Art. 143 (the period ends
 * the day before the corresponding day two years on; with no such day, the last day of that month).
 */
export function modelValidThrough(certifiedDay: number): number {
  const [y, m, d] = ymd(certifiedDay + 1);
  const corresponding = new Date(Date.UTC(y + 2, m, d));
  if (corresponding.getUTCMonth() !== m) return Date.UTC(y + 2, m + 1, 0) / DAY; // no such day: end of that month
  return corresponding.getTime() / DAY - 1;
}

/** Art. 8: revoked on a day within one year before the application day, that day counted. */
export function modelRevokedWithinYear(revokedDay: number, appliedDay: number): boolean {
  const [y, m, d] = ymd(appliedDay);
  let yearBefore = new Date(Date.UTC(y - 1, m, d));
  if (yearBefore.getUTCMonth() !== m) yearBefore = new Date(Date.UTC(y - 1, m + 1, 0));
  return revokedDay > yearBefore.getTime() / DAY && revokedDay <= appliedDay;
}

export type ModelStatus = 'applied' | 'certified' | 'renewal_pending' | 'expired' | 'revoked' | 'terminated' | 'lapsed' | 'refused' | null;

export interface Model {
  phase: 'none' | 'applied' | 'refused' | 'in_period' | 'revoked' | 'terminated' | 'lapsed';
  art8: boolean;
  /** The current period: first and last day (day numbers). */
  period: { certifiedDay: number; lastDay: number } | null;
  firstCertifiedDay: number | null;
  renewalFiled: boolean;
  extendedTo: number | null;
  lastRevokedDay: number | null;
  /** The day of the service's last event: a received or effective day may not precede it. */
  lastEventDay: number | null;
}

/** `registeredDay`: the day the service was registered (its first events), when it was. */
export const newModel = (registeredDay: number | null = null): Model => ({
  phase: 'none',
  art8: false,
  period: null,
  firstCertifiedDay: null,
  renewalFiled: false,
  extendedTo: null,
  lastRevokedDay: null,
  lastEventDay: registeredDay,
});

/** The last day the certification is in force: its period, or an Art. 12.2 extension while a renewal is filed. */
export function forceUntil(m: Model): number | null {
  if (!m.period) return null;
  return m.renewalFiled && m.extendedTo !== null && m.extendedTo > m.period.lastDay ? m.extendedTo : m.period.lastDay;
}

export function modelStatus(m: Model, ms: number): ModelStatus {
  switch (m.phase) {
    case 'none':
      return null;
    case 'in_period':
      if (dayOf(ms) > forceUntil(m)!) return 'expired';
      return m.renewalFiled ? 'renewal_pending' : 'certified';
    default:
      return m.phase;
  }
}

export const modelServesMark = (s: ModelStatus) => s === 'certified' || s === 'renewal_pending';

/** `daysAgo`: the filing arrived (apply, renew) or the lapse took effect that many JST days before it is entered. */
export type Operation =
  | { op: 'apply'; daysAgo: number }
  | { op: 'certify' }
  | { op: 'refuse' }
  | { op: 'renew'; override: boolean; daysAgo: number }
  | { op: 'extend'; daysAfterExpiry: number }
  | { op: 'revoke'; ground: number }
  | { op: 'terminate' }
  | { op: 'lapse'; daysAgo: number };

/** What the model says of an operation at an instant: refused (with the article when the rules name one), or the next state. */
export type Outcome = { ok: false; article?: string } | { ok: true; next: Model; certified?: { certifiedDay: number; lastDay: number } };

export function step(m: Model, o: Operation, ms: number): Outcome {
  const out = decide(m, o, ms);
  // every accepted operation writes events today: the floor for later received and effective days
  return out.ok ? { ...out, next: { ...out.next, lastEventDay: dayOf(ms) } } : out;
}

function decide(m: Model, o: Operation, ms: number): Outcome {
  const today = dayOf(ms);
  const status = modelStatus(m, ms);
  const no = (article?: string): Outcome => ({ ok: false, ...(article ? { article } : {}) });
  // The day a filing arrived or an event took effect: never after today, never before the last event.
  const entered = 'daysAgo' in o ? today - o.daysAgo : today;
  const beforeLastEvent = m.lastEventDay !== null && entered < m.lastEventDay;
  switch (o.op) {
    case 'apply': {
      if (!(status === null || status === 'refused' || status === 'expired' || status === 'revoked' || status === 'terminated' || status === 'lapsed'))
        return no('Art. 4');
      if (beforeLastEvent) return no();
      const art8 = m.lastRevokedDay !== null && modelRevokedWithinYear(m.lastRevokedDay, entered);
      return { ok: true, next: { ...m, phase: art8 ? 'refused' : 'applied', art8, renewalFiled: false, extendedTo: null } };
    }
    case 'certify': {
      if (m.phase === 'applied') {
        const lastDay = modelValidThrough(today);
        return {
          ok: true,
          next: { ...m, phase: 'in_period', period: { certifiedDay: today, lastDay }, firstCertifiedDay: m.firstCertifiedDay ?? today },
          certified: { certifiedDay: today, lastDay },
        };
      }
      if (m.phase === 'in_period' && m.renewalFiled) {
        // A renewal decided before expiry continues the period from its last day (Art. 12.3).
        const from = Math.max(today, m.period!.lastDay);
        const lastDay = modelValidThrough(from);
        return {
          ok: true,
          next: { ...m, period: { certifiedDay: from, lastDay }, renewalFiled: false, extendedTo: null },
          certified: { certifiedDay: from, lastDay },
        };
      }
      return no(m.phase === 'refused' && m.art8 ? 'Art. 8' : 'Art. 6.1');
    }
    case 'refuse':
      if (m.phase === 'applied') return { ok: true, next: { ...m, phase: 'refused', art8: false } };
      if (m.phase === 'in_period' && m.renewalFiled) return { ok: true, next: { ...m, renewalFiled: false, extendedTo: null } };
      return no(m.phase === 'refused' && m.art8 ? 'Art. 8' : 'Art. 6.1');
    case 'renew': {
      if (status !== 'certified') return no('Art. 12.1');
      if (beforeLastEvent) return no();
      const last = m.period!.lastDay;
      if (!o.override && (entered < last - 60 || entered > last - 30)) return no('Art. 12.1');
      return { ok: true, next: { ...m, renewalFiled: true, extendedTo: null } };
    }
    case 'extend': {
      if (status !== 'renewal_pending') return no('Art. 12.2');
      const until = m.period!.lastDay + o.daysAfterExpiry;
      if (until <= forceUntil(m)!) return no();
      return { ok: true, next: { ...m, extendedTo: until } };
    }
    case 'revoke':
      if (m.phase !== 'in_period') return no('Art. 17.1');
      return { ok: true, next: { ...m, phase: 'revoked', renewalFiled: false, extendedTo: null, lastRevokedDay: today } };
    case 'terminate':
      if (m.phase !== 'in_period') return no('Art. 13.2');
      return { ok: true, next: { ...m, phase: 'terminated', renewalFiled: false, extendedTo: null } };
    case 'lapse':
      if (status !== 'certified' && status !== 'renewal_pending') return no('Art. 9.2');
      if (beforeLastEvent) return no();
      return { ok: true, next: { ...m, phase: 'lapsed', renewalFiled: false, extendedTo: null } };
  }
}
