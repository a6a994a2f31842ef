/**
 * The reference crawler: opens each page in headless Chromium, finds what may be the mark (images, inline SVG,
 * <certmark-badge> elements and what their shadow roots hold), takes each one's pixels as the visitor sees them,
 * its link target and any embed token, and reports each as a sighting. Everything it reads comes from the
 * browser (rendered.ts), nothing from the page's scripts. certmark judges; the crawler only looks.
 */
import type { Browser } from 'playwright-core';
import type { Clock } from '../clock';
import type { SightingClient } from './client';
import { candidatesIn, drawn, pageTree, pixelsOf, type Candidate } from './rendered';

export type { Candidate };

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

/** Crawls one page and reports every candidate on it. */
export async function crawlPage(url: string, options: CrawlOptions): Promise<CrawlResult[]> {
  const scale = 2;
  const context = await options.browser.newContext({ deviceScaleFactor: scale, viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
  try {
    const page = await context.newPage();
    const timeout = options.timeoutMs ?? 15_000;
    await page.goto(url, { waitUntil: 'load', timeout });
    await page.waitForLoadState('networkidle', { timeout: Math.min(timeout, 5_000) }).catch(() => {}); // badges ask certmark after load
    const pageUrl = page.url();
    const cdp = await context.newCDPSession(page);
    const found = candidatesIn(await pageTree(cdp));
    const results: CrawlResult[] = [];
    let taken = 0;
    for (const c of found) {
      if (taken >= (options.maxPerPage ?? 50)) break;
      if (!(await drawn(cdp, c))) continue;
      taken++;
      const info: Candidate = { kind: c.kind, token: c.token, linkHref: c.linkHref };
      let image: Buffer;
      try {
        image = await pixelsOf(cdp, c, scale);
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
