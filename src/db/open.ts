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
}

export function openPostgres(options: PostgresOptions): Database {
  const clientConfig = {
    connectionString: options.url,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  };
  const pool = new pg.Pool({ ...clientConfig, max: options.max ?? 10 });
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
    const pglite = await PGlite.create({ dataDir: join(dataDir, 'pgdata') });
    return wrapPGlite(pglite, release);
  } catch (e) {
    release();
    throw e;
  }
}

export async function openDatabase(config: { databaseUrl: string | null; dataDir: string }): Promise<Database> {
  return config.databaseUrl ? openPostgres({ url: config.databaseUrl }) : openEmbedded(config.dataDir);
}
