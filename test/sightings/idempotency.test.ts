import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../support/app';
import { claimIdempotencyKeys } from '../../src/repositories/sightings';
import { requestHash, sightingInput } from '../../src/sightings/input';
import { certifiedService, countRows, crawlerKey, markPng, postSighting, sightingForm, verifyUrl } from './support';

let t: TestApp;
let crawler: { id: string; key: string };
beforeAll(async () => {
  t = await testApp();
  crawler = await crawlerKey(t);
});
afterAll(async () => t.close());

const delta = async (before: Awaited<ReturnType<typeof countRows>>) => {
  const after = await countRows(t);
  return { images: after.images - before.images, sightings: after.sightings - before.sightings, cases: after.cases - before.cases };
};

describe('Idempotency-Key (IETF draft) on POST /api/v1/sightings', () => {
  it('answers the same key and body with the same answer and stores nothing new', async () => {
    const s = await certifiedService(t);
    const fields = { image: await markPng('colour', 32), linkHref: verifyUrl(s.number), pageUrl: 'https://other.example/1' };
    const before = await countRows(t);
    const first = await postSighting(t, crawler.key, fields, 'key-1');
    const again = await postSighting(t, crawler.key, fields, 'key-1');
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(await first.json());
    expect(await delta(before)).toEqual({ images: 1, sightings: 1, cases: 1 });
    const c = await t.database.db
      .selectFrom('misuse_cases')
      .select('sightings_count')
      .where('page_url', '=', 'https://other.example/1')
      .executeTakeFirstOrThrow();
    expect(c.sightings_count).toBe(1);
  });

  it('answers 422 to the same key with another body', async () => {
    const s = await certifiedService(t);
    await postSighting(t, crawler.key, { image: await markPng(), linkHref: verifyUrl(s.number), pageUrl: s.page }, 'key-2');
    const before = await countRows(t);
    const other = await postSighting(t, crawler.key, { image: await markPng(), linkHref: verifyUrl(s.number), pageUrl: `${s.origin}/other` }, 'key-2');
    expect(other.status).toBe(422);
    expect(await other.json()).toMatchObject({ code: 'idempotency_mismatch' });
    expect(await delta(before)).toEqual({ images: 0, sightings: 0, cases: 0 });
  });

  it('answers 409 while the first request with the key is still in flight', async () => {
    const fields = { image: await markPng() };
    // the first request has claimed the key and not yet answered
    const input = await sightingInput(
      { pageUrl: 'https://vendor.example/', seenAt: '2026-04-01T03:00:00Z', image: sightingForm(fields).get('image') as File },
      t.clock.now(),
      5_000_000,
    );
    expect(
      (
        await claimIdempotencyKeys(t.database.db, t.database.instanceId, [
          { crawlerKeyId: crawler.id, key: 'key-3', requestHash: requestHash(input), at: t.clock.now() },
        ])
      ).size,
    ).toBe(1);
    const before = await countRows(t);
    const res = await postSighting(t, crawler.key, fields, 'key-3');
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: 'idempotency_conflict' });
    expect(await delta(before)).toEqual({ images: 0, sightings: 0, cases: 0 });
  });

  it('stores exactly one sighting when two requests with the same key arrive at once', async () => {
    const s = await certifiedService(t);
    const fields = { image: await markPng('mono', 48), linkHref: verifyUrl(s.number), pageUrl: 'https://other.example/4' };
    const before = await countRows(t);
    const answers = await Promise.all([postSighting(t, crawler.key, fields, 'key-4'), postSighting(t, crawler.key, fields, 'key-4')]);
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses[0]).toBe(201);
    expect([201, 409]).toContain(statuses[1]);
    expect(await delta(before)).toEqual({ images: 1, sightings: 1, cases: 1 });
  });

  it('hashes the body canonically: the same fields in another order are the same request', async () => {
    const image = await markPng();
    const a = new FormData();
    a.set('pageUrl', 'https://vendor.example/');
    a.set('seenAt', '2026-04-01T12:00:00+09:00');
    a.set('image', new File([new Uint8Array(image)], 'a.png'));
    const b = new FormData();
    b.set('image', new File([new Uint8Array(image)], 'b.bin', { type: 'application/octet-stream' }));
    b.set('seenAt', '2026-04-01T03:00:00Z');
    b.set('pageUrl', 'https://vendor.example/#top');
    const before = await countRows(t);
    const send = (body: FormData) =>
      t.app.request('/api/v1/sightings', { method: 'POST', headers: { Authorization: `Bearer ${crawler.key}`, 'Idempotency-Key': 'key-5' }, body });
    expect((await send(a)).status).toBe(201);
    const second = await send(b);
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect((await delta(before)).sightings).toBe(1);
  });

  it('frees the key of a refused request so a corrected one can use it', async () => {
    const bad = await postSighting(t, crawler.key, { image: Buffer.from('not an image at all') }, 'key-6');
    expect(bad.status).toBe(415);
    const good = await postSighting(t, crawler.key, { image: await markPng() }, 'key-6');
    expect(good.status).toBe(201);
  });

  it('requires an Idempotency-Key', async () => {
    const before = await countRows(t);
    const res = await t.app.request('/api/v1/sightings', {
      method: 'POST',
      headers: { Authorization: `Bearer ${crawler.key}` },
      body: sightingForm({ image: await markPng() }),
    });
    expect(res.status).toBe(400);
    expect(await delta(before)).toEqual({ images: 0, sightings: 0, cases: 0 });
  });
});
