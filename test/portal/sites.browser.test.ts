import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestOriginProof } from '../../src/origins/proofs';
import { issueEmbedToken } from '../../src/tokens/issue';
import { certifiedService } from '../admin/fixtures';
import { axeViolations, fitsWidth, launchChromium, openPage, servedApp, type Served } from '../support/browser';
import { Client, portalSignIn, vendorPerson } from './support';

/**
 * The portal's sites and embedding screen in Chromium (issue 15): accessible (axe, WCAG 2.2 AA) under the app's
 * own CSP, with no console errors (the badge preview loads), readable at 320 px, in Japanese and English.
 */
let s: Served;
let browser: Browser;
let cookie: { name: string; value: string };
let number: string;
let proofId: string;

beforeAll(async () => {
  s = await servedApp({ now: '2026-04-01T03:00:00Z' });
  const made = await certifiedService(s.t, { nameJa: '埋め込みのカルテ' });
  number = made.number;
  const vendorId = (await s.t.database.db.selectFrom('services').select('vendor_id').where('id', '=', made.id).executeTakeFirstOrThrow()).vendor_id;
  const ctx = { db: s.t.database.db, clock: s.t.clock, actor: 'vendor:test', check: {} };
  proofId = (await requestOriginProof(ctx, made.id, { origin: 'https://www.example.jp', method: 'http-01' })).id;
  await requestOriginProof(ctx, made.id, { origin: 'https://dns.example.jp', method: 'dns-01' });
  await s.t.database.db
    .updateTable('origin_proofs')
    .set({ checked_at: s.t.clock.now(), problem: 'timeout: no complete answer within 5000 ms', checks: 1 })
    .where('id', '=', proofId)
    .execute();
  await issueEmbedToken({ db: s.t.database.db, clock: s.t.clock, keys: s.t.deps.keys, base: s.origin }, made.id, { origins: ['https://clinic.example.jp'] });
  await s.t.database.db
    .insertInto('integration_checks')
    .values({
      id: 'check-1',
      service_id: made.id,
      origin: 'https://clinic.example.jp',
      page_url: 'https://clinic.example.jp/about/certification',
      requested_by: 'vendor:test',
      checked_at: s.t.clock.now(),
      outcome: 'done',
      badge_present: true,
      badge_renders: false,
      links_to_verify: true,
      altered: false,
      csp_script: 'blocked',
      csp_mark: 'not_seen',
      problem: null,
      details: JSON.stringify({ refused: [{ url: 'https://private.example.jp/pixel.png', reason: 'not_public' }] }),
    })
    .execute();
  const c = new Client(s.t);
  expect((await portalSignIn(c, await vendorPerson(s.t, vendorId))).status).toBe(303);
  const name = [...c.cookies.keys()].find((k) => k.endsWith('certmark-vendor'))!;
  cookie = { name, value: c.cookies.get(name)! };
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await s?.close();
});

describe('the sites and embedding screen: accessible, no CSP or console errors, no horizontal scroll at 320 px', () => {
  const screens: [string, () => string][] = [
    ['the sites page', () => `/vendor/services/${number}/sites`],
    ['the sites page in English, after a check', () => `/vendor/services/${number}/sites?lang=en&checked=${proofId}`],
    ['a service with its sites section', () => `/vendor/services/${number}`],
  ];
  for (const [what, path] of screens) {
    for (const width of [1024, 320]) {
      it(`${what} at ${width} px`, { timeout: 60_000 }, async () => {
        const o = await openPage(browser, { width });
        try {
          await o.context.addCookies([{ ...cookie, url: s.origin }]);
          const res = await o.page.goto(`${s.origin}${path()}`);
          expect(res?.status()).toBe(200);
          expect(await axeViolations(o.page), path()).toEqual([]);
          expect(await fitsWidth(o.page), 'no horizontal scroll').toBe(true);
          expect(o.errors).toEqual([]);
        } finally {
          await o.context.close();
        }
      });
    }
  }

  it('shows the badge preview as the badge image of the site’s token', { timeout: 60_000 }, async () => {
    const o = await openPage(browser, { width: 320 });
    try {
      await o.context.addCookies([{ ...cookie, url: s.origin }]);
      await o.page.goto(`${s.origin}/vendor/services/${number}/sites`);
      const loaded = await o.page.locator('img.badge-preview').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0);
      expect(loaded).toBe(true);
      await o.page.getByRole('link', { name: 'サービスの詳細へ' }).waitFor();
    } finally {
      await o.context.close();
    }
  });
});
