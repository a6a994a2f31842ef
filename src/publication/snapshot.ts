import type { Clock } from '../clock';
import type { Db } from '../db/database';
import { jstDate } from '../domain/calendar';
import { allServiceEvents } from '../repositories/events';
import { delegates, lastEventId, numberedServices, originsOf, publishedItemsOf, type DelegateRow, type PublishedItemRow } from '../repositories/publication';
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
    const s = buildPublicService({ row, events: events.get(row.id) ?? [], items: itemsBy.get(row.id) ?? [], origins: (originsBy.get(row.id) ?? []).map((o) => o.origin) }, now);
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
 * The read model with a cache that can never be stale: each read asks for the id of the last event (one
 * primary-key read) and rebuilds when it moved. Statuses only change at JST midnight (Art. 9.1), so the day
 * is the other half of the key. Works across processes: the key lives in the database.
 */
export function createPublication(db: () => Db, clock: Clock): Publication {
  let current: RegistrySnapshot | null = null;
  let building: { key: string; promise: Promise<RegistrySnapshot> } | null = null;
  const snapshot = async () => {
    const now = clock.now();
    const key = `${await lastEventId(db())}:${jstDate(now)}`;
    if (current?.key === key) return current;
    if (building?.key === key) return building.promise;
    const promise = buildSnapshot(db(), now, key);
    building = { key, promise };
    try {
      const built = await promise;
      current = built;
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
