/**
 * What the detection engine needs to know about services. Each service's events come from the status cache
 * (src/standing/status-cache.ts: dropped on every lifecycle event, in this process and, on PostgreSQL, in every
 * other), so a sighting costs no read of the registry once its service is known. The registered origins are
 * folded from the same events (`service.origins_changed`), so they are exactly as fresh.
 */
import type { Db } from '../db/database';
import type { LifecycleEvent } from '../domain/lifecycle/events';
import { registeredOrigins } from '../domain/lifecycle/state';
import type { StatusCache } from '../standing/status-cache';
import { servicesWithOrigins } from '../repositories/sightings';
import { microBatcher } from './batch';
import { findServiceByNumber } from '../repositories/services';
import { LRUCache } from 'lru-cache';

export interface ServiceFacts {
  id: string;
  number: string | null;
  /** Every lifecycle event of the service, in order: its status at any instant is folded from them. */
  events: readonly LifecycleEvent[];
  /** The origins registered now (Art. 10.2). */
  origins: readonly string[];
}

export interface ServiceDirectory {
  byId(id: string): Promise<ServiceFacts | null>;
  byNumber(number: string): Promise<ServiceFacts | null>;
  /** Services that have this origin registered now. */
  idsWithOrigin(origin: string): Promise<string[]>;
}

/** Through the status cache. A certification number, once given, is the service's for life: its id is kept. */
export function cachedDirectory(db: Db, statuses: StatusCache): ServiceDirectory {
  const idOfNumber = new LRUCache<string, string>({ max: 100_000 });
  // the origins of concurrent sightings are looked up in one query
  const withOrigin = microBatcher<string, string[]>(
    async (list) => {
      const found = await servicesWithOrigins(db, list);
      return list.map((o) => found.get(o) ?? []);
    },
    { max: 500 },
  );
  const byId = async (id: string): Promise<ServiceFacts | null> => {
    const f = await statuses.get(id);
    return f ? { id: f.serviceId, number: f.number, events: f.events, origins: registeredOrigins(f.events) } : null;
  };
  return {
    byId,
    async byNumber(number) {
      let id = idOfNumber.get(number);
      if (id === undefined) {
        id = (await findServiceByNumber(db, number))?.id;
        if (id === undefined) return null;
        idOfNumber.set(number, id);
      }
      return byId(id);
    },
    idsWithOrigin: withOrigin,
  };
}
