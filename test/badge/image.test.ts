import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revoke } from '../../src/domain/lifecycle/closure';
import { testApp, type TestApp } from '../support/app';
import { bytesOf, certifiedWithToken, get, lifecycle, OTHER_SITE, SITE } from '../tokens/support';

/** A path of the colour master that only the mark draws: its presence means the mark is in the image. */
const MARK_PATH = 'M 207.40 96.95 A 94 94 0 1 1 147.05 36.60';

/** The self-dating badge image `GET /badge/{token}.svg|.png` for places without script (Art. 10.3, 10.4). */
describe('GET /badge/{token}.svg|.png (self-dating badge image)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp({ now: '2026-04-01T03:04:30Z' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('draws the mark whole beside the service name, the scheme, its number, "valid through" and the checked minute in JST, in the pages\' date style', async () => {
    const s = await certifiedWithToken(t, { nameJa: '診療クラウド', nameEn: 'Clinic Cloud' });
    const r = await get(t, `/badge/${s.token}.svg`, { Origin: SITE });
    expect(r.status).toBe(200);
    const svg = (await bytesOf(r)).toString();
    expect(svg).toContain(MARK_PATH);
    expect(svg).toContain('診療クラウド');
    expect(svg).toContain('医療情報ASP・SaaS 情報開示認定');
    expect(svg).toContain(`認定番号 ${s.number}`);
    expect(svg).toContain('有効期限 2028年4月1日');
    expect(svg).toContain('確認 2026年4月1日 12:04（日本時間）');
    expect(svg).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    const en = (await bytesOf(await get(t, `/badge/${s.token}.svg?lang=en`, { Origin: SITE }))).toString();
    expect(en).toContain('Clinic Cloud');
    expect(en).toContain('Medical ASP/SaaS disclosure certification');
    expect(en).toContain('Valid through 1 April 2028');
    expect(en).toContain('Checked 1 April 2026, 12:04 JST');
    expect(en).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(r.headers.get('cache-control')).toBe('public, max-age=60');
    expect(r.headers.get('certification-status')).toBe('certified');
    expect(r.headers.get('vary')).toBe('Origin, Referer');
    expect(r.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
  });

  it('ages visibly: a minute later the checked time and the ETag change', async () => {
    const s = await certifiedWithToken(t);
    const first = await get(t, `/badge/${s.token}.svg`);
    t.clock.advance(60_000);
    const later = await get(t, `/badge/${s.token}.svg`);
    expect(later.headers.get('etag')).not.toBe(first.headers.get('etag'));
    expect((await bytesOf(later)).toString()).not.toBe((await bytesOf(first)).toString());
    expect((await get(t, `/badge/${s.token}.svg`, { 'If-None-Match': later.headers.get('etag')! })).status).toBe(304);
  });

  it('as PNG: a real PNG of the badge', async () => {
    const s = await certifiedWithToken(t);
    const r = await get(t, `/badge/${s.token}.png`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('image/png');
    const meta = await sharp(await bytesOf(r)).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBeGreaterThan(meta.height!);
  });

  it('never draws the mark when it must not be shown: 410 with the reason, 403 on another site, 404 for a bad token', async () => {
    const s = await certifiedWithToken(t);
    const other = await get(t, `/badge/${s.token}.svg`, { Origin: OTHER_SITE });
    expect(other.status).toBe(403);
    expect((await bytesOf(other)).toString()).not.toContain(MARK_PATH);
    await revoke(lifecycle(t), s.id, { ground: 1, reason: 'x', notice: 'y', noticeSentBy: 'post' });
    const revoked = await get(t, `/badge/${s.token}.svg`);
    expect(revoked.status).toBe(410);
    const svg = (await bytesOf(revoked)).toString();
    expect(svg).not.toContain(MARK_PATH);
    expect(svg).toContain('取り消されています');
    expect(svg).toContain(s.number);
    expect(revoked.headers.get('cache-control')).toBe('no-store');
    const bad = await get(t, '/badge/x.y.z.png');
    expect(bad.status).toBe(404);
    expect(bad.headers.get('content-type')).toBe('image/png');
  });

  it('the monochrome variant draws the monochrome master', async () => {
    const s = await certifiedWithToken(t);
    const svg = (await bytesOf(await get(t, `/badge/${s.token}.svg?variant=mono`))).toString();
    expect(svg).not.toContain('#d7263d');
  });

  it('names with markup are text, not markup', async () => {
    const s = await certifiedWithToken(t, { nameJa: '<script>alert(1)</script>', nameEn: '"><img onerror=x>' });
    const svg = (await bytesOf(await get(t, `/badge/${s.token}.svg`))).toString();
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<img');
    expect(svg).toContain('&lt;script&gt;');
  });
});
