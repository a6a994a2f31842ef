import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Site {
  /** The origin as the crawler addresses it (localhost or 127.0.0.1, distinct ports: distinct origins). */
  origin: string;
  /** What the site serves, by path; add pages once the origin is known. */
  routes: Routes;
  close(): Promise<void>;
}

export type Routes = Record<string, { type: string; body: string | Buffer }>;

/** A static site served by node:http on its own port. */
export async function serveSite(initial: Routes, host: 'localhost' | '127.0.0.1' = 'localhost'): Promise<Site> {
  const routes: Routes = { ...initial };
  const server: Server = createServer((req, res) => {
    const route = routes[new URL(req.url ?? '/', 'http://x').pathname];
    if (!route) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': route.type, 'Cache-Control': 'no-store' }).end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://${host}:${port}`, routes, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export const html = (body: string) => ({
  type: 'text/html; charset=utf-8',
  body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>fixture</title></head><body style="background:#fff;font-family:sans-serif">${body}</body></html>`,
});
export const png = (body: Buffer) => ({ type: 'image/png', body });

/**
 * A stand-in for the official badge: a <certmark-badge> that draws the mark, the service's name and number in a
 * closed shadow root, linked to the verification page (what the widget draws for a valid service).
 */
export function badgeScript(verifyUrl: string, markSrc: string, label: string): string {
  return `<script>
customElements.define('certmark-badge', class extends HTMLElement {
  constructor() {
    super();
    const root = this.attachShadow({ mode: 'closed' });
    root.innerHTML = '<a href="${verifyUrl}" style="display:inline-flex;align-items:center;gap:8px;padding:4px;text-decoration:none;color:#111">' +
      '<img src="${markSrc}" width="56" height="56" alt="certified"><span>${label}</span></a>';
  }
});
</script>
<style>certmark-badge{display:inline-block}</style>`;
}
