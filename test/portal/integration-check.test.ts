import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../../src/crawler/browser';
import { LOCKDOWN_ARGS, runIntegrationCheck, type IntegrationCheckDeps } from '../../src/portal/integration-check';
import { embedSnippet } from '../../src/routes/widget';
import { issueEmbedToken } from '../../src/tokens/issue';
import type { ServiceRow } from '../../src/db/schema';
import { certifiedService } from '../admin/fixtures';
import { servedApp, type Served } from '../support/browser';
import { Client, portalSignIn, vendorPerson } from './support';

/**
 * The integration checker (issue 15, "Embedding"): certmark opens a vendor's page in headless Chromium under the
 * site checks' SSRF rules and reports whether the badge is there, renders, links to the verification page and
 * is not altered, and whether the page's CSP lets the script and the mark load. The vendor's pages are fixtures
 * on 127.0.0.1 embedding the real widget from the app served on localhost; the resolver is stood in for.
 */
let s: Served;
let site: http.Server;
let origin: string;
let service: ServiceRow;
let snippet: string;
const pages = new Map<string, { body: string; headers?: Record<string, string>; status?: number }>();
const hits: string[] = [];
let elsewhere: http.Server;
let other: string;
const elsewhereHits: string[] = [];

const html = (body: string, head = '') =>
  `<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>クリニック</title>${head}</head><body><h1>クリニック</h1>${body}</body></html>`;

beforeAll(async () => {
  site = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    const p = pages.get(req.url ?? '');
    if (!p) return res.writeHead(404).end();
    res.writeHead(p.status ?? 200, { 'content-type': 'text/html; charset=utf-8', ...p.headers }).end(p.body);
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  site.on('upgrade', (req, socket) => {
    hits.push(`upgrade ${req.url}`);
    socket.destroy();
  });
  origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  // a server on this machine the allow-list does not name: the page must not reach it
  elsewhere = http.createServer((req, res) => {
    elsewhereHits.push(req.url ?? '');
    res.end('secret');
  });
  await new Promise<void>((r) => elsewhere.listen(0, '127.0.0.1', r));
  other = `127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
  s = await servedApp({ now: '2026-04-01T03:00:00Z' });
  s.t.config.fetch.allow = [origin, s.origin];
  s.t.deps.siteCheck = {
    fetch: {
      resolve: async (host) => {
        if (host === 'localhost') return [{ address: '127.0.0.1', family: 4 }];
        if (host === 'private.example.jp') return [{ address: '10.0.0.8', family: 4 }];
        throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      },
    },
  };
  const made = await certifiedService(s.t, { nameJa: '埋め込みのカルテ', origins: [origin] });
  service = await s.t.database.db.selectFrom('services').selectAll().where('id', '=', made.id).executeTakeFirstOrThrow();
  const token = await issueEmbedToken({ db: s.t.database.db, clock: s.t.clock, keys: s.t.deps.keys, base: s.origin }, made.id, { origins: [origin] });
  snippet = embedSnippet({ base: s.origin, token: token.token, number: made.number, bundle: s.t.deps.widget });
  pages.set('/good', { body: html(snippet) });
  pages.set('/csp', { body: html(snippet), headers: { 'content-security-policy': "script-src 'self'; img-src 'self'" } });
  pages.set('/csp-mark', { body: html(snippet), headers: { 'content-security-policy': `script-src ${s.origin}; connect-src 'none'; img-src 'none'` } });
  // the page takes the mark out of the badge and shows it recoloured, linking elsewhere
  pages.set('/rewritten', {
    body: html(
      `<div id="b">${snippet}</div><script>addEventListener('load', () => { document.getElementById('b').innerHTML = ` +
        `'<a href="https://elsewhere.example/"><img src="${s.origin}/mark/${token.token}.svg" width="160" height="160" class="r" alt="mark"></a>'; });</script>`,
      '<style>.r { filter: hue-rotate(150deg); }</style>',
    ),
  });
  pages.set('/moved', { status: 302, body: '', headers: { location: 'http://169.254.169.254/latest/meta-data/' } });
  pages.set('/altered', { body: html(`<div class="f">${snippet}</div>`, '<style>.f { filter: hue-rotate(120deg); }</style>') });
  pages.set('/private', {
    body: html(
      `${snippet}<img src="https://private.example.jp/pixel.png" alt=""><img src="http://10.0.0.9/x.png" alt="">` +
        `<img src="https://${other}/over-tls.png" alt="">` +
        `<script>fetch('http://${other}/secret').catch(() => {}); try { new WebSocket('ws://${origin.slice(7)}/ws'); } catch (e) {}</script>`,
    ),
  });
}, 120_000);

afterAll(async () => {
  site?.closeAllConnections();
  await new Promise((r) => site?.close(r));
  elsewhere?.closeAllConnections();
  await new Promise((r) => elsewhere?.close(r));
  await s?.close();
});

const deps = (): IntegrationCheckDeps => ({
  db: s.t.database.db,
  clock: s.t.clock,
  base: s.origin,
  fetch: { ...s.t.deps.siteCheck?.fetch, allow: s.t.config.fetch.allow },
  markMatcher: s.t.deps.markMatcher,
});
const check = (path: string) => runIntegrationCheck(deps(), 'vendor:test', service, `${origin}${path}`);

describe('the integration checker', () => {
  it('finds the real widget on a page: present, renders, links to the verification page, not altered, CSP allows it', { timeout: 60_000 }, async () => {
    const r = await check('/good');
    expect(r).toMatchObject({
      outcome: 'done',
      badgePresent: true,
      badgeRenders: true,
      linksToVerify: true,
      altered: false,
      cspScript: 'allowed',
      cspMark: 'allowed',
      problem: null,
      refused: [],
    });
    const kept = await s.t.database.db.selectFrom('integration_checks').selectAll().where('id', '=', r.id).executeTakeFirstOrThrow();
    expect(kept).toMatchObject({ page_url: `${origin}/good`, requested_by: 'vendor:test', badge_renders: true });
  });

  it('reports a page whose CSP blocks the widget script', { timeout: 60_000 }, async () => {
    const r = await check('/csp');
    expect(r).toMatchObject({ outcome: 'done', badgePresent: true, badgeRenders: false, cspScript: 'blocked' });
  });

  it('reports a page whose CSP lets the script run but blocks the mark', { timeout: 60_000 }, async () => {
    const r = await check('/csp-mark');
    expect(r).toMatchObject({ outcome: 'done', badgePresent: true, badgeRenders: false, cspScript: 'allowed', cspMark: 'blocked' });
  });

  it('reports a page that rewrites the badge into a recoloured copy of the mark linking elsewhere', { timeout: 60_000 }, async () => {
    const r = await check('/rewritten');
    expect(r).toMatchObject({ outcome: 'done', badgePresent: false, badgeRenders: false, linksToVerify: false, altered: true });
  });

  it('reports a page that alters the badge (a filter over it)', { timeout: 60_000 }, async () => {
    const r = await check('/altered');
    expect(r).toMatchObject({ outcome: 'done', badgePresent: true, altered: true, badgeRenders: false });
  });

  it('refuses every request the page makes to an address that is not public, and connects to none', { timeout: 60_000 }, async () => {
    const r = await check('/private');
    expect(r.refused).toEqual(
      expect.arrayContaining([
        { url: 'https://private.example.jp/pixel.png', reason: 'not_public' },
        { url: 'http://10.0.0.9/x.png', reason: 'not_https' },
        { url: `http://${other}/secret`, reason: 'not_https' },
        { url: `https://${other}/over-tls.png`, reason: 'not_public' },
      ]),
    );
    // nothing the route does not see gets out either: Chromium's own connections go to a proxy that is not there
    expect(elsewhereHits).toEqual([]);
    expect(hits.filter((h) => h.startsWith('upgrade'))).toEqual([]);
    expect(r.badgeRenders).toBe(true); // the page's other requests do not stop the badge
  });

  it('keeps a page that cannot be opened (a redirect to a metadata address) as a failed check, saying why', { timeout: 60_000 }, async () => {
    const r = await check('/moved');
    expect(r).toMatchObject({ outcome: 'failed', badgePresent: false, problem: expect.stringContaining('could not be opened') });
    expect(r.refused).toEqual([{ url: `${origin}/moved`, reason: 'redirect' }]);
  });

  it('locks Chromium down: without the checker’s route it reaches nothing, not even this machine', { timeout: 60_000 }, async () => {
    const browser = await launchBrowser(undefined, LOCKDOWN_ARGS);
    try {
      const page = await browser.newPage();
      const before = hits.length;
      await expect(page.goto(`${origin}/good`, { timeout: 10_000 })).rejects.toThrow();
      await expect(page.goto(`http://${other}/direct`, { timeout: 10_000 })).rejects.toThrow();
      expect(hits.length).toBe(before);
      expect(elsewhereHits).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('runs from the portal and shows the result on the sites page', { timeout: 60_000 }, async () => {
    const person = await vendorPerson(s.t, service.vendor_id);
    const c = new Client(s.t);
    expect((await portalSignIn(c, person)).status).toBe(303);
    const path = `/vendor/services/${service.number}/sites`;
    const csrf = Client.csrfOf(await (await c.request(path)).text());
    const res = await c.request(`${path}/integration-checks`, { form: { _csrf: csrf, pageUrl: `${origin}/good` } });
    expect(res.status).toBe(303);
    const shown = await (await c.request(res.headers.get('location')!.split('#')[0]!)).text();
    expect(shown).toContain('表示を確認しました');
    expect(shown).toContain(`${origin}/good`);
    expect(shown).toContain('あり（問題なし）');
    const row = await s.t.database.db.selectFrom('integration_checks').selectAll().orderBy('checked_at', 'desc').executeTakeFirstOrThrow();
    expect(row.requested_by).toBe(`vendor:${person.id}`);
  });
});
