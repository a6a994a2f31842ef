import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicAddress } from '../../src/net/addresses';
import { safeFetch, type DialTarget } from '../../src/net/safe-fetch';

/**
 * The one SSRF-safe fetcher (issue 15, non-negotiable 3). No traffic leaves this machine: names are answered by a
 * stand-in resolver, and where a public address must be "reached", a stand-in dialer records the address it was
 * asked for and connects to a fixture on 127.0.0.1 instead.
 */
let server: http.Server;
let origin: string;
let port: number;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/hello') return res.end('hello');
    if (req.url === '/redirect') {
      res.writeHead(302, { location: 'http://10.0.0.1/' });
      return res.end();
    }
    if (req.url === '/big') return res.end('x'.repeat(20_000));
    if (req.url === '/chunked-big') {
      res.writeHead(200, { 'transfer-encoding': 'chunked' });
      for (let i = 0; i < 40; i++) res.write('y'.repeat(1000));
      return res.end();
    }
    if (req.url === '/slow') return; // never answers
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** A dialer that must never be called: the request is refused before any connection. */
function noDial() {
  const calls: DialTarget[] = [];
  return {
    calls,
    dial: (t: DialTarget) => {
      calls.push(t);
      throw new Error('must not connect');
    },
  };
}

/** A dialer that records the address asked for and connects to the local fixture instead. */
function fixtureDial() {
  const calls: DialTarget[] = [];
  return {
    calls,
    dial: (t: DialTarget) => {
      calls.push(t);
      return net.connect({ host: '127.0.0.1', port });
    },
  };
}

describe('the SSRF rules, with the test allow-list off', () => {
  it.each([
    ['https://127.0.0.1/', '127.0.0.1'],
    ['https://0.0.0.0/', '0.0.0.0'],
    ['https://[::1]/', '::1'],
    ['https://[::ffff:127.0.0.1]/', '::ffff:7f00:1'],
    ['https://[::ffff:7f00:1]/', '::ffff:7f00:1'],
    ['https://169.254.169.254/latest/meta-data/', '169.254.169.254'],
    ['https://10.1.2.3/', '10.1.2.3'],
    ['https://172.16.0.1/', '172.16.0.1'],
    ['https://172.31.255.254/', '172.31.255.254'],
    ['https://192.168.1.1/', '192.168.1.1'],
    ['https://2130706433/', '127.0.0.1'], // decimal
    ['https://0x7f000001/', '127.0.0.1'], // hex
    ['https://0x7f.1/', '127.0.0.1'], // hex, short form
    ['https://017700000001/', '127.0.0.1'], // octal
    ['https://[fd00:ec2::254]/', 'fd00:ec2::254'], // a metadata address in IPv6
    ['https://[fe80::1]/', 'fe80::1'],
  ])('refuses %s before connecting (not a public address)', async (url, address) => {
    const d = noDial();
    const r = await safeFetch(url, { dial: d.dial });
    expect(r).toMatchObject({ ok: false, refusal: 'not_public' });
    if (!r.ok) expect(r.detail).toContain(address);
    expect(d.calls).toEqual([]);
  });

  it('refuses a name that resolves to a private address, and one with any private address among public ones', async () => {
    const d = noDial();
    for (const addresses of [
      [{ address: '192.168.0.10', family: 4 }],
      [
        { address: '93.184.216.34', family: 4 },
        { address: '::1', family: 6 },
      ],
    ]) {
      const r = await safeFetch('https://vendor.example/', { dial: d.dial, resolve: async () => addresses });
      expect(r).toMatchObject({ ok: false, refusal: 'not_public' });
    }
    expect(d.calls).toEqual([]);
  });

  it('connects to the address it checked, though the name resolves to a private one when fetched (DNS rebinding)', async () => {
    const answers = [[{ address: '93.184.216.34', family: 4 }], [{ address: '127.0.0.1', family: 4 }]];
    let lookups = 0;
    const d = fixtureDial();
    const r = await safeFetch(`https://rebind.example:${port}/hello`, { dial: d.dial, resolve: async () => answers[Math.min(lookups++, 1)]! });
    expect(lookups).toBe(1);
    expect(d.calls.map((c) => [c.address, c.host, c.tls])).toEqual([['93.184.216.34', 'rebind.example', true]]);
    expect(r).toMatchObject({ ok: true, status: 200, address: '93.184.216.34' });
  });

  it('refuses http, other schemes, URLs with credentials and names that do not resolve', async () => {
    const d = noDial();
    expect(await safeFetch(`${origin}/hello`, { dial: d.dial })).toMatchObject({ ok: false, refusal: 'not_https' });
    expect(await safeFetch('file:///etc/passwd', { dial: d.dial })).toMatchObject({ ok: false, refusal: 'not_https' });
    expect(await safeFetch('https://user:pw@vendor.example/', { dial: d.dial })).toMatchObject({ ok: false, refusal: 'bad_url' });
    expect(await safeFetch('not a url', { dial: d.dial })).toMatchObject({ ok: false, refusal: 'bad_url' });
    const none = await safeFetch('https://nowhere.example/', {
      dial: d.dial,
      resolve: async () => {
        throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
      },
    });
    expect(none).toMatchObject({ ok: false, refusal: 'unresolvable' });
    expect(d.calls).toEqual([]);
  });

  it('knows public addresses from the others', () => {
    expect(['93.184.216.34', '8.8.8.8', '2606:4700::1111'].every(isPublicAddress)).toBe(true);
    expect(['100.64.0.1', '198.18.0.1', '224.0.0.1', '255.255.255.255', '::', '64:ff9b::7f00:1', '2002:7f00:1::', 'ff02::1', 'x'].some(isPublicAddress)).toBe(
      false,
    );
  });
});

describe('the fetch itself (a fixture on 127.0.0.1 through the test allow-list)', () => {
  const allow = () => [origin];

  it('reads the body of a 200', async () => {
    expect(await safeFetch(`${origin}/hello`, { allow: allow() })).toMatchObject({ ok: true, status: 200, body: Buffer.from('hello') });
  });

  it('does not follow a redirect (here to a private address)', async () => {
    expect(await safeFetch(`${origin}/redirect`, { allow: allow() })).toMatchObject({ ok: false, refusal: 'redirect' });
  });

  it('stops at 16 KB, declared or streamed', async () => {
    expect(await safeFetch(`${origin}/big`, { allow: allow() })).toMatchObject({ ok: false, refusal: 'too_large' });
    expect(await safeFetch(`${origin}/chunked-big`, { allow: allow() })).toMatchObject({ ok: false, refusal: 'too_large' });
  });

  it('gives up at its deadline', async () => {
    const r = await safeFetch(`${origin}/slow`, { allow: allow(), timeoutMs: 300 });
    expect(r).toMatchObject({ ok: false, refusal: 'timeout' });
  });

  it('allows only the origins listed: another port on the same address is refused', async () => {
    expect(await safeFetch(`http://127.0.0.1:${port + 1}/hello`, { allow: allow() })).toMatchObject({ ok: false, refusal: 'not_https' });
    expect(await safeFetch(`https://127.0.0.1:${port}/hello`, { allow: allow() })).toMatchObject({ ok: false, refusal: 'not_public' });
  });
});

describe('https: the certificate is checked', () => {
  it('refuses a site whose certificate no public authority signed (TLS to the checked address, verified)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certmark-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-subj',
        '/CN=127.0.0.1',
        '-days',
        '1',
        '-keyout',
        join(dir, 'k.pem'),
        '-out',
        join(dir, 'c.pem'),
      ],
      { stdio: 'ignore' },
    );
    const tlsServer = https.createServer({ key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) }, (_q, res) => res.end('secret'));
    await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
    const tlsOrigin = `https://127.0.0.1:${(tlsServer.address() as AddressInfo).port}`;
    try {
      const r = await safeFetch(`${tlsOrigin}/`, { allow: [tlsOrigin] });
      expect(r).toMatchObject({ ok: false, refusal: 'network' });
      if (!r.ok) expect(r.detail).toMatch(/self[- ]signed/i);
    } finally {
      tlsServer.closeAllConnections();
      await new Promise((r) => tlsServer.close(r));
    }
  });
});
