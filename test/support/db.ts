import { PGlite } from '@electric-sql/pglite';
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { migrateToLatest, type Database } from '../../src/db/database';
import { openPostgres, wrapPGlite } from '../../src/db/open';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? null;
export const onPostgres = TEST_DATABASE_URL !== null;

let template: Uint8Array | null = null;

/**
 * A database of the test's own, migrated: a copy of the PGlite template, or a new schema in PostgreSQL.
 * Close it in afterAll/afterEach.
 */
export async function testDatabase(): Promise<Database> {
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
  const pglite = await PGlite.create({ loadDataDir: new Blob([template as Uint8Array<ArrayBuffer>]) });
  return wrapPGlite(pglite);
}
