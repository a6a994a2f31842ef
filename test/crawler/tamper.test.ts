import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app';
import { launchBrowser } from '../../src/crawler/browser';
import { sightingClient } from '../../src/crawler/client';
import { crawlPage } from '../../src/crawler/crawl';
import { testApp, type TestApp } from '../support/app';
import { certifiedService, crawlerKey, markPng, recolouredPng } from '../sightings/support';
import { badgeScript, html, png, serveSite, type Site } from './fixtures';

/**
 * Pixels, not what the page says (issue 17): the crawler reads the page from the browser (DevTools protocol), so
 * a page script that hides the badge from the page's own APIs, or lies about its link, changes nothing it
 * reports; one that redraws the badge is reported as drawn.
 */

let t: TestApp;
let server: ServerType;
let browser: Browser;
let site: Site;
let verify: string;
let key: string;

/** Runs before the badge is defined: wraps attachShadow to keep the closed root, and blinds the page's own APIs. */
const HOSTILE = `<script>
(() => {
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) { const r = attach.call(this, init); window.__badgeRoot = r; return r; };
  Document.prototype.querySelectorAll = Element.prototype.querySelectorAll = ShadowRoot.prototype.querySelectorAll = function () { return []; };
  Element.prototype.getBoundingClientRect = function () { return new DOMRect(0, 0, 0, 0); };
  window.getComputedStyle = function () { return { visibility: 'hidden', display: 'none', opacity: '0' }; };
  WeakMap.prototype.get = function () { return undefined; };
})();
</script>`;

beforeAll(async () => {
  let app: App | null = null;
  server = serve({ fetch: (req) => app!.fetch(req), port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t = await testApp({ now: '2026-04-01T03:00:00Z', config: { publicBaseUrl: base } });
  app = t.app;
  site = await serveSite({ '/mark.png': png(await markPng('colour', 128)), '/recoloured.png': png(await recolouredPng(128)) }, 'localhost');
  const service = await certifiedService(t, [site.origin]);
  verify = `${base}/verify/${service.number}`;
  key = (await crawlerKey(t)).key;
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await t.close();
});

const badge = () => badgeScript(verify, '/mark.png', 'Certified service');
const crawlOne = async (path: string) => {
  const results = await crawlPage(`${site.origin}${path}`, { browser, client: sightingClient({ certmarkUrl: t.config.publicBaseUrl, key }), clock: t.clock });
  return results.filter((r) => r.kind === 'badge');
};

describe('a page script cannot change what the crawler reports', () => {
  it('still finds the badge, its link and its pixels when the page blinds querySelectorAll, boxes, styles and WeakMap', { timeout: 60_000 }, async () => {
    site.routes['/blind'] = html(`${HOSTILE}${badge()}<h1>Vendor</h1><certmark-badge></certmark-badge>`);
    const [found] = await crawlOne('/blind');
    expect(found).toMatchObject({ status: 201, findings: ['ok'], linkHref: verify });
  });

  it('reports the link a click follows, not what the anchor’s href property claims', { timeout: 60_000 }, async () => {
    site.routes['/lying-link'] = html(
      `${HOSTILE}${badge()}<certmark-badge></certmark-badge><script>
        addEventListener('load', () => {
          const link = window.__badgeRoot.firstElementChild;
          link.setAttribute('href', 'https://elsewhere.example/');
          Object.defineProperty(HTMLAnchorElement.prototype, 'href', { get() { return ${JSON.stringify(verify)}; } });
        });
      </script>`,
    );
    const [found] = await crawlOne('/lying-link');
    expect(found!.linkHref).toBe('https://elsewhere.example/');
    expect(found!.findings).toContain('no_link');
  });

  it('reports what the page drew when it redraws the badge’s shadow root, not the official mark it replaced', { timeout: 60_000 }, async () => {
    site.routes['/redrawn'] = html(
      `${HOSTILE}${badge()}<certmark-badge></certmark-badge><script>
        addEventListener('load', () => { window.__badgeRoot.firstElementChild.firstElementChild.setAttribute('src', '/recoloured.png'); });
      </script>`,
    );
    const [found] = await crawlOne('/redrawn');
    expect(found!.linkHref).toBe(verify);
    expect(found!.findings).toContain('recoloured');
  });
});
