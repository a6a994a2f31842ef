/**
 * Each service's facts (facts.ts), kept in memory and dropped on every lifecycle event (Art. 10.8: revocation
 * stops the mark at once): appendEvents announces the service on `certmark_changes` in the event's transaction,
 * heard in-process on PGlite and by every process on PostgreSQL.
 */
import { CHANGES_CHANNEL, type Database, type Db, type ListenGap } from '../db/database';
import { loadServiceFacts, type ServiceFacts } from './facts';

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
