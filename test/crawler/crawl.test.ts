import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app';
import { launchBrowser } from '../../src/crawler/browser';
import { embedSnippet } from '../../src/routes/widget';
import { issueEmbedToken } from '../../src/tokens/issue';
import { sightingClient } from '../../src/crawler/client';
import { crawl } from '../../src/crawler/crawl';
import { testApp, type TestApp } from '../support/app';
import { certifiedService, crawlerKey, markPng, recolouredPng, unrelatedPng } from '../sightings/support';
import { badgeScript, html, png, serveSite, type Site } from './fixtures';

const NOW = '2026-04-01T03:00:00Z';
let t: TestApp;
let server: ServerType;
let browser: Browser;
const sites: Site[] = [];
let base: string;

beforeAll(async () => {
  // certmark itself, on a real port: the crawler talks to it over HTTP
  let app: App | null = null;
  server = serve({ fetch: (req) => app!.fetch(req), port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t = await testApp({ now: NOW, config: { publicBaseUrl: base } });
  app = t.app;
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(sites.map((s) => s.close()));
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await t.close();
});

describe('the reference crawler against fixture sites', () => {
  it('opens exactly the expected cases: recoloured, unlinked, unregistered origin, expired service', async () => {
    const mark = png(await markPng('colour', 128));
    const images = { '/mark.png': mark, '/recoloured.png': png(await recolouredPng(128)), '/logo.png': png(await unrelatedPng()) };

    // A service certified in 2023 and expired since (valid through 2025-01-01), and one certified now.
    t.clock.set('2023-01-01T03:00:00Z');
    const expiredSite = await serveSite(images, 'localhost');
    const expired = await certifiedService(t, [expiredSite.origin]);
    t.clock.set(NOW);
    const vendorSite = await serveSite(images, 'localhost');
    const vendor = await certifiedService(t, [vendorSite.origin]);
    const copySite = await serveSite(images, '127.0.0.1');
    sites.push(expiredSite, vendorSite, copySite);
    const verify = (n: string) => `${base}/verify/${n}`;
    // the official embed snippet: the badge script draws the mark in a closed shadow root
    const issued = await issueEmbedToken({ db: t.database.db, clock: t.clock, keys: t.deps.keys, base }, vendor.id, { origins: [vendorSite.origin] });
    const snippet = embedSnippet({ base, token: issued.token, number: vendor.number, bundle: t.deps.widget });

    Object.assign(vendorSite.routes, {
      '/': html(
        `${badgeScript(verify(vendor.number), '/mark.png', `Service ${vendor.number}`)}<h1>Vendor</h1><certmark-badge></certmark-badge><p><img src="/logo.png" alt="our logo"></p>`,
      ),
      '/official': html(`<h1>Vendor (official badge)</h1>${snippet}`),
      '/recoloured': html(`<h1>Recoloured</h1><a href="${verify(vendor.number)}"><img src="/recoloured.png" alt="mark"></a>`),
      '/unlinked': html(`<h1>Unlinked</h1><img src="/mark.png" alt="mark">`),
    });
    Object.assign(copySite.routes, { '/': html(`<h1>Copycat</h1><a href="${verify(vendor.number)}"><img src="/mark.png" alt="mark"></a>`) });
    Object.assign(expiredSite.routes, { '/': html(`<h1>Expired</h1><a href="${verify(expired.number)}"><img src="/mark.png" alt="mark"></a>`) });

    const key = (await crawlerKey(t)).key;
    const urls = [
      `${vendorSite.origin}/`,
      `${vendorSite.origin}/official`,
      `${vendorSite.origin}/recoloured`,
      `${vendorSite.origin}/unlinked`,
      `${copySite.origin}/`,
      `${expiredSite.origin}/`,
    ];
    const report = await crawl(urls, { browser, client: sightingClient({ certmarkUrl: base, key }), clock: t.clock });

    expect(report.map((p) => p.error)).toEqual(urls.map(() => null));
    const compliant = report[0]!.results;
    expect(compliant.find((r) => r.kind === 'badge')).toMatchObject({ status: 201, findings: ['ok'], linkHref: verify(vendor.number) });
    expect(compliant.find((r) => r.kind === 'img')).toMatchObject({ status: 201, findings: [] }); // the logo is not the mark
    const official = report[1]!.results;
    expect(official.find((r) => r.kind === 'badge')).toMatchObject({
      status: 201,
      findings: ['ok'],
      token: issued.token,
      linkHref: expect.stringContaining(verify(vendor.number)),
    });

    const cases = await t.database.db.selectFrom('misuse_cases').select(['service_id', 'page_url', 'finding', 'sightings_count']).execute();
    expect(
      cases.map((c) => `${c.service_id === vendor.id ? 'vendor' : c.service_id === expired.id ? 'expired' : c.service_id} ${c.page_url} ${c.finding}`).sort(),
    ).toEqual(
      [
        `vendor ${vendorSite.origin}/recoloured recoloured`,
        `vendor ${vendorSite.origin}/unlinked no_link`,
        `vendor ${copySite.origin}/ wrong_site`,
        `expired ${expiredSite.origin}/ stale`,
      ].sort(),
    );
  }, 120_000); // headless Chromium crawls five pages: 13 s on an idle machine, past 30 s on a busy one
});
