import { readdir } from 'node:fs/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../migrations/index';
import { migrator, type Database } from '../../src/db/database';
import { testDatabase } from '../support/db';

describe('migrations', () => {
  let database: Database;
  beforeAll(async () => {
    database = await testDatabase({ ownDatabase: true });
  });
  afterAll(async () => database.close());

  it('lists every file of the migrations folder in the static index', async () => {
    const files = (await readdir(new URL('../../migrations/', import.meta.url)))
      .filter((f) => /^\d{8}_\d{4}_.+\.ts$/.test(f))
      .map((f) => f.replace(/\.ts$/, ''));
    expect(Object.keys(migrations).sort()).toEqual(files.sort());
  });

  it('runs up, then down to nothing, then up again', async () => {
    const m = migrator(database.db, database.schema);
    const tables = async () =>
      (await database.db.introspection.getTables())
        .filter((t) => !database.schema || t.schema === database.schema)
        .map((t) => t.name)
        .filter((n) => !n.startsWith('kysely_'));
    expect(await tables()).toContain('events');
    for (let i = 0; i < Object.keys(migrations).length; i++) {
      const r = await m.migrateDown();
      expect(r.error).toBeUndefined();
    }
    expect(await tables()).toEqual([]);
    const up = await m.migrateToLatest();
    expect(up.error).toBeUndefined();
    expect(await tables()).toContain('events');
    await sql`select 1 from event_chain_head`.execute(database.db);
  });
});
