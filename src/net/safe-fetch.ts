import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { ipLiteral, isPublicAddress } from './addresses';

/**
 * The one fetcher for everything certmark fetches on someone's behalf (the Art. 10.2 site challenges, issue 15):
 * https only; the name resolved once and every address it has must be public (IPv4 and IPv6, every notation:
 * the WHATWG URL parser turns `2130706433` and `0x7f.1` into `127.0.0.1` before the check); the connection goes
 * to the address that was checked, so a name that resolves elsewhere a moment later changes nothing; no
 * redirects; a deadline; a cap on the body.
 */
export interface SafeFetchOptions {
  /** Every address of a name (default: the system resolver). Tests stand in for it: no traffic leaves the machine. */
  resolve?: (host: string) => Promise<{ address: string; family: number }[]>;
  /** Opens the connection to the checked address (default: TCP, TLS for https). A seam for tests. */
  dial?: (target: DialTarget) => Duplex;
  /**
   * Test-only: origins (`http://127.0.0.1:4010`) fetched although they are not https or not public. Empty by
   * default; set by CERTMARK_TEST_FETCH_ALLOW, which a production configuration never sets.
   */
  allow?: readonly string[];
  timeoutMs?: number;
  maxBytes?: number;
  /** Request headers sent besides certmark's own (the integration checker passes a page's Origin and Referer on). */
  headers?: Readonly<Record<string, string>>;
}

export interface DialTarget {
  address: string;
  family: number;
  port: number;
  /** https: TLS, with the certificate checked for `host`. */
  tls: boolean;
  /** The URL's host name (or IP literal): SNI and the certificate's name. */
  host: string;
}

export type FetchRefusal = 'bad_url' | 'not_https' | 'not_public' | 'unresolvable' | 'redirect' | 'timeout' | 'too_large' | 'network';

export type SafeFetchResult =
  | { ok: true; status: number; contentType: string | null; body: Buffer; address: string; headers: Record<string, string> }
  | { ok: false; refusal: FetchRefusal; detail: string };

export const FETCH_TIMEOUT_MS = 5_000;
export const FETCH_MAX_BYTES = 16 * 1024;

const systemResolve = (host: string) => lookup(host, { all: true, verbatim: true });

function systemDial(t: DialTarget): Duplex {
  if (!t.tls) return net.connect({ host: t.address, port: t.port, family: t.family });
  const literal = ipLiteral(t.host);
  return tls.connect({
    host: t.address,
    port: t.port,
    ALPNProtocols: ['http/1.1'],
    // SNI is a name, never an address; the certificate is checked against the URL's host either way
    ...(literal ? {} : { servername: t.host }),
    checkServerIdentity: (_host, cert) => tls.checkServerIdentity(literal ? literal.address : t.host, cert),
  });
}

const refused = (refusal: FetchRefusal, detail: string): SafeFetchResult => ({ ok: false, refusal, detail });

/** Where the URL may be fetched from: the checked address, or why not. */
async function checkedTarget(url: URL, options: SafeFetchOptions): Promise<DialTarget | SafeFetchResult> {
  const allowed = (options.allow ?? []).includes(url.origin);
  if (url.protocol !== 'https:' && !(allowed && url.protocol === 'http:')) return refused('not_https', `only https URLs are fetched, not ${url.protocol}`);
  if (url.username || url.password) return refused('bad_url', 'a URL with credentials is not fetched');
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const literal = ipLiteral(url.hostname);
  let addresses: { address: string; family: number }[];
  if (literal) addresses = [literal];
  else {
    try {
      addresses = await (options.resolve ?? systemResolve)(url.hostname);
    } catch {
      return refused('unresolvable', `${url.hostname} does not resolve`);
    }
    if (addresses.length === 0) return refused('unresolvable', `${url.hostname} has no address`);
  }
  // every address the name has must be public: a client may pick any of them
  const bad = addresses.find((a) => !isPublicAddress(a.address));
  if (bad && !allowed) return refused('not_public', `${url.hostname} resolves to ${bad.address}, which is not a public address`);
  const first = addresses[0]!;
  return { address: first.address, family: first.family, port, tls: url.protocol === 'https:', host: url.hostname };
}

/** GETs the URL under the rules above. Never throws: every failure is a refusal with a reason. */
export async function safeFetch(raw: string, options: SafeFetchOptions = {}): Promise<SafeFetchResult> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refused('bad_url', 'not a URL');
  }
  const target = await checkedTarget(url, options);
  if ('ok' in target) return target;
  const dial = options.dial ?? systemDial;
  const timeoutMs = options.timeoutMs ?? FETCH_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? FETCH_MAX_BYTES;
  return new Promise<SafeFetchResult>((resolve) => {
    let settled = false;
    const finish = (r: SafeFetchResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => finish(refused('timeout', `no complete answer within ${timeoutMs} ms`)), timeoutMs);
    const req = (target.tls ? https : http).request(
      {
        method: 'GET',
        protocol: url.protocol,
        host: url.hostname,
        port: target.port,
        path: `${url.pathname}${url.search}`,
        headers: { accept: '*/*', ...options.headers, host: url.host, 'user-agent': 'certmark-site-check/1' },
        // no agent: with createConnection given, Node uses it for this request alone (an agent would dial the
        // name itself); the connection goes to the checked address, whatever the name resolves to now
        createConnection: () => dial(target),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) return finish(refused('redirect', `the answer was a redirect (${status}); redirects are not followed`));
        const declared = Number(res.headers['content-length'] ?? 0);
        if (declared > maxBytes) return finish(refused('too_large', `the answer is over ${maxBytes} bytes`));
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) return finish(refused('too_large', `the answer is over ${maxBytes} bytes`));
          chunks.push(chunk);
        });
        res.on('end', () =>
          finish({
            ok: true,
            status,
            contentType: res.headers['content-type'] ?? null,
            body: Buffer.concat(chunks),
            address: target.address,
            headers: Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')])),
          }),
        );
        res.on('error', (e) => finish(refused('network', e.message)));
      },
    );
    req.on('error', (e) => finish(refused('network', e.message)));
    req.end();
  });
}
