/** Two origins for browser tests: certmark on 127.0.0.1:A (the real app) and a vendor's pages on localhost:B. */
import { serve } from '@hono/node-server';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { testApp, type TestApp } from '../../support/app';

/** A port nobody listens on (for "certmark cannot be reached"). */
export async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  const { port } = probe.address() as AddressInfo;
  await new Promise((done) => probe.close(done));
  return port;
}

export interface Certmark {
  base: string;
  t: TestApp;
  close(): Promise<void>;
}

/** The real app over HTTP, its public base being where it listens. */
export async function startCertmark(now = '2026-04-01T03:00:00Z'): Promise<Certmark> {
  let fetchApp: (req: Request) => Response | Promise<Response> = () => new Response('starting', { status: 503 });
  const server = await new Promise<ReturnType<typeof serve>>((done) => {
    const s = serve({ fetch: (req) => fetchApp(req), port: 0, hostname: '127.0.0.1' }, () => done(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const t = await testApp({ now, config: { publicBaseUrl: base } });
  fetchApp = t.app.fetch;
  return {
    base,
    t,
    close: async () => {
      await new Promise((done) => server.close(done));
      await t.close();
    },
  };
}

export interface Vendor {
  origin: string;
  /** Serves `body` (HTML unless a Content-Type is given) at `path`, with response headers (a CSP, say). */
  put(path: string, body: string, headers?: Record<string, string>): string;
  close(): Promise<void>;
}

/** A vendor's web server: static pages only. */
export async function startVendor(): Promise<Vendor> {
  const pages = new Map<string, { html: string; headers: Record<string, string> }>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/favicon.ico') return res.writeHead(204).end();
    const page = pages.get(path);
    if (!page) return res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', ...page.headers }).end(page.html);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    put(path, body, headers = {}) {
      pages.set(path, { html: body, headers });
      return `${origin}${path}`;
    },
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** A vendor page holding the embed snippet (script, badges, noscript) with `head` styles and `body` around it. */
export function vendorPage(o: {
  base: string;
  tokens: string[];
  attrs?: string;
  lang?: string;
  head?: string;
  before?: string;
  after?: string;
  wrap?: [string, string];
}): string {
  const badges = o.tokens.map((t) => `<certmark-badge token="${t}"${o.attrs ? ` ${o.attrs}` : ''}></certmark-badge>`).join('\n');
  const [open, close] = o.wrap ?? ['', ''];
  return `<!doctype html><html lang="${o.lang ?? 'ja'}"><head><meta charset="utf-8"><title>vendor</title>
<style>body{margin:16px;font-family:sans-serif}</style>${o.head ?? ''}</head><body>${o.before ?? ''}
<script src="${o.base}/widget.js" async></script>
${open}${badges}${close}
<noscript><a href="${o.base}/verify/x"><img src="${o.base}/badge/x.svg" alt="certification"></a></noscript>
<p id="after">after the badge</p>${o.after ?? ''}</body></html>`;
}
