import { sql, type Kysely, type PGliteDialect, type PostgresDialect, type Transaction } from 'kysely';
import { Migrator, type MigrationProvider } from 'kysely/migration';
import { migrations } from '../../migrations/index';
import type { DB } from './schema';

export type Db = Kysely<DB>;
export type Tx = Transaction<DB>;

/** Channel on which every committed lifecycle change is announced (payload: the service id). */
export const CHANGES_CHANNEL = 'certmark_changes';

export interface ListenGap {
  down(): void;
  up(): void;
}

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /**
   * This process's id for as long as it has the database open: it names the Idempotency-Key claims the process
   * holds, and on PostgreSQL its connections' application_name ends in `/{instanceId}`, so that any process can
   * tell which owners are still connected (pg_stat_activity).
   */
  instanceId: string;
  /** The PostgreSQL schema the connection works in (search_path), when not the default. */
  schema: string | null;
  /**
   * Calls fn with the payload of every NOTIFY on the channel (from this or any other process). On PostgreSQL
   * the listening connection may drop: `gap.down` is called at once (notifications may be lost from then on),
   * the connection is made again with backoff, and `gap.up` is called once it listens again.
   */
  listen(channel: string, fn: (payload: string) => void, gap?: ListenGap): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

const provider: MigrationProvider = { getMigrations: async () => migrations };

export function migrator(db: Kysely<any>, schema: string | null = null): Migrator {
  // Name the schema: otherwise Kysely finds its tables in any schema and skips creating its own.
  return new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
}

export async function migrateToLatest(db: Kysely<any>, schema: string | null = null): Promise<string[]> {
  // Up to date: nothing to do, and no run of Kysely's migrator, whose first step reads the table list of every
  // schema in the database (slow where a database holds many schemas, and then past a short statement timeout).
  if (await upToDate(db, schema)) return [];
  const { error, results } = await migrator(db, schema).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** True when every migration of the index is recorded in the migration table (found through the search path). */
async function upToDate(db: Kysely<any>, schema: string | null): Promise<boolean> {
  const table = schema ? `"${schema.replace(/"/g, '""')}".kysely_migration` : 'kysely_migration';
  const found = await sql<{ t: string | null }>`select to_regclass(${table})::text as t`.execute(db);
  if (!found.rows[0]?.t) return false;
  const applied = await sql<{ name: string }>`select name from ${schema ? sql.id(schema, 'kysely_migration') : sql.id('kysely_migration')}`.execute(db);
  const names = new Set(applied.rows.map((r) => r.name));
  return Object.keys(migrations).every((m) => names.has(m));
}

export { inTransaction, notifyOnCommit, onCommit, onLocalCommit } from './transaction';

export type { PGliteDialect, PostgresDialect };
