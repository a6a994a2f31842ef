/**
 * The reference crawler: opens each page in headless Chromium, finds what may be the mark (images, inline SVG,
 * <certmark-badge> elements and what their shadow roots hold), takes each one's pixels as the visitor sees them,
 * its link target and any embed token, and reports each as a sighting. certmark judges; the crawler only looks.
 */
import type { Browser, ElementHandle } from 'playwright-core';
import type { Clock } from '../clock';
import type { SightingClient } from './client';
import { FIND_SCRIPT, INIT_SCRIPT } from './page-scripts';

export interface Candidate {
  kind: 'badge' | 'img' | 'svg';
  token: string | null;
  linkHref: string | null;
}

export interface CrawlResult extends Candidate {
  pageUrl: string;
  status: number;
  findings: string[] | null;
  error: string | null;
}

export interface CrawlOptions {
  browser: Browser;
  client: SightingClient;
  clock: Clock;
  /** At most this many candidates per page (default 50). */
  maxPerPage?: number;
  /** How long to wait for the page and its badges (default 15 s). */
  timeoutMs?: number;
}

async function candidatesOf(page: import('playwright-core').Page): Promise<{ handle: ElementHandle; info: Candidate }[]> {
  const found = await page.evaluateHandle(FIND_SCRIPT);
  const info = (await (await found.getProperty('info')).jsonValue()) as Candidate[];
  const els = await (await found.getProperty('els')).getProperties();
  const out: { handle: ElementHandle; info: Candidate }[] = [];
  info.forEach((c, i) => {
    const handle = els.get(String(i))?.asElement();
    if (handle) out.push({ handle, info: { kind: c.kind, token: c.token || null, linkHref: c.linkHref || null } });
  });
  return out;
}

/** Crawls one page and reports every candidate on it. */
export async function crawlPage(url: string, options: CrawlOptions): Promise<CrawlResult[]> {
  const context = await options.browser.newContext({ deviceScaleFactor: 2, viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
  try {
    await context.addInitScript({ content: INIT_SCRIPT });
    const page = await context.newPage();
    const timeout = options.timeoutMs ?? 15_000;
    await page.goto(url, { waitUntil: 'load', timeout });
    await page.waitForLoadState('networkidle', { timeout: Math.min(timeout, 5_000) }).catch(() => {}); // badges ask certmark after load
    const pageUrl = page.url();
    const results: CrawlResult[] = [];
    for (const { handle, info } of (await candidatesOf(page)).slice(0, options.maxPerPage ?? 50)) {
      let image: Buffer;
      try {
        image = await handle.screenshot({ type: 'png', animations: 'disabled', timeout: 5_000 });
      } catch (err) {
        results.push({
          ...info,
          pageUrl,
          status: 0,
          findings: null,
          error: `no screenshot: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
        });
        continue;
      }
      const posted = await options.client.post({ pageUrl, seenAt: options.clock.now(), image, linkHref: info.linkHref, token: info.token });
      results.push({ ...info, pageUrl, ...posted });
    }
    return results;
  } finally {
    await context.close();
  }
}

/** Crawls the pages one after another; a page that fails to load is reported, not fatal. */
export async function crawl(urls: readonly string[], options: CrawlOptions): Promise<{ url: string; results: CrawlResult[]; error: string | null }[]> {
  const out: { url: string; results: CrawlResult[]; error: string | null }[] = [];
  for (const url of urls) {
    try {
      out.push({ url, results: await crawlPage(url, options), error: null });
    } catch (err) {
      out.push({ url, results: [], error: err instanceof Error ? err.message.split('\n')[0]! : String(err) });
    }
  }
  return out;
}
