import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import { join } from 'node:path';
import type { Database, ListenGap } from './database';
import type { DB } from './schema';
import { lockDataDir } from './lock';

// Calendar dates are text; instants are timestamptz and come back as Date. Integers stay numbers.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

export interface PostgresOptions {
  url: string;
  /** Tests give each suite a schema of its own. */
  schema?: string;
  max?: number;
  /**
   * Close each connection after one use (Workers: a socket opened for one request cannot serve another;
   * Hyperdrive keeps the real connections warm).
   */
  oneUsePerConnection?: boolean;
  /** Shown in pg_stat_activity (default `certmark`). */
  applicationName?: string;
}

/** Backoff of the LISTEN connection's reconnection. */
export const LISTEN_RETRY_MS = { min: 100, max: 5_000 };

export function openPostgres(options: PostgresOptions): Database {
  const clientConfig = {
    connectionString: options.url,
    application_name: options.applicationName ?? 'certmark',
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  };
  const pool = new pg.Pool({ ...clientConfig, max: options.max ?? 10, ...(options.oneUsePerConnection ? { maxUses: 1 } : {}) });
  pool.on('error', () => {}); // an idle client's error must not kill the process; the next query reports it
  const subscriptions = new Set<() => Promise<void>>();

  /** One LISTEN that comes back after its connection drops (a restart, a failover, an idle timeout). */
  async function listen(channel: string, fn: (payload: string) => void, gap?: ListenGap): Promise<() => Promise<void>> {
    let client: pg.Client | null = null;
    let closed = false;
    let timer: NodeJS.Timeout | null = null;
    let delay = LISTEN_RETRY_MS.min;
    const open = async (): Promise<pg.Client> => {
      // keepAlive: a peer that vanishes without a word is noticed too
      const c = new pg.Client({ ...clientConfig, keepAlive: true, keepAliveInitialDelayMillis: 10_000 });
      c.on('error', () => {}); // followed by 'end', handled there
      try {
        await c.connect();
        c.on('notification', (n) => {
          if (n.channel === channel) fn(n.payload ?? '');
        });
        await c.query(`listen ${pg.escapeIdentifier(channel)}`);
      } catch (err) {
        await c.end().catch(() => {});
        throw err;
      }
      c.once('end', () => lost(c));
      return c;
    };
    const lost = (c: pg.Client) => {
      if (closed || client !== c) return;
      client = null;
      gap?.down();
      retry();
    };
    const retry = () => {
      timer = setTimeout(async () => {
        timer = null;
        if (closed) return;
        try {
          const c = await open();
          if (closed) {
            await c.end().catch(() => {});
            return;
          }
          client = c;
          delay = LISTEN_RETRY_MS.min;
          gap?.up();
        } catch {
          delay = Math.min(delay * 2, LISTEN_RETRY_MS.max);
          retry();
        }
      }, delay);
      timer.unref();
    };
    client = await open();
    const unsubscribe = async () => {
      closed = true;
      subscriptions.delete(unsubscribe);
      if (timer) clearTimeout(timer);
      await client?.end().catch(() => {});
      client = null;
    };
    subscriptions.add(unsubscribe);
    return unsubscribe;
  }

  return {
    kind: 'postgres',
    schema: options.schema ?? null,
    db: new Kysely<DB>({ dialect: new PostgresDialect({ pool }) }),
    listen,
    async close() {
      await Promise.all([...subscriptions].map((unsubscribe) => unsubscribe()));
      await pool.end();
    },
  };
}

const BYTEA = 17;

/**
 * PGlite's own bytea handling maps every byte through a string (seconds for a megabyte), and sighting images
 * are stored as bytea. A serializer that hands back the bytes themselves makes PGlite send that parameter in
 * binary format (its bind message does so for any ArrayBuffer view, whatever the declared return type);
 * results arrive as hex text, decoded by Buffer. Every PGlite the project opens uses these.
 */
export const PGLITE_TYPE_OPTIONS = {
  serializers: { [BYTEA]: (value: Uint8Array) => value as unknown as string },
  parsers: { [BYTEA]: (value: string) => Buffer.from(value.slice(2), 'hex') },
};

export function wrapPGlite(pglite: PGlite, release: () => void = () => {}): Database {
  const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite }) });
  return {
    kind: 'pglite',
    schema: null,
    db,
    async listen(channel, fn) {
      const unsubscribe = await pglite.listen(channel, fn);
      return () => unsubscribe();
    },
    async close() {
      await db.destroy().catch(() => {});
      if (!pglite.closed) await pglite.close();
      release();
    },
  };
}

/** The embedded database in DATA_DIR, created on first use and guarded by a lock file. */
export async function openEmbedded(dataDir: string): Promise<Database> {
  const release = lockDataDir(dataDir);
  try {
    const pglite = await PGlite.create({ dataDir: join(dataDir, 'pgdata'), ...PGLITE_TYPE_OPTIONS });
    return wrapPGlite(pglite, release);
  } catch (e) {
    release();
    throw e;
  }
}

export async function openDatabase(config: { databaseUrl: string | null; dataDir: string }): Promise<Database> {
  return config.databaseUrl ? openPostgres({ url: config.databaseUrl }) : openEmbedded(config.dataDir);
}
