/**
 * What the Chromium tests share: the app served on http://localhost:{port} (a name, as WebAuthn and the __Host-
 * rules need; Chromium maps it to 127.0.0.1), the system's Chromium with the crawler's flags, a page with its
 * console errors collected, and axe-core (WCAG 2.2 AA) evaluated through the DevTools protocol, since the
 * pages' CSP refuses an inline script.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../src/crawler/browser';
import { testApp, type TestApp, type TestAppOptions } from './app';

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface Served {
  t: TestApp;
  origin: string;
  close(): Promise<void>;
}

/** A test app whose public base URL is the address it is served at. */
export async function servedApp(options: TestAppOptions = {}): Promise<Served> {
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const t = await testApp({ ...options, config: { ...options.config, publicBaseUrl: origin } });
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: t.app.fetch, port, hostname: '127.0.0.1' }, () => resolve(s));
  });
  return {
    t,
    origin,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await t.close();
    },
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP localhost 127.0.0.1'], headless: true });
}

export interface Opened {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

export async function openPage(browser: Browser, options: { width?: number; script?: boolean; locale?: string } = {}): Promise<Opened> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1024, height: 800 },
    javaScriptEnabled: options.script ?? true,
    locale: options.locale ?? 'ja-JP',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors };
}

let axeSource: Promise<string> | null = null;

/** The violations axe-core finds on the page, one line each (none is the pass). */
export async function axeViolations(page: Page): Promise<string[]> {
  axeSource ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(await axeSource);
  return page.evaluate(async (tags) => {
    const r = await (
      window as unknown as { axe: { run(ctx: Document, o: unknown): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }
    ).axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return r.violations.map(
      (v) =>
        `${v.id} (${v.impact}): ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    );
  }, AXE_TAGS);
}

/** No horizontal scroll at the page's width (readable from 320 px). */
export const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
