/**
 * What is true of a service now, kept by the read model: its folded state, the events (so a status asked for an
 * instant before the last event is still right), and the origins registered now (Art. 10.2). The status itself
 * is computed per request from these facts and the clock, so expiry at midnight JST (Art. 9.1, 10.6) needs no
 * invalidation.
 */
import type { Db } from '../db/database';
import { addDays, startOfJstDay } from '../domain/calendar';
import { foldEvents, inForceThrough, registeredOrigins, statusOf, type ServiceState, type Status } from '../domain/lifecycle/state';
import type { LifecycleEvent } from '../domain/lifecycle/events';
import { serviceEvents } from '../repositories/events';
import { findServiceWithVendor } from '../repositories/services';
import { normalizeOrigin } from '../tokens/origins';

export interface ServiceFacts {
  serviceId: string;
  number: string | null;
  name: { ja: string; en: string | null };
  vendorName: { ja: string; en: string | null };
  state: ServiceState;
  /** Kept so a status asked for an instant before the last event is still right (statusAt semantics). */
  events: readonly LifecycleEvent[];
  lastEventAt: number;
  /** Art. 10.2: the origins registered for the service now, normalised. The mark is served nowhere else. */
  origins: ReadonlySet<string>;
  /**
   * After the last event the status changes at one instant only, 00:00 JST after the last day in force
   * (Art. 9.1): the status on either side of it, computed once by statusOf itself when the state is loaded.
   */
  expiry: { at: number; before: Status | null; after: Status | null } | null;
}

/** The status at an instant, from the cached state (the same answer as statusAt on the events). */
export function statusFromFacts(facts: ServiceFacts, instant: Date): Status | null {
  const t = instant.getTime();
  if (t < facts.lastEventAt) return statusOf(foldEvents(facts.events, instant), instant);
  if (facts.expiry === null) return statusOf(facts.state, instant);
  return t < facts.expiry.at ? facts.expiry.before : facts.expiry.after;
}

function expiryOf(state: ServiceState): ServiceFacts['expiry'] {
  const through = inForceThrough(state);
  if (through === null) return null;
  const at = startOfJstDay(addDays(through, 1)).getTime();
  return { at, before: statusOf(state, new Date(at - 1)), after: statusOf(state, new Date(at)) };
}

/** The last day in force (extension included) at an instant. */
export function inForceThroughFromFacts(facts: ServiceFacts, instant: Date): string | null {
  return inForceThrough(instant.getTime() >= facts.lastEventAt ? facts.state : foldEvents(facts.events, instant));
}

export async function loadServiceFacts(db: Db, serviceId: string): Promise<ServiceFacts | null> {
  const row = await findServiceWithVendor(db, serviceId);
  if (!row) return null;
  const events = await serviceEvents(db, serviceId);
  const state = foldEvents(events);
  const origins = new Set<string>();
  for (const o of registeredOrigins(events)) {
    const n = normalizeOrigin(o);
    if (n) origins.add(n);
  }
  return {
    serviceId,
    number: row.number,
    name: { ja: row.name_ja, en: row.name_en },
    vendorName: { ja: row.vendor_name_ja, en: row.vendor_name_en },
    state,
    events,
    lastEventAt: events.reduce((max, e) => Math.max(max, e.at.getTime()), 0),
    expiry: expiryOf(state),
    origins,
  };
}
