import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect, type Dialect } from 'kysely';
import { guardedDialect, registerGuarded } from './transaction';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Database, ListenGap } from './database';
import type { DB } from './schema';
import type { Config } from '../config';
import { lockDataDir } from './lock';
import { isConnectionFault } from './faults';

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
  /** Shown in pg_stat_activity (default `certmark`; the LISTEN connections add `-listen`). */
  applicationName?: string;
  /** How long a new connection, or a wait for a free one, may take (default 2 s). */
  connectTimeoutMs?: number;
  /** The session's statement_timeout; the client waits a second longer for an answer (default 5 s). */
  statementTimeoutMs?: number;
}

/** Backoff of the LISTEN connection's reconnection. */
export const LISTEN_RETRY_MS = { min: 100, max: 5_000 };

/**
 * Liveness of a LISTEN connection: it NOTIFYs itself every `everyMs`; a heartbeat sent more than `silentAfterMs`
 * ago and not heard back means notifications may be lost (a frozen network gives no error), so the connection is
 * dropped and made again. Art. 10.8: a revoked mark may be served from cache at most this long plus a tick.
 */
export const LISTEN_HEARTBEAT = { everyMs: 250, silentAfterMs: 1_000 };

/** A Kysely root that refuses its own connection inside one of its transactions (src/db/transaction.ts). */
function guarded(dialect: Dialect): Kysely<DB> {
  const owner = {};
  return registerGuarded(new Kysely<DB>({ dialect: guardedDialect(dialect, owner) }), owner) as Kysely<DB>;
}

/** 12 hex digits: short enough for application_name (63 bytes) with a prefix. */
const newInstanceId = () => randomBytes(6).toString('hex');

type PgClient = pg.Client & { connection?: { stream?: { destroy(): void } } };

/** Cuts a client's socket at once: `end()` would wait for a peer that may never answer. */
function destroyClient(c: pg.Client): void {
  (c as PgClient).connection?.stream?.destroy();
}

export function openPostgres(options: PostgresOptions): Database {
  const statementTimeoutMs = options.statementTimeoutMs ?? 5_000;
  const connectTimeoutMs = options.connectTimeoutMs ?? 2_000;
  const instanceId = newInstanceId();
  // `certmark/{instanceId}`: pg_stat_activity then says which instances are alive (src/repositories/sightings.ts)
  const applicationName = options.applicationName ?? 'certmark';
  const clientConfig = {
    connectionString: options.url,
    application_name: `${applicationName}/${instanceId}`,
    connectionTimeoutMillis: connectTimeoutMs,
    // keepAlive: a peer that vanishes without a word is noticed too
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  };
  const pool = new pg.Pool({
    ...clientConfig,
    statement_timeout: statementTimeoutMs,
    // a transaction left open by a stalled client must not hold its locks for long
    idle_in_transaction_session_timeout: statementTimeoutMs * 2,
    query_timeout: statementTimeoutMs + 1_000,
    max: options.max ?? 10,
    ...(options.oneUsePerConnection ? { maxUses: 1 } : {}),
  });
  pool.on('error', () => {}); // an idle client's error must not kill the process; the next query reports it
  // A checked-out client that loses its connection between queries emits 'error' too: without a listener that
  // ends the process. The query in flight (if any) reports the fault; release() then drops the client.
  pool.on('connect', (client) => client.on('error', () => {}));
  /** What Kysely sees of the pool: a client that hit a connection fault is cut and removed on release. */
  const kyselyPool = {
    async connect() {
      const client = await pool.connect();
      let broken = false;
      return {
        query: ((...args: Parameters<pg.PoolClient['query']>) => {
          const result = (client.query as (...a: unknown[]) => unknown)(...args);
          if (result instanceof Promise) {
            return result.catch((err: unknown) => {
              if (isConnectionFault(err)) {
                broken = true;
                destroyClient(client);
              }
              throw err;
            });
          }
          return result;
        }) as pg.PoolClient['query'],
        release: () => client.release(broken ? new Error('connection fault') : undefined),
      };
    },
    end: () => pool.end(),
  };
  const subscriptions = new Set<() => Promise<void>>();

  /**
   * One LISTEN that comes back after its connection drops (a restart, a failover, an idle timeout) or falls
   * silent (LISTEN_HEARTBEAT).
   */
  async function listen(channel: string, fn: (payload: string) => void, gap?: ListenGap): Promise<() => Promise<void>> {
    let client: pg.Client | null = null;
    let closed = false;
    let timer: NodeJS.Timeout | null = null;
    let delay = LISTEN_RETRY_MS.min;
    // this subscription's own heartbeat channel: nobody else hears its beats
    const heartbeatChannel = `certmark_hb_${randomBytes(8).toString('hex')}`;
    /**
     * performance.now() when the beat now on its way was sent (null: none is). A beat heard back proves that every
     * notification committed before it was heard too.
     */
    let pendingSince: number | null = null;
    let lastTick = performance.now();
    const open = async (): Promise<pg.Client> => {
      const c = new pg.Client({ ...clientConfig, application_name: `${applicationName}-listen/${instanceId}` });
      c.on('error', () => {}); // followed by 'end', handled there
      try {
        await c.connect();
        c.on('notification', (n) => {
          if (n.channel === channel) fn(n.payload ?? '');
          else if (n.channel === heartbeatChannel && client === c && pendingSince !== null && Number(n.payload) >= pendingSince) pendingSince = null;
        });
        await c.query(`listen ${pg.escapeIdentifier(channel)}; listen ${pg.escapeIdentifier(heartbeatChannel)}`);
      } catch (err) {
        destroyClient(c);
        throw err;
      }
      c.once('end', () => lost(c));
      pendingSince = null;
      return c;
    };
    const lost = (c: pg.Client) => {
      if (closed || client !== c) return;
      client = null;
      destroyClient(c);
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
            destroyClient(c);
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
    const heartbeat = setInterval(() => {
      const now = performance.now();
      // A late tick means this process was busy: an answer may be waiting unread, so judge at the next tick.
      const late = now - lastTick > LISTEN_HEARTBEAT.everyMs * 2;
      lastTick = now;
      const c = client;
      if (!c || closed || late) return;
      if (pendingSince !== null) {
        if (now - pendingSince > LISTEN_HEARTBEAT.silentAfterMs) lost(c); // silent: notifications may be lost
        return; // the beat is still on its way
      }
      pendingSince = now;
      c.query('select pg_notify($1, $2)', [heartbeatChannel, String(now)]).catch(() => {}); // a broken connection ends, handled by 'end'
    }, LISTEN_HEARTBEAT.everyMs);
    heartbeat.unref();
    client = await open().catch((err) => {
      clearInterval(heartbeat);
      throw err;
    });
    const unsubscribe = async () => {
      closed = true;
      subscriptions.delete(unsubscribe);
      clearInterval(heartbeat);
      if (timer) clearTimeout(timer);
      const c = client;
      client = null;
      if (c) await Promise.race([c.end().catch(() => {}), new Promise((r) => setTimeout(r, 1_000).unref())]).then(() => destroyClient(c));
    };
    subscriptions.add(unsubscribe);
    return unsubscribe;
  }

  return {
    kind: 'postgres',
    instanceId,
    schema: options.schema ?? null,
    db: guarded(new PostgresDialect({ pool: kyselyPool as unknown as pg.Pool })),
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
  const db = guarded(new PGliteDialect({ pglite }));
  return {
    kind: 'pglite',
    instanceId: newInstanceId(),
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

/**
 * Added to PGlite's own start parameters (read when opening: the Workers build stands a stub in for PGlite):
 * shared buffers of 16 MB instead of PostgreSQL's 128 MB: the embedded
 * database's memory (WebAssembly) never shrinks, and its buffers filled up to 128 MB of it for a registry whose
 * tables are a few MB (issue 17: at most 300 MB per process).
 */
export const EMBEDDED_SETTINGS = ['-c', 'shared_buffers=16MB'];

/** The embedded database in DATA_DIR, created on first use and guarded by a lock file. */
export async function openEmbedded(dataDir: string): Promise<Database> {
  const release = lockDataDir(dataDir);
  try {
    const pglite = await PGlite.create({
      dataDir: join(dataDir, 'pgdata'),
      startParams: [...PGlite.defaultStartParams, ...EMBEDDED_SETTINGS],
      ...PGLITE_TYPE_OPTIONS,
    });
    return wrapPGlite(pglite, release);
  } catch (e) {
    release();
    throw e;
  }
}

export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'db'>): Promise<Database> {
  if (!config.databaseUrl) return openEmbedded(config.dataDir);
  const { poolMax, connectTimeoutMs, statementTimeoutMs } = config.db;
  return openPostgres({ url: config.databaseUrl, max: poolMax, connectTimeoutMs, statementTimeoutMs });
}
