import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import { join } from 'node:path';
import type { Database } from './database';
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
}

export function openPostgres(options: PostgresOptions): Database {
  const clientConfig = {
    connectionString: options.url,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  };
  const pool = new pg.Pool({ ...clientConfig, max: options.max ?? 10, ...(options.oneUsePerConnection ? { maxUses: 1 } : {}) });
  pool.on('error', () => {}); // an idle client's error must not kill the process; the next query reports it
  const listeners: pg.Client[] = [];
  return {
    kind: 'postgres',
    schema: options.schema ?? null,
    db: new Kysely<DB>({ dialect: new PostgresDialect({ pool }) }),
    async listen(channel, fn) {
      const client = new pg.Client(clientConfig);
      client.on('error', () => {});
      await client.connect();
      client.on('notification', (n) => {
        if (n.channel === channel) fn(n.payload ?? '');
      });
      await client.query(`listen ${pg.escapeIdentifier(channel)}`);
      listeners.push(client);
      return async () => {
        listeners.splice(listeners.indexOf(client), 1);
        await client.end().catch(() => {});
      };
    },
    async close() {
      await Promise.all(listeners.map((c) => c.end().catch(() => {})));
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
