import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect } from 'kysely';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { migrateToLatest } from '../../src/db/database';

/** Drops the per-file schemas (t_…) of test runs on PostgreSQL. */
async function dropTestSchemas(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const { rows } = await c.query<{ nspname: string }>(`select nspname from pg_namespace where nspname ~ '^t_[0-9a-f]{12}$'`);
  for (const r of rows) await c.query(`drop schema if exists ${pg.escapeIdentifier(r.nspname)} cascade`);
  await c.end();
}

/**
 * A fresh PGlite costs seconds (initdb): build one migrated template per run, dump it, and let every test
 * file load the dump. With TEST_DATABASE_URL set, tests use PostgreSQL instead (a schema per test file).
 */
export default async function setup(project: TestProject) {
  const dir = await mkdtemp(join(tmpdir(), 'certmark-test-'));
  const file = join(dir, 'template.tar');
  const url = process.env.TEST_DATABASE_URL;
  if (url) await dropTestSchemas(url);
  if (!url) {
    const pglite = await PGlite.create();
    const db = new Kysely<any>({ dialect: new PGliteDialect({ pglite }) });
    await migrateToLatest(db);
    const dump = await pglite.dumpDataDir('none');
    await writeFile(file, Buffer.from(await dump.arrayBuffer()));
    await pglite.close();
  }
  project.provide('pgliteTemplate', file);
  // the server the process tests start (bench/lib.ts startCertmark) is the bundle `npm start` runs: built once here,
  // not by each test file at once
  execFileSync('npm', ['run', '--silent', 'build:server'], { stdio: 'inherit' });
  process.env.CERTMARK_SERVER_BUILT = '1';
  return async () => {
    if (url) await dropTestSchemas(url);
    await rm(dir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
  }
}
