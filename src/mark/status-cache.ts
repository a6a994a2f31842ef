/**
 * Each service's folded state, kept in memory: the status itself is computed per request from the cached state
 * and the clock, so expiry at midnight JST (Art. 9.1, 10.6) needs no invalidation. The cached state is dropped
 * on every lifecycle event (Art. 10.8: revocation stops the mark at once): appendEvents announces the service on
 * `certmark_changes` in the event's transaction, heard in-process on PGlite and by every process on PostgreSQL.
 */
import { CHANGES_CHANNEL, type Database, type Db, type ListenGap } from '../db/database';
import { addDays, startOfJstDay } from '../domain/calendar';
import { foldEvents, inForceThrough, statusOf, type ServiceState, type Status } from '../domain/lifecycle/state';
import type { LifecycleEvent } from '../domain/lifecycle/events';
import { serviceEvents } from '../repositories/events';

export interface ServiceFacts {
  serviceId: string;
  number: string | null;
  name: { ja: string; en: string | null };
  vendorName: { ja: string; en: string | null };
  state: ServiceState;
  /** Kept so a status asked for an instant before the last event is still right (statusAt semantics). */
  events: readonly LifecycleEvent[];
  lastEventAt: number;
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
  const row = await db
    .selectFrom('services')
    .innerJoin('vendors', 'vendors.id', 'services.vendor_id')
    .select(['services.id', 'services.number', 'services.name_ja', 'services.name_en', 'vendors.name_ja as vendor_name_ja', 'vendors.name_en as vendor_name_en'])
    .where('services.id', '=', serviceId)
    .executeTakeFirst();
  if (!row) return null;
  const events = await serviceEvents(db, serviceId);
  const state = foldEvents(events);
  return {
    serviceId,
    number: row.number,
    name: { ja: row.name_ja, en: row.name_en },
    vendorName: { ja: row.vendor_name_ja, en: row.vendor_name_en },
    state,
    events,
    lastEventAt: events.reduce((max, e) => Math.max(max, e.at.getTime()), 0),
    expiry: expiryOf(state),
  };
}

interface Entry {
  facts: ServiceFacts | null;
  expires: number;
}

export class StatusCache {
  private entries = new Map<string, Entry>();
  private loading = new Map<string, Promise<ServiceFacts | null>>();
  private generations = new Map<string, number>();
  private unlisten: (() => Promise<void>) | null = null;
  /** False while the LISTEN connection is down: every request reads through. */
  private keeping = true;

  constructor(
    private readonly db: Db,
    private readonly options: { ttlMs: number } = { ttlMs: 30_000 },
  ) {}

  /**
   * Drops a service's state on every lifecycle event, from this process or any other. While the listening
   * connection is down (PostgreSQL), notifications may be lost: everything is dropped and nothing is kept
   * until it listens again (Art. 10.8: a revocation made meanwhile must not wait for a TTL).
   */
  async listen(database: Database, hooks: { drop?: (serviceId: string) => void; gap?: ListenGap } = {}): Promise<void> {
    this.unlisten = await database.listen(
      CHANGES_CHANNEL,
      (serviceId) => {
        this.drop(serviceId);
        hooks.drop?.(serviceId);
      },
      {
        down: () => {
          this.keeping = false;
          this.clear();
          hooks.gap?.down();
        },
        up: () => {
          this.clear();
          this.keeping = true;
          hooks.gap?.up();
        },
      },
    );
  }

  async close(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = null;
  }

  /** Sync lookup of cached facts; undefined when they must be loaded. */
  peek(serviceId: string): ServiceFacts | null | undefined {
    if (!this.keeping) return undefined;
    const hit = this.entries.get(serviceId);
    if (hit === undefined) return undefined;
    if (hit.expires < performance.now()) {
      this.entries.delete(serviceId);
      return undefined;
    }
    return hit.facts;
  }

  async get(serviceId: string): Promise<ServiceFacts | null> {
    const hit = this.peek(serviceId);
    if (hit !== undefined) return hit;
    let pending = this.loading.get(serviceId);
    if (!pending) {
      const generation = this.generations.get(serviceId) ?? 0;
      const load: Promise<ServiceFacts | null> = loadServiceFacts(this.db, serviceId).finally(() => {
        if (this.loading.get(serviceId) === load) this.loading.delete(serviceId);
      });
      pending = load;
      this.loading.set(serviceId, load);
      const facts = await pending;
      // Dropped while loading: what was read may predate the change. Answer with it once, never keep it.
      // ttlMs 0: nothing is kept (Workers hear no NOTIFY, so every request reads the state).
      if (this.keeping && this.options.ttlMs > 0 && (this.generations.get(serviceId) ?? 0) === generation) {
        this.entries.set(serviceId, { facts, expires: performance.now() + this.options.ttlMs });
      }
      return facts;
    }
    return pending;
  }

  drop(serviceId: string): void {
    this.generations.set(serviceId, (this.generations.get(serviceId) ?? 0) + 1);
    this.entries.delete(serviceId);
    this.loading.delete(serviceId);
  }

  clear(): void {
    for (const id of new Set([...this.entries.keys(), ...this.loading.keys()])) this.drop(id);
  }
}
