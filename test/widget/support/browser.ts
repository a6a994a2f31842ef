/** Headless Chromium (Debian's) and a look inside the badges' closed shadow roots through the DevTools protocol. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import sharp from 'sharp';
import { meanDifference } from './pixels';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface Opened {
  page: Page;
  /** Console errors, uncaught exceptions and CSP violations, as text. */
  errors: string[];
  /** Every URL the page requested. */
  requests: string[];
  close(): Promise<void>;
}

export async function openPage(browser: Browser, url: string, options: { viewport?: { width: number; height: number } } = {}): Promise<Opened> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 800, height: 400 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(url);
  return { page, errors, requests, close: () => context.close() };
}

export interface BadgeLook {
  /** The mark as drawn, or null when the badge shows words only (a notice or a plain link). */
  mark: { src: string; alt: string; loaded: boolean; rect: Rect } | null;
  text: string;
  links: { href: string; text: string }[];
  lang: string | null;
  host: Rect;
  busy: boolean;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

async function shadowRoots(cdp: CDPSession): Promise<string[]> {
  const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
  const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector: 'certmark-badge' });
  const ids: string[] = [];
  for (const nodeId of nodeIds) {
    const { node } = await cdp.send('DOM.describeNode', { nodeId, depth: 1, pierce: true });
    const shadow = node.shadowRoots?.[0];
    if (!shadow) throw new Error('a certmark-badge without a shadow root');
    const { object } = await cdp.send('DOM.resolveNode', { backendNodeId: shadow.backendNodeId });
    ids.push(object.objectId!);
  }
  return ids;
}

const LOOK = `function () {
  const r = (el) => { const b = el.getBoundingClientRect(); return { x: b.x, y: b.y, width: b.width, height: b.height }; };
  const img = this.querySelector('img');
  return {
    mark: img && { src: img.src, alt: img.alt, loaded: img.complete && img.naturalWidth > 0, rect: r(img) },
    text: [...this.querySelectorAll('.t > *')].map((e) => e.textContent).join(' | ') || (this.textContent || ''),
    links: [...this.querySelectorAll('a')].map((a) => ({ href: a.href, text: a.textContent })),
    lang: this.firstElementChild && this.firstElementChild.getAttribute('lang'),
    host: r(this.host),
    busy: !!this.querySelector('[aria-busy]'),
  };
}`;

/** What each badge on the page shows now, read from inside its closed shadow root. */
export async function looks(page: Page): Promise<BadgeLook[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const out: BadgeLook[] = [];
    for (const objectId of await shadowRoots(cdp)) {
      const { result } = await cdp.send('Runtime.callFunctionOn', { objectId, functionDeclaration: LOOK, returnByValue: true });
      out.push(result.value as BadgeLook);
    }
    return out;
  } finally {
    await cdp.detach();
  }
}

/** Waits until every badge has its answer (no badge is still asking). */
export async function settled(page: Page, count = 1, timeout = 10_000): Promise<BadgeLook[]> {
  const until = Date.now() + timeout;
  for (;;) {
    const all = await looks(page);
    const done = all.length >= count && all.every((b) => !b.busy && (!b.mark || b.mark.loaded));
    if (done) return all;
    if (Date.now() > until) throw new Error(`badges not settled: ${JSON.stringify(all)}`);
    await page.waitForTimeout(50);
  }
}

/** The accessible names of the links on the page (Chromium's accessibility tree, which sees into closed roots). */
export async function linkNames(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    return nodes.filter((n) => n.role?.value === 'link' && !n.ignored).map((n) => String(n.name?.value ?? ''));
  } finally {
    await cdp.detach();
  }
}

const SCREENSHOTS = new URL('../../../docs/screenshots/', import.meta.url);

/**
 * Writes docs/screenshots/{name}.png: the badge (and its details card, when `below` px are added) for the README.
 * A picture that differs from the one there only by rasterisation noise is left alone, so test runs do not churn.
 */
export async function screenshotBadge(page: Page, look: BadgeLook, name: string, below = 0): Promise<void> {
  const { x, y, width, height } = look.host;
  const pad = 8;
  const png = await page.screenshot({ clip: { x: x - pad, y: y - pad, width: width + 2 * pad + (below ? 40 : 0), height: height + 2 * pad + below } });
  const file = fileURLToPath(new URL(`${name}.png`, SCREENSHOTS));
  const old = await readFile(file).catch(() => null);
  if (old && (await samePicture(old, png))) return;
  await mkdir(SCREENSHOTS, { recursive: true });
  await writeFile(file, png);
}

async function samePicture(a: Buffer, b: Buffer): Promise<boolean> {
  const [x, y] = await Promise.all([a, b].map((p) => sharp(p).removeAlpha().raw().toBuffer({ resolveWithObject: true })));
  return x!.info.width === y!.info.width && x!.info.height === y!.info.height && meanDifference(x!.data, y!.data) < 0.5;
}

/** Runs `fn` (source of a function taking the shadow root as `this`) inside badge `index`'s closed shadow root. */
export async function inBadge<T>(page: Page, index: number, fn: string): Promise<T> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const objectId = (await shadowRoots(cdp))[index];
    if (!objectId) throw new Error(`no badge ${index}`);
    const { result } = await cdp.send('Runtime.callFunctionOn', { objectId, functionDeclaration: fn, returnByValue: true });
    return result.value as T;
  } finally {
    await cdp.detach();
  }
}
