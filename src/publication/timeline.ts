import { addDays, jstDate, startOfJstDay, type CalendarDate } from '../domain/calendar';
import type { LapseCause, LifecycleEvent, RevocationGround } from '../domain/lifecycle/events';
import { applyEvent, emptyState, inForceThrough, statusOf, type ServiceState, type Status } from '../domain/lifecycle/state';

/** The statuses the public may see: a service that was certified at least once (Art. 11). */
export const PUBLIC_STATUSES = ['certified', 'renewal_pending', 'expired', 'revoked', 'terminated', 'lapsed'] as const;
export type PublicStatus = (typeof PUBLIC_STATUSES)[number];

/** One line of a service's public history. Only facts the rules publish; never notices, notes or withheld values. */
export type PublicEntry = { at: Date; on: CalendarDate; article: string; id: string } & (
  | { type: 'certified' | 'renewed'; certifiedOn: CalendarDate; validThrough: CalendarDate }
  | { type: 'extended'; until: CalendarDate }
  | { type: 'disclosure_updated'; version: number }
  | { type: 'improvement_published'; improvementId: string; content: string; dueOn: CalendarDate }
  | { type: 'improvement_completed'; improvementId: string }
  | { type: 'revoked'; ground: RevocationGround; reason: string }
  | { type: 'terminated'; terminatedOn: CalendarDate }
  | { type: 'lapsed'; cause: LapseCause; effectiveOn: CalendarDate }
  | { type: 'expired'; lastDay: CalendarDate }
);

/** Entries that change the status, for the Atom feed. */
export const STATUS_CHANGES: ReadonlySet<PublicEntry['type']> = new Set([
  'certified',
  'renewed',
  'extended',
  'revoked',
  'terminated',
  'lapsed',
  'expired',
  'improvement_published',
]);

const IN_FORCE = (s: Status | null) => s === 'certified' || s === 'renewal_pending';

/**
 * The events the public may know of. An application not yet decided, or refused, is the vendor's and the body's
 * business (Art. 20): while the service is `applied` or `refused`, everything from that application on is cut
 * off, and the public sees the service as it stood before (expired, revoked, terminated or lapsed).
 */
export function publicEvents(events: readonly LifecycleEvent[], now: Date): LifecycleEvent[] {
  let state = emptyState();
  for (const e of events) {
    if (e.at.getTime() > now.getTime()) break;
    state = applyEvent(state, e);
  }
  const status = statusOf(state, now);
  const upToNow = events.filter((e) => e.at.getTime() <= now.getTime());
  if (status !== 'applied' && status !== 'refused') return upToNow;
  let cut = upToNow.length;
  for (let i = upToNow.length - 1; i >= 0; i--) {
    if (upToNow[i]!.type === 'service.applied') {
      cut = i;
      break;
    }
  }
  return upToNow.slice(0, cut);
}

type Facts = PublicEntry extends infer E ? (E extends PublicEntry ? Omit<E, 'at' | 'on' | 'article' | 'id'> : never) : never;

function entry(at: Date, article: string, rest: Facts): PublicEntry {
  // The id names the fact, not the event: event ids are global and their gaps would count confidential events.
  return { at, on: jstDate(at), article, id: `${rest.type}@${at.toISOString()}`, ...rest } as PublicEntry;
}

export interface Folded {
  state: ServiceState;
  status: PublicStatus | null;
  entries: PublicEntry[];
  /** The last disclosure version the public may see, or null. */
  disclosureVersion: number | null;
  publishedImprovements: Set<string>;
}

/**
 * Folds the public events into the public history. Expiry is no event: it is found where the certification
 * stops being in force, at the end of its last day (Art. 9.1) or when a renewal refusal ends an extension.
 */
export function foldPublic(events: readonly LifecycleEvent[], now: Date): Folded {
  const list = publicEvents(events, now);
  let state = emptyState();
  let previous: Status | null = null;
  let certifiedOnce = false;
  let disclosureVersion: number | null = null;
  const published = new Set<string>();
  const requested = new Map<string, { content: string; dueOn: CalendarDate }>();
  const publish = (at: Date, improvementId: string) => {
    const r = requested.get(improvementId);
    if (!r || published.has(improvementId)) return;
    published.add(improvementId);
    entries.push(entry(at, 'Art. 16.2', { type: 'improvement_published', improvementId, content: r.content, dueOn: r.dueOn }));
  };
  const entries: PublicEntry[] = [];
  const expiry = (at: Date, lastDay: CalendarDate) => {
    entries.push(entry(at, 'Art. 9.1', { type: 'expired', lastDay }));
  };
  // Art. 9.1: in force to the end of its last day (JST); it expires at 00:00 JST of the day after.
  const naturalExpiry = (s: ServiceState) => {
    const through = inForceThrough(s)!;
    expiry(startOfJstDay(addDays(through, 1)), through);
  };
  for (let i = 0; i < list.length; i++) {
    const e = list[i]!;
    if (IN_FORCE(previous) && statusOf(state, e.at) === 'expired') {
      naturalExpiry(state);
      previous = 'expired';
    }
    state = applyEvent(state, e);
    switch (e.type) {
      case 'service.certified':
        certifiedOnce = true;
        entries.push(
          entry(e.at, e.article ?? 'Art. 6.1', {
            type: e.payload.kind === 'renewal' ? 'renewed' : 'certified',
            certifiedOn: e.payload.certifiedOn,
            validThrough: e.payload.validThrough,
          }),
        );
        break;
      case 'renewal.extended':
        entries.push(entry(e.at, 'Art. 12.2', { type: 'extended', until: e.payload.until }));
        break;
      case 'disclosure.changed': {
        // The content of an application is published once certified; the change filed with an application is not news.
        const withApplication = list[i - 1]?.type === 'service.applied' && list[i - 1]!.at.getTime() === e.at.getTime();
        disclosureVersion = e.payload.version;
        if (certifiedOnce && !withApplication) entries.push(entry(e.at, 'Art. 13.1', { type: 'disclosure_updated', version: e.payload.version }));
        break;
      }
      case 'improvement.requested':
        // Art. 16.2: published only when staff publish it; until then the request is confidential.
        requested.set(e.payload.improvementId, { content: e.payload.content, dueOn: e.payload.dueOn });
        if (e.payload.publish) publish(e.at, e.payload.improvementId);
        break;
      case 'improvement.published':
        publish(e.at, e.payload.improvementId);
        break;
      case 'improvement.completed':
        if (published.has(e.payload.improvementId))
          entries.push(entry(e.at, 'Art. 16.1', { type: 'improvement_completed', improvementId: e.payload.improvementId }));
        break;
      case 'service.revoked':
        entries.push(entry(e.at, `Art. 17.1(${e.payload.ground})`, { type: 'revoked', ground: e.payload.ground, reason: e.payload.reason }));
        break;
      case 'service.terminated':
        entries.push(entry(e.at, 'Art. 13.2', { type: 'terminated', terminatedOn: e.payload.terminatedOn }));
        break;
      case 'service.lapsed':
        entries.push(entry(e.at, 'Art. 9.2', { type: 'lapsed', cause: e.payload.cause, effectiveOn: e.payload.effectiveOn }));
        break;
      default:
    }
    const after = statusOf(state, e.at);
    // A renewal refused after the last day ends an extension at once.
    if (IN_FORCE(previous) && after === 'expired' && e.type === 'service.refused') expiry(e.at, jstDate(e.at));
    previous = after;
  }
  if (IN_FORCE(previous) && statusOf(state, now) === 'expired') naturalExpiry(state);
  const status = certifiedOnce ? (statusOf(state, now) as PublicStatus | null) : null;
  return {
    state,
    status: status && (PUBLIC_STATUSES as readonly string[]).includes(status) ? status : null,
    entries,
    disclosureVersion,
    publishedImprovements: published,
  };
}
