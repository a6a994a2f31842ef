import type { Clock } from '../clock';
import { CHANGES_CHANNEL, type Database, type Db } from '../db/database';
import { jstDate } from '../domain/calendar';
import { allServiceEvents } from '../repositories/events';
import { delegates, type DelegateRow } from '../repositories/delegates';
import { lastEventId, numberedServices, originsOf, publishedItemsOf, type PublishedItemRow } from '../repositories/publication';
import { buildPublicService, type PublicService } from './public-service';
import { STATUS_CHANGES, type PublicEntry } from './timeline';

/** One status change of one service, for the registry's sections and the Atom feed. */
export interface RegistryChange {
  service: PublicService;
  entry: PublicEntry;
}

/** The whole public registry at one instant, every service built by buildPublicService. */
export interface RegistrySnapshot {
  /** Changes when an event is appended or the JST day turns: nothing else changes a public fact. */
  key: string;
  builtAt: Date;
  /** Sorted by certification number. */
  services: PublicService[];
  byNumber: Map<string, PublicService>;
  /** Newest first. */
  changes: RegistryChange[];
}

function groupBy<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}

export async function buildSnapshot(db: Db, now: Date, key: string): Promise<RegistrySnapshot> {
  const rows = await numberedServices(db);
  const ids = rows.map((r) => r.id);
  const [events, items, origins] = await Promise.all([allServiceEvents(db), publishedItemsOf(db, ids), originsOf(db, ids)]);
  const itemsBy = groupBy<PublishedItemRow>(items, (i) => i.service_id);
  const originsBy = groupBy(origins, (o) => o.service_id);
  const services: PublicService[] = [];
  for (const row of rows) {
    const s = buildPublicService(
      { row, events: events.get(row.id) ?? [], items: itemsBy.get(row.id) ?? [], origins: (originsBy.get(row.id) ?? []).map((o) => o.origin) },
      now,
    );
    if (s) services.push(s);
  }
  services.sort((a, b) => (a.number < b.number ? -1 : a.number > b.number ? 1 : 0));
  const changes = services
    .flatMap((service) => service.history.filter((entry) => STATUS_CHANGES.has(entry.type)).map((entry) => ({ service, entry })))
    .sort((a, b) => b.entry.at.getTime() - a.entry.at.getTime() || (a.service.number < b.service.number ? 1 : -1));
  return { key, builtAt: now, services, byNumber: new Map(services.map((s) => [s.number, s])), changes };
}

export interface Publication {
  /** The registry as it stands now; rebuilt only when an event was appended or the day turned. */
  snapshot(): Promise<RegistrySnapshot>;
  service(number: string): Promise<PublicService | null>;
  /** Art. 19.2: the delegated bodies (not evented, so read each time; a small table). */
  delegates(): Promise<DelegateRow[]>;
}

/**
 * Asks the database for the id of the last event, batching concurrent callers without ever answering one of
 * them from a read that began before it asked: a caller that arrives while a read is in flight waits for the
 * next read. So every answer reflects every event committed before the request, and under load one read
 * serves a whole batch of requests.
 */
export function freshnessProbe(read: () => Promise<number>): () => Promise<number> {
  let inFlight: Promise<number> | null = null;
  let queued: Promise<number> | null = null;
  const start = (): Promise<number> => {
    const p: Promise<number> = read().finally(() => {
      if (inFlight === p) inFlight = null;
    });
    inFlight = p;
    return p;
  };
  return () => {
    if (!inFlight) return start();
    queued ??= inFlight
      .catch(() => undefined)
      .then(() => {
        queued = null;
        return inFlight ?? start();
      });
    return queued;
  };
}

/**
 * The read model with a cache that is never stale. Every public fact changes by an event (appendEvents
 * announces it on CHANGES_CHANNEL in the event's transaction) or when the JST day turns (Art. 9.1), so the
 * snapshot is keyed by the two:
 * - on the embedded database (one process), by a count of the announcements heard: PGlite delivers them
 *   before the commit returns, so a request made after a change always sees it, with no query per request;
 * - on PostgreSQL (several processes), by the id of the last event, read per request (batched by
 *   freshnessProbe), because a NOTIFY reaches this process a moment after another's commit.
 */
export function createPublication(database: Database, clock: Clock): Publication {
  const db = () => database.db;
  let current: RegistrySnapshot | null = null;
  let building: { key: string; promise: Promise<RegistrySnapshot> } | null = null;
  const lastEvent = freshnessProbe(() => lastEventId(db()));
  let heard = 0;
  let listening: Promise<boolean> | null = null;
  const version = async (): Promise<string> => {
    if (database.kind === 'pglite') {
      listening ??= database
        .listen(CHANGES_CHANNEL, () => void heard++)
        .then(
          () => true,
          () => false,
        );
      if (await listening) return `n${heard}`;
    }
    return `e${await lastEvent()}`;
  };
  const snapshot = async () => {
    const v = await version();
    const now = clock.now();
    const key = `${v}:${jstDate(now)}`;
    if (current?.key === key) return current;
    if (building?.key === key) return building.promise;
    const promise = buildSnapshot(db(), now, key);
    building = { key, promise };
    try {
      const built = await promise;
      if (!current || current.key !== key) current = built;
      return built;
    } finally {
      if (building?.promise === promise) building = null;
    }
  };
  return {
    snapshot,
    service: async (number) => (await snapshot()).byNumber.get(number) ?? null,
    delegates: () => delegates(db()),
  };
}
