import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database';
import { findImage } from '../../src/repositories/sightings';
import { testDatabase } from '../support/db';

/** Stored images go in as bytes and come back as the same bytes (PGlite: src/db/open.ts PGLITE_TYPE_OPTIONS). */
describe('bytea columns', () => {
  let database: Database;
  beforeAll(async () => {
    database = await testDatabase();
  });
  afterAll(async () => database.close());

  const store = async (sha256: string, bytes: Buffer) =>
    database.db
      .insertInto('images')
      .values({ sha256, type: 'png', width: 1, height: 1, bytes, created_at: new Date('2026-04-01T00:00:00Z') })
      .execute();

  it('round-trips every byte value, and a megabyte, unchanged', async () => {
    const every = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
    const big = randomBytes(1024 * 1024);
    await store('every', every);
    await store('big', big);
    expect(Buffer.compare((await findImage(database.db, 'every'))!.bytes, every)).toBe(0);
    expect(Buffer.compare((await findImage(database.db, 'big'))!.bytes, big)).toBe(0);
  });

  it('stores a view into a larger buffer as the view only', async () => {
    const backing = randomBytes(4096);
    const view = backing.subarray(1000, 1100);
    await store('view', view);
    const back = (await findImage(database.db, 'view'))!.bytes;
    expect(back.length).toBe(100);
    expect(Buffer.compare(back, view)).toBe(0);
  });

  it('stores an empty image as empty bytes, not null', async () => {
    await store('empty', Buffer.alloc(0));
    expect((await findImage(database.db, 'empty'))!.bytes.length).toBe(0);
  });
});
