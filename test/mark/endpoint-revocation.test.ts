import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revoke, terminate } from '../../src/domain/lifecycle/closure';
import { noticePng, noticeSvg } from '../../src/mark/notice';
import { retireEmbedToken } from '../../src/tokens/issue';
import { testApp, type TestApp } from '../support/app';
import { bytesOf, certifiedWithToken, get, lifecycle, SITE } from '../tokens/support';

/** Art. 10.8, 17: "from that instant the official mark is no longer served anywhere", whatever any cache holds. */
describe('after a revocation the mark is never the official one, whatever is cached', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('warm every cache, revoke through the domain, request again: 410 notice bytes, never mark bytes', async () => {
    const s = await certifiedWithToken(t);
    const paths = [
      `/mark/${s.token}.svg`,
      `/mark/${s.token}.svg?variant=mono`,
      ...[32, 128, 1024].map((w) => `/mark/${s.token}.png?w=${w}`),
      `/mark/${s.token}.png?variant=mono&w=256`,
    ];
    const etags = new Map<string, string>();
    const markBytes = new Set<string>();
    for (const path of paths) {
      for (let i = 0; i < 3; i++) {
        const r = await get(t, path, { Origin: SITE });
        expect(r.status).toBe(200);
        etags.set(path, r.headers.get('etag')!);
        markBytes.add((await bytesOf(r)).toString('base64'));
      }
    }
    expect((await (await get(t, `/api/v1/badge/${s.token}`)).json()).showMark).toBe(true);
    expect((await get(t, `/badge/${s.token}.svg`)).status).toBe(200);
    expect((await get(t, `/badge/${s.token}.png`)).status).toBe(200);

    await revoke(lifecycle(t), s.id, { ground: 3, reason: '改変使用', notice: '書面', noticeSentBy: 'post' });

    for (const path of paths) {
      // With and without the ETag the client cached: never a 304 that would keep the mark alive.
      for (const headers of [{ Origin: SITE }, { Origin: SITE, 'If-None-Match': etags.get(path)! }] as Record<string, string>[]) {
        const r = await get(t, path, headers);
        expect(r.status, path).toBe(410);
        expect(r.headers.get('certification-status')).toBe('revoked');
        expect(r.headers.get('cache-control')).toBe('no-store');
        const bytes = await bytesOf(r);
        expect(markBytes.has(bytes.toString('base64'))).toBe(false);
        const expected = path.includes('.png') ? await noticePng('revoked', Number(/w=(\d+)/.exec(path)?.[1] ?? 480)) : Buffer.from(noticeSvg('revoked'));
        expect(bytes.equals(expected), path).toBe(true);
      }
    }
    const badge = await (await get(t, `/api/v1/badge/${s.token}`)).json();
    expect(badge).toMatchObject({ status: 'revoked', showMark: false, markUrl: null });
    const image = await get(t, `/badge/${s.token}.svg`);
    expect(image.status).toBe(410);
    expect((await bytesOf(image)).toString()).not.toContain(t.deps.mark.svg('colour').toString().split('\n')[3]!.trim());
  });

  it('any lifecycle event drops the cached state: a termination is seen on the next request', async () => {
    const s = await certifiedWithToken(t);
    expect((await get(t, `/mark/${s.token}.svg`)).status).toBe(200);
    await terminate(lifecycle(t), s.id, { certificateReturned: false });
    expect((await get(t, `/mark/${s.token}.svg`)).status).toBe(410);
  });

  it('a retired token answers 404 on the next request, though it was verified and cached', async () => {
    const s = await certifiedWithToken(t);
    expect((await get(t, `/mark/${s.token}.svg`)).status).toBe(200);
    await retireEmbedToken({ db: t.deps.database.db, clock: t.clock, keys: t.deps.keys }, s.jti);
    const r = await get(t, `/mark/${s.token}.svg`);
    expect(r.status).toBe(404);
    expect(r.headers.get('certification-status')).toBe('unknown');
  });
});
