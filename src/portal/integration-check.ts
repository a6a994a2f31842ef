/**
 * The integration checker (issue 15, "Embedding"): certmark opens a page of a vendor's verified site in headless
 * Chromium and reports whether the badge is there and renders, links to the verification page and is not altered
 * by the page, and whether the page's CSP lets the widget script and the mark load. The site checks' SSRF rules
 * hold for every request the page makes: Chromium reaches no network itself (its proxy goes nowhere and it
 * resolves no name); each request is fetched by the one SSRF-safe fetcher (https only, public addresses only,
 * connected to the checked address, no redirects, 5 s) and handed back, or refused. The crawler's own reading
 * through the DevTools protocol finds the badge (its closed shadow root included) and the sightings' image matcher
 * judges its pixels (./integration-read.ts); the CSP refusals are the browser's own console messages.
 */
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { TEXT } from '../../widget/src/text';
import type { Clock } from '../clock';
import { launchBrowser } from '../crawler/browser';
import type { Db } from '../db/database';
import type { ServiceRow } from '../db/schema';
import type { MarkMatcher } from '../detection/image';
import { AppError } from '../errors';
import { safeFetch, type SafeFetchOptions } from '../net/safe-fetch';
import { type CspVerdict, insertIntegrationCheck, integrationCheckView, type IntegrationCheckView } from '../repositories/integration-checks';
import { verifiedOriginsOf } from '../repositories/origin-proofs';
import { verifiedNumberOf } from '../sightings/detect';
import { type Finding, type PageReading, readPage } from './integration-read';

export interface IntegrationCheckDeps {
  db: Db;
  clock: Clock;
  /** {base}: where the widget script, the badge facts and the mark come from. */
  base: string;
  /** The fetcher's options: the test-only allow-list and, in tests, the resolver. */
  fetch: SafeFetchOptions;
  markMatcher: MarkMatcher;
  /** Default: the system's Chromium, locked down (no proxy that works, no name resolution). */
  launch?: () => Promise<Browser>;
  /** The whole page's budget (default 15 s). */
  timeoutMs?: number;
}

export type { CspVerdict, IntegrationCheckView } from '../repositories/integration-checks';

/** Chromium never reaches the network itself: every request is fulfilled by the route below, or refused. */
export const LOCKDOWN_ARGS = [
  '--proxy-server=http://127.0.0.1:9', // a port nothing listens on: WebSockets and anything else the route misses fail
  '--proxy-bypass-list=<-loopback>',
  '--host-resolver-rules=MAP * ~NOTFOUND',
  '--force-webrtc-ip-handling-policy=disable_non_proxied_udp',
  '--webrtc-ip-handling-policy=disable_non_proxied_udp',
];
/** Checks at once in this process: each is a Chromium. */
const MAX_RUNNING = 2;
let running = 0;
const MAX_REQUESTS = 100;
const MAX_RESOURCE_BYTES = 2 * 1024 * 1024;
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'proxy-connection', 'upgrade']);

/** What the page asked for, filled in as it loads: kept even when the page cannot be opened. */
export interface NetworkLog {
  requested: { url: string; ok: boolean }[];
  refused: { url: string; reason: string }[];
  /** What the browser refused under the page's CSP (its own console messages, which the page cannot silence). */
  csp: string[];
}

export interface Inspection extends PageReading, NetworkLog {}

export const newNetworkLog = (): NetworkLog => ({ requested: [], refused: [], csp: [] });

/** Opens the page under the SSRF rules and reads the badges. Throws when the page itself cannot be opened. */
export async function inspectPage(
  browser: Browser,
  pageUrl: string,
  deps: Pick<IntegrationCheckDeps, 'fetch' | 'markMatcher' | 'timeoutMs'>,
  log: NetworkLog = newNetworkLog(),
): Promise<Inspection> {
  const scale = 2;
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    deviceScaleFactor: scale,
    serviceWorkers: 'block',
    acceptDownloads: false,
  });
  const { requested, refused, csp } = log;
  try {
    let seen = 0;
    await context.route('**/*', async (route) => {
      const req = route.request();
      const url = req.url();
      const refuse = (reason: string) => {
        refused.push({ url: url.slice(0, 300), reason });
        return route.abort('blockedbyclient').catch(() => {});
      };
      if (++seen > MAX_REQUESTS) return refuse('too_many_requests');
      if (req.method() !== 'GET') return refuse('not_get');
      try {
        const h = await req.allHeaders();
        const headers: Record<string, string> = {};
        for (const k of ['origin', 'referer', 'accept']) if (h[k]) headers[k] = h[k];
        const r = await safeFetch(url, { ...deps.fetch, maxBytes: MAX_RESOURCE_BYTES, headers });
        requested.push({ url: url.slice(0, 300), ok: r.ok });
        if (!r.ok) return refuse(r.refusal);
        const out = Object.fromEntries(Object.entries(r.headers).filter(([k]) => !HOP.has(k)));
        await route.fulfill({ status: r.status, headers: out, body: r.body });
      } catch {
        await route.abort('failed').catch(() => {}); // the page went away meanwhile
      }
    });
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' && m.text().includes('Content Security Policy') && !m.text().includes('[Report Only]') && csp.length < 50)
        csp.push(m.text().slice(0, 500));
    });
    const end = Date.now() + (deps.timeoutMs ?? 15_000);
    const left = (most: number) => Math.max(1, Math.min(most, end - Date.now()));
    await page.goto(pageUrl, { waitUntil: 'load', timeout: left(10_000) });
    await page.waitForLoadState('networkidle', { timeout: left(5_000) }).catch(() => {});
    const cdp = await context.newCDPSession(page);
    const reading = await readPage(cdp, deps.markMatcher, scale, left(5_000));
    return { ...reading, requested, refused, csp };
  } finally {
    await context.close();
  }
}

const ALTERED_TEXT = [TEXT.ja.altered, TEXT.en.altered];

/** What the inspection means for the vendor. */
export function judge(base: string, number: string | null, i: Inspection) {
  const b = base.replace(/\/+$/, '');
  const ours = (path: RegExp) => (u: string) => u.startsWith(`${b}/`) && path.test(u.slice(b.length));
  const widget = ours(/^\/widget/);
  const mark = ours(/^\/(mark|badge|api\/v1\/badge)\//);
  // Chromium's words: "Loading the script 'URL' violates … Content Security Policy …" ("Refused to load … 'URL'" before)
  const refusedUrl = (m: string) => /^[^']*'([^']*)'/.exec(m)?.[1] ?? '';
  const cspRefused = i.csp.filter((m) => m.includes('Content Security Policy')).map(refusedUrl);
  const badges = i.badges;
  const drew = badges.some((x) => x.shadow);
  const cspScript: CspVerdict = cspRefused.some(widget) ? 'blocked' : drew && i.requested.some((r) => r.ok && widget(r.url)) ? 'allowed' : 'not_seen';
  const shown = badges.some((x) => x.markShown && x.verdict !== null && x.verdict !== 'unrelated');
  const cspMark: CspVerdict = cspRefused.some(mark) ? 'blocked' : shown ? 'allowed' : 'not_seen';
  const bad = (v: Finding | null) => v === 'recoloured' || v === 'partial' || v === 'distorted';
  const altered = badges.some((x) => ALTERED_TEXT.some((t) => x.text.includes(t))) || badges.some((x) => bad(x.verdict)) || i.copies.some(bad);
  const links = number !== null && badges.some((x) => verifiedNumberOf(x.link, b) === number);
  return { badgePresent: badges.length > 0, badgeRenders: shown && !altered, linksToVerify: links, altered, cspScript, cspMark };
}

/** A page on one of the service's verified sites, or a 400. */
async function checkedPageUrl(db: Db, service: ServiceRow, raw: string): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new AppError('invalid', 'the page is a URL, https://…', { field: 'pageUrl' });
  }
  if (raw.length > 2000 || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password)
    throw new AppError('invalid', 'the page is an https URL without credentials', { field: 'pageUrl' });
  if (!(await verifiedOriginsOf(db, service.id)).includes(url.origin))
    throw new AppError('invalid', `${url.origin} is not a verified site of this service: prove it first`, { field: 'pageUrl', article: 'Art. 10.2' });
  return url;
}

/** Checks the page now, keeps the result and returns it. A page that cannot be opened is a result too. */
export async function runIntegrationCheck(deps: IntegrationCheckDeps, actor: string, service: ServiceRow, rawUrl: string): Promise<IntegrationCheckView> {
  const url = await checkedPageUrl(deps.db, service, rawUrl);
  if (running >= MAX_RUNNING) throw new AppError('rate_limited', 'other pages are being checked now: try again in a minute');
  running++;
  let inspection: Inspection | null = null;
  const log = newNetworkLog();
  let problem: string | null = null;
  try {
    const browser = await (deps.launch ?? (() => launchBrowser(undefined, LOCKDOWN_ARGS)))().catch(() => {
      throw new AppError('unavailable', 'the page checker cannot start its browser now: try again later');
    });
    try {
      inspection = await inspectPage(browser, url.href, deps, log);
    } catch (err) {
      problem = `the page could not be opened: ${err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err)}`.slice(0, 500);
    } finally {
      await browser.close().catch(() => {});
    }
  } finally {
    running--;
  }
  const j = inspection
    ? judge(deps.base, service.number, inspection)
    : { badgePresent: false, badgeRenders: false, linksToVerify: false, altered: false, cspScript: 'not_seen' as const, cspMark: 'not_seen' as const };
  const row = {
    id: randomUUID(),
    service_id: service.id,
    origin: url.origin,
    page_url: url.href,
    requested_by: actor,
    checked_at: deps.clock.now(),
    outcome: inspection ? ('done' as const) : ('failed' as const),
    badge_present: j.badgePresent,
    badge_renders: j.badgeRenders,
    links_to_verify: j.linksToVerify,
    altered: j.altered,
    csp_script: j.cspScript,
    csp_mark: j.cspMark,
    problem,
    details: JSON.stringify({
      refused: log.refused,
      badges: inspection?.badges ?? [],
      copies: inspection?.copies ?? [],
      csp: log.csp,
    }),
  };
  await insertIntegrationCheck(deps.db, row);
  return integrationCheckView({ ...row, details: row.details });
}

export { integrationChecksOf } from '../repositories/integration-checks';
