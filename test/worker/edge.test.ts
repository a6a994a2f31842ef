import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unstable_dev } from 'wrangler';
import { revoke } from '../../src/domain/lifecycle/closure';
import { prebuildWorkerAssets } from '../../src/worker/prebuild';
import { BASE, testApp, type TestApp } from '../support/app';
import { onPostgres, TEST_DATABASE_URL } from '../support/db';
import { bytesOf, certifiedWithToken, get, lifecycle, OTHER_SITE, SITE } from '../tokens/support';

type Worker = Awaited<ReturnType<typeof unstable_dev>>;

/**
 * The Workers build (src/worker.ts, wrangler.toml) run by wrangler in workerd against the same PostgreSQL schema
 * as the Node app: it answers the public read path as the Node server does, and a revocation made through the
 * Node side stops the mark on the edge at the very next request (Art. 10.8). PostgreSQL only: the edge has no
 * embedded database.
 */
describe.skipIf(!onPostgres)('the Workers build of the public read path (workerd on PostgreSQL)', () => {
  let t: TestApp;
  let worker: Worker;
  let svc: Awaited<ReturnType<typeof certifiedWithToken>>;
  // The edge's clock is the system clock: certify "today" so the service is valid whenever this runs.
  const fromSite = { Referer: `${SITE}/products/` };
  // wrangler's fetch answers undici's Response type; the same shape as the global one
  const edge = async (path: string, headers: Record<string, string> = {}) => (await worker.fetch(path, { headers })) as unknown as Response;

  beforeAll(async () => {
    process.env.WRANGLER_SEND_METRICS = 'false'; // no telemetry from tests
    t = await testApp({ now: new Date().toISOString() });
    svc = await certifiedWithToken(t);
    await prebuildWorkerAssets();
    const url = `${TEST_DATABASE_URL}${TEST_DATABASE_URL!.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${t.database.schema}`)}`;
    worker = await unstable_dev('src/worker.ts', {
      config: 'wrangler.toml',
      vars: { DATABASE_URL: url, PUBLIC_BASE_URL: BASE, LOG_LEVEL: 'silent' },
      ip: '127.0.0.1',
      logLevel: 'error',
      experimental: { disableExperimentalWarning: true },
    });
  }, 120_000);
  afterAll(async () => {
    await worker?.stop();
    await t?.close();
  });

  it('lists the registry and shows the verification page', async () => {
    const list = (await (await edge('/api/v1/services')).json()) as { items: { number: string; status: string }[] };
    expect(list.items.find((i) => i.number === svc.number)?.status).toBe('certified');
    const page = await edge(`/verify/${svc.number}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(svc.number);
  });

  it('serves the official mark byte for byte as the Node server does, SVG and PNG', async () => {
    for (const path of [`/mark/${svc.token}.svg`, `/mark/${svc.token}.png?w=256`, `/mark/${svc.token}.png?variant=mono&w=100`]) {
      const a = await edge(path, fromSite);
      const b = await get(t, path, fromSite);
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(a.headers.get('certification-status')).toBe('certified');
      expect(a.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      expect(a.headers.get('etag')).toBe(b.headers.get('etag'));
      expect(Buffer.compare(await bytesOf(a), await bytesOf(b))).toBe(0);
    }
  });

  it('answers the badge JSON, JWKS, QR and badge script as the Node server does', async () => {
    const a = (await (await edge(`/api/v1/badge/${svc.token}`, fromSite)).json()) as Record<string, unknown>;
    const b = (await (await get(t, `/api/v1/badge/${svc.token}`, fromSite)).json()) as Record<string, unknown>;
    expect({ ...a, checkedAt: null }).toEqual({ ...b, checkedAt: null });
    for (const path of ['/.well-known/jwks.json', `/qr/${svc.number}.svg`, `/qr/${svc.number}.png`, '/widget.js', '/assets/site.css']) {
      const x = await edge(path);
      expect(x.status, path).toBe(200);
      expect(Buffer.compare(await bytesOf(x), await bytesOf(await get(t, path))), path).toBe(0);
    }
  });

  it('refuses another site with a notice image, and a forged token with 404 (PNG notices made at build time)', async () => {
    const other = await edge(`/mark/${svc.token}.png`, { Referer: `${OTHER_SITE}/` });
    expect(other.status).toBe(403);
    expect(other.headers.get('content-type')).toBe('image/png');
    expect(Buffer.compare(await bytesOf(other), await bytesOf(await get(t, `/mark/${svc.token}.png`, { Referer: `${OTHER_SITE}/` })))).toBe(0);
    const forged = await edge(`/mark/${svc.token.slice(0, -4)}AAAA.svg`);
    expect(forged.status).toBe(404);
  });

  it('has no staff API, sightings or docs, and answers what it cannot render with 503 problem+json, never 500', async () => {
    for (const path of ['/api/v1/admin/services', '/api/v1/sightings', '/docs']) {
      const r = await edge(path);
      expect(r.status, path).toBe(404);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
    }
    const badgePng = await edge(`/badge/${svc.token}.png`, fromSite);
    expect(badgePng.status).toBe(503);
    expect(badgePng.headers.get('content-type')).toContain('application/problem+json');
  });

  it('stops the mark at the next request after a revocation made on the Node side (Art. 10.8)', async () => {
    expect((await edge(`/mark/${svc.token}.svg`, fromSite)).status).toBe(200);
    await revoke(lifecycle(t), svc.id, { ground: 1, reason: 'edge test', notice: '取消通知', noticeSentBy: 'post' });
    const after = await edge(`/mark/${svc.token}.svg`, fromSite);
    expect(after.status).toBe(410);
    expect(after.headers.get('certification-status')).toBe('revoked');
    const badge = (await (await edge(`/api/v1/badge/${svc.token}`, fromSite)).json()) as { showMark: boolean; status: string };
    expect(badge).toMatchObject({ showMark: false, status: 'revoked' });
  });

  it('answers 503 problem+json, never 500, while it cannot reach its database', async () => {
    const unreachable = await unstable_dev('src/worker.ts', {
      config: 'wrangler.toml',
      vars: { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none', PUBLIC_BASE_URL: BASE, LOG_LEVEL: 'silent' },
      ip: '127.0.0.1',
      logLevel: 'none',
      experimental: { disableExperimentalWarning: true },
    });
    try {
      const r = (await unreachable.fetch(`/mark/${svc.token}.svg`)) as unknown as Response;
      expect(r.status).toBe(503);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.headers.get('retry-after')).toBe('5');
      expect(((await r.json()) as { code: string }).code).toBe('unavailable');
    } finally {
      await unreachable.stop();
    }
  });
});
