import { PGlite } from '@electric-sql/pglite';
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { migrateToLatest, type Database } from '../../src/db/database';
import { openPostgres, PGLITE_TYPE_OPTIONS, wrapPGlite } from '../../src/db/open';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? null;
export const onPostgres = TEST_DATABASE_URL !== null;

let template: Uint8Array | null = null;

/**
 * A database of the test's own, migrated: a copy of the PGlite template, or a new schema in PostgreSQL.
 * Close it in afterAll/afterEach.
 */
export async function testDatabase(options: { ownDatabase?: boolean } = {}): Promise<Database> {
  if (TEST_DATABASE_URL && options.ownDatabase) return ownPostgresDatabase(TEST_DATABASE_URL);
  if (TEST_DATABASE_URL) {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const database = openPostgres({ url: TEST_DATABASE_URL, schema, max: 5 });
    await migrateToLatest(database.db, schema);
    // The schema stays until the run ends (global-setup drops them all): dropping one while other files
    // migrate makes catalogue scans in those files fail now and then.
    return database;
  }
  template ??= new Uint8Array(await readFile(inject('pgliteTemplate')));
  const pglite = await PGlite.create({ loadDataDir: new Blob([template as Uint8Array<ArrayBuffer>]), ...PGLITE_TYPE_OPTIONS });
  return wrapPGlite(pglite);
}

/**
 * A PostgreSQL database of its own, for tests that drop tables (migrations down): Kysely's migrator scans the
 * tables of every schema, so dropping them beside other files' schemas makes those scans fail now and then.
 */
async function ownPostgresDatabase(url: string): Promise<Database> {
  const name = `certmark_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  const database = openPostgres({ url: u.toString(), max: 3 });
  await migrateToLatest(database.db);
  const close = database.close;
  return {
    ...database,
    async close() {
      await close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop database if exists ${name}`);
      await c.end();
    },
  };
}
