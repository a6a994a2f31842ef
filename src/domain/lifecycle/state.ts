import { jstDate, type CalendarDate } from '../calendar';
import { inForceAt } from '../validity';
import type { LapseCause, LifecycleEvent, RevocationGround, SelfDeclaration } from './events';

/** DOMAIN.md's statuses. */
export const STATUSES = ['applied', 'certified', 'renewal_pending', 'expired', 'revoked', 'terminated', 'lapsed', 'refused'] as const;
export type Status = (typeof STATUSES)[number];

/** Statuses under which the official mark is served (Art. 10.1, 10.6, 10.8). */
export function servesMark(status: Status | null): boolean {
  return status === 'certified' || status === 'renewal_pending';
}

export interface Period {
  seq: number;
  kind: 'initial' | 'renewal';
  certifiedOn: CalendarDate;
  validThrough: CalendarDate;
  certifiedAt: Date;
}

/** How the certification ended; `certificateReturned`: the certificate is back (Art. 10.8, 13.3), else outstanding. */
export type Closure =
  | { status: 'revoked'; at: Date; ground: RevocationGround; reason: string; certificateReturned: boolean }
  | { status: 'terminated'; at: Date; effectiveOn: CalendarDate; certificateReturned: boolean }
  | { status: 'lapsed'; at: Date; effectiveOn: CalendarDate; cause: LapseCause; certificateReturned: boolean };

/** What the events of one service say, folded. Never stored: always derived from the events. */
export interface ServiceState {
  number: string | null;
  /** An application not yet decided (Art. 4), or null. */
  application: { at: Date; appliedOn: CalendarDate } | null;
  /** The last refusal since the last application, or null. */
  refusal: { at: Date; reason: string; kind: 'initial' | 'renewal' } | null;
  periods: Period[];
  /** A renewal filed for the current period and not yet decided (Art. 12.1). */
  renewal: { at: Date; filedOn: CalendarDate; selfDeclaration: SelfDeclaration } | null;
  /** Art. 12.2: force kept past expiry, until this day, while the renewal is decided. */
  extension: { at: Date; until: CalendarDate } | null;
  closure: Closure | null;
  /** The last revocation ever (Art. 8 looks back at it even after a new application). */
  lastRevocation: { at: Date } | null;
}

export const emptyState = (): ServiceState => ({
  number: null,
  application: null,
  refusal: null,
  periods: [],
  renewal: null,
  extension: null,
  closure: null,
  lastRevocation: null,
});

export function applyEvent(s: ServiceState, e: LifecycleEvent): ServiceState {
  switch (e.type) {
    case 'service.applied':
      // A new application starts a new phase: whatever closed the service before is history now, and so is a
      // renewal left undecided when the certification expired (a decision now decides the application).
      return { ...s, application: { at: e.at, appliedOn: e.payload.appliedOn }, refusal: null, closure: null, renewal: null, extension: null };
    case 'service.certified': {
      const p = e.payload;
      const period: Period = { seq: s.periods.length + 1, kind: p.kind, certifiedOn: p.certifiedOn, validThrough: p.validThrough, certifiedAt: e.at };
      return { ...s, number: p.number, application: null, renewal: null, extension: null, refusal: null, periods: [...s.periods, period] };
    }
    case 'service.refused':
      return e.payload.kind === 'initial'
        ? { ...s, application: null, refusal: { at: e.at, reason: e.payload.reason, kind: 'initial' } }
        : { ...s, renewal: null, extension: null, refusal: { at: e.at, reason: e.payload.reason, kind: 'renewal' } };
    case 'renewal.filed':
      return { ...s, renewal: { at: e.at, filedOn: e.payload.filedOn, selfDeclaration: e.payload.selfDeclaration }, refusal: null };
    case 'renewal.extended':
      return { ...s, extension: { at: e.at, until: e.payload.until } };
    case 'service.revoked':
      return {
        ...s,
        renewal: null,
        extension: null,
        lastRevocation: { at: e.at },
        closure: { status: 'revoked', at: e.at, ground: e.payload.ground, reason: e.payload.reason, certificateReturned: false },
      };
    case 'service.terminated':
      return {
        ...s,
        renewal: null,
        extension: null,
        closure: { status: 'terminated', at: e.at, effectiveOn: e.payload.terminatedOn, certificateReturned: e.payload.certificateReturned },
      };
    case 'certificate.returned':
      return s.closure ? { ...s, closure: { ...s.closure, certificateReturned: true } } : s;
    case 'service.lapsed':
      return {
        ...s,
        renewal: null,
        extension: null,
        closure: { status: 'lapsed', at: e.at, effectiveOn: e.payload.effectiveOn, cause: e.payload.cause, certificateReturned: false },
      };
    default:
      return s; // changes, emergencies, investigations and improvements do not change the status
  }
}

export function foldEvents(events: readonly LifecycleEvent[], until?: Date): ServiceState {
  let s = emptyState();
  for (const e of events) {
    if (until && e.at.getTime() > until.getTime()) break;
    s = applyEvent(s, e);
  }
  return s;
}

export function currentPeriod(s: ServiceState): Period | null {
  return s.periods.at(-1) ?? null;
}

/** The last day on which the certification is in force, an Art. 12.2 extension included. */
export function inForceThrough(s: ServiceState): CalendarDate | null {
  const p = currentPeriod(s);
  if (!p) return null;
  if (s.renewal && s.extension && s.extension.until > p.validThrough) return s.extension.until;
  return p.validThrough;
}

/** A service's status at an instant, from its state folded up to that instant. null: nothing applied yet. */
export function statusOf(s: ServiceState, instant: Date): Status | null {
  if (s.closure) return s.closure.status;
  if (s.application) return 'applied';
  if (s.refusal?.kind === 'initial') return 'refused';
  const through = inForceThrough(s);
  if (!through) return null;
  if (!inForceAt(through, instant)) return 'expired'; // Art. 9.1, 10.6
  return s.renewal ? 'renewal_pending' : 'certified';
}

/** statusAt(service, instant): the events up to the instant decide (events must be in order). */
export function statusAt(events: readonly LifecycleEvent[], instant: Date): Status | null {
  return statusOf(foldEvents(events, instant), instant);
}

export function jstToday(clockNow: Date): CalendarDate {
  return jstDate(clockNow);
}

/** Art. 10.2: the origins the last `service.origins_changed` event registered (where the mark may appear). */
export function registeredOrigins(events: readonly LifecycleEvent[]): string[] {
  let list: string[] = [];
  for (const e of events) if (e.type === 'service.origins_changed') list = e.payload.origins;
  return list;
}
