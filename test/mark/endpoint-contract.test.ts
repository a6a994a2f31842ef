import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revoke } from '../../src/domain/lifecycle/closure';
import { noticeSvg } from '../../src/mark/notice';
import { MARK_WIDTHS } from '../../src/mark/render';
import { testApp, type TestApp } from '../support/app';
import { bytesOf, certifiedWithToken, get, lifecycle, OTHER_SITE, SITE } from '../tokens/support';
import sharp from 'sharp';

/** CONTRACT.md, "The mark endpoint's answers": one test per row, and the headers every answer carries. */
describe('GET /mark/{token}.svg|.png (CONTRACT.md mark table)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('row 1: valid token, mark served now, allowed origin: 200 with the official mark, ETag, cached at most 60 s', async () => {
    const s = await certifiedWithToken(t);
    const r = await get(t, `/mark/${s.token}.svg`, { Origin: SITE });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(await bytesOf(r)).toEqual(t.deps.mark.svg('colour'));
    expect(r.headers.get('etag')).toMatch(/^"[\w-]+"$/);
    expect(r.headers.get('cache-control')).toBe('public, max-age=60');
    expect(r.headers.get('certification-status')).toBe('certified');
  });

  it('row 1, no origin sent: 200', async () => {
    const s = await certifiedWithToken(t);
    expect((await get(t, `/mark/${s.token}.svg`)).status).toBe(200);
  });

  it('row 2: revoked service: 410 with a notice image that says why, in Japanese and English', async () => {
    const s = await certifiedWithToken(t);
    await revoke(lifecycle(t), s.id, { ground: 3, reason: 'misuse', notice: 'written', noticeSentBy: 'post' });
    const r = await get(t, `/mark/${s.token}.svg`, { Origin: SITE });
    expect(r.status).toBe(410);
    const body = (await bytesOf(r)).toString();
    expect(body).toBe(noticeSvg('revoked'));
    expect(body).toContain('取り消されています');
    expect(body).toContain('revoked');
    expect(r.headers.get('certification-status')).toBe('revoked');
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.headers.get('etag')).toBeNull();
  });

  it('row 3: another site: 403 with a "not registered for this site" notice', async () => {
    const s = await certifiedWithToken(t);
    const r = await get(t, `/mark/${s.token}.svg`, { Origin: OTHER_SITE });
    expect(r.status).toBe(403);
    expect((await bytesOf(r)).toString()).toBe(noticeSvg('not_registered'));
    expect(r.headers.get('certification-status')).toBe('certified');
    expect(r.headers.get('cache-control')).toBe('no-store');
  });

  it('row 4: malformed token: 404 with a notice image, Certification-Status unknown', async () => {
    const r = await get(t, '/mark/not-a-token.svg');
    expect(r.status).toBe(404);
    expect((await bytesOf(r)).toString()).toBe(noticeSvg('unknown'));
    expect(r.headers.get('certification-status')).toBe('unknown');
  });

  it('row 4, as PNG: 404 with a PNG notice', async () => {
    const r = await get(t, '/mark/not-a-token.png');
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toBe('image/png');
    expect((await sharp(await bytesOf(r)).metadata()).format).toBe('png');
  });

  it('every answer carries Vary: Origin, Referer and CORP cross-origin, so vendor pages can show it', async () => {
    const s = await certifiedWithToken(t);
    for (const [path, headers] of [
      [`/mark/${s.token}.svg`, {}],
      [`/mark/${s.token}.svg`, { Origin: OTHER_SITE }],
      ['/mark/x.png', {}],
    ] as const) {
      const r = await get(t, path, headers);
      expect(r.headers.get('vary')).toBe('Origin, Referer');
      expect(r.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      expect(r.headers.get('certification-status')).toBeTruthy();
    }
  });

  it('answers 304 to If-None-Match with the current ETag, keeping the status header', async () => {
    const s = await certifiedWithToken(t);
    const first = await get(t, `/mark/${s.token}.svg`);
    const etag = first.headers.get('etag')!;
    const again = await get(t, `/mark/${s.token}.svg`, { 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(again.headers.get('certification-status')).toBe('certified');
    expect(again.headers.get('etag')).toBe(etag);
    expect((await get(t, `/mark/${s.token}.svg`, { 'If-None-Match': '"other"' })).status).toBe(200);
  });

  it('?variant=mono serves the monochrome master, with its own ETag', async () => {
    const s = await certifiedWithToken(t);
    const colour = await get(t, `/mark/${s.token}.svg`);
    const mono = await get(t, `/mark/${s.token}.svg?variant=mono`);
    expect(mono.status).toBe(200);
    expect(await bytesOf(mono)).toEqual(t.deps.mark.svg('mono'));
    expect(mono.headers.get('etag')).not.toBe(colour.headers.get('etag'));
  });

  it('PNG: ?w=N is snapped to the bounded set of widths', async () => {
    const s = await certifiedWithToken(t);
    for (const [asked, served] of [
      [100, 96],
      [128, 128],
      [4000, 1024],
      [1, 32],
    ] as const) {
      const r = await get(t, `/mark/${s.token}.png?w=${asked}`);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('image/png');
      expect((await sharp(await bytesOf(r)).metadata()).width).toBe(served);
      expect(MARK_WIDTHS).toContain(served);
    }
    expect((await sharp(await bytesOf(await get(t, `/mark/${s.token}.png`))).metadata()).width).toBe(128);
  });

  it('answers 400 (problem+json, never 500) to an invalid query', async () => {
    const s = await certifiedWithToken(t);
    for (const q of ['w=abc', 'w=-5', 'w=1.5', 'w=99999', 'variant=red', 'lang=fr']) {
      const r = await get(t, `/mark/${s.token}.png?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.headers.get('content-type')).toMatch(/problem\+json/);
    }
  });

  it('serves the notice in English first with ?lang=en', async () => {
    const r = await get(t, '/mark/x.svg?lang=en');
    expect((await bytesOf(r)).toString()).toBe(noticeSvg('unknown', 'en'));
  });
});
