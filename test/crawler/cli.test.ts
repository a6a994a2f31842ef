import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main';
import { ADMIN_TOKEN, testApp, type TestApp } from '../support/app';
import { certifiedService, markPng } from '../sightings/support';
import { html, png, serveSite, type Site } from './fixtures';

let t: TestApp;
let server: ServerType;
let url: string;
let site: Site;

beforeAll(async () => {
  t = await testApp({ now: new Date().toISOString() }); // the CLI's crawler reads the system clock
  server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  site = await serveSite({ '/mark.png': png(await markPng('colour', 128)) }, '127.0.0.1');
}, 120_000);
afterAll(async () => {
  await site?.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await t.close();
});

async function cli(args: string[], env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const code = await run(args, {
    env: { CERTMARK_URL: url, CERTMARK_TOKEN: ADMIN_TOKEN, ...env },
    cwd: process.cwd(),
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
  });
  return { code, out, err };
}

describe('certmark crawler-key and certmark crawl', () => {
  it('makes a key (shown once), crawls a page with it, and is refused once the key is revoked', async () => {
    const made = await cli(['crawler-key', 'create', '--name', 'cli crawl', '--json']);
    expect(made.code).toBe(0);
    const key = JSON.parse(made.out) as { id: string; key: string };
    expect(key.key).toMatch(/^cmcrl_/);
    const list = await cli(['crawler-key', 'list']);
    expect(list.out).toContain('cli crawl');
    expect(list.out).not.toContain(key.key);

    // an unlinked copy of the mark on a page of no certified service
    await certifiedService(t);
    site.routes['/'] = html('<h1>Copy</h1><img src="/mark.png" alt="mark">');
    const crawled = await cli(['crawl', `${site.origin}/`, '--json'], { CERTMARK_CRAWLER_KEY: key.key });
    expect(crawled.code).toBe(0);
    const report = JSON.parse(crawled.out) as { pages: { results: { kind: string; status: number; findings: string[] }[] }[] };
    expect(report.pages[0]!.results).toEqual([expect.objectContaining({ kind: 'img', status: 201, findings: ['wrong_site', 'no_link'] })]);

    expect((await cli(['crawler-key', 'revoke', key.id])).code).toBe(0);
    const refused = await cli(['crawl', `${site.origin}/`], { CERTMARK_CRAWLER_KEY: key.key });
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('401');
  });

  it('needs a key and http(s) URLs', async () => {
    expect((await cli(['crawl', 'https://example.com/'])).code).toBe(2);
    expect((await cli(['crawl', 'file:///etc/passwd'], { CERTMARK_CRAWLER_KEY: 'cmcrl_0123456789abcdef' })).code).toBe(2);
  });
});
