import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  challengeInstructions,
  checkChallenge,
  dnsChallengeName,
  dnsTxtValue,
  keyAuthorization,
  newChallengeToken,
  type Challenge,
} from '../../src/origins/challenge';

/**
 * Proving a registered site (Art. 10.2, two-sided; issue 15) against fixture sites on 127.0.0.1, which the test
 * allow-list of the fetcher lets through; DNS answers come from a stand-in resolver.
 */
let site: http.Server;
let origin: string;
/** What the fixture site serves at each challenge path. */
const served = new Map<string, { status: number; body: string; location?: string }>();

beforeAll(async () => {
  site = http.createServer((req, res) => {
    if (req.url === '/.well-known/certmark-challenge/slow') return; // never answers
    const s = served.get(req.url ?? '');
    if (!s) return res.writeHead(404).end('not here');
    res.writeHead(s.status, s.location ? { location: s.location } : {});
    res.end(s.body);
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
});
afterAll(async () => {
  site.closeAllConnections();
  await new Promise((r) => site.close(r));
});

const challenge = (over: Partial<Challenge> = {}): Challenge => ({ serviceId: 'svc_1', origin, method: 'http-01', token: newChallengeToken(), ...over });
const fetchOptions = () => ({ fetch: { allow: [origin], timeoutMs: 500 } });

describe('http-01: the key authorization at /.well-known/certmark-challenge/{token}', () => {
  it('is valid when the site serves the key authorization (a trailing newline is fine)', async () => {
    const c = challenge();
    served.set(`/.well-known/certmark-challenge/${c.token}`, { status: 200, body: `${keyAuthorization(c)}\n` });
    expect(await checkChallenge(c, fetchOptions())).toEqual({ valid: true });
    expect(challengeInstructions(c)).toEqual({ url: `${origin}/.well-known/certmark-challenge/${c.token}`, content: keyAuthorization(c) });
  });

  it('is refused when the content is wrong, or is another service’s proof', async () => {
    const c = challenge();
    served.set(`/.well-known/certmark-challenge/${c.token}`, { status: 200, body: keyAuthorization({ ...c, serviceId: 'svc_other' }) });
    expect(await checkChallenge(c, fetchOptions())).toMatchObject({ valid: false, problem: expect.stringContaining('does not hold') });
    served.set(`/.well-known/certmark-challenge/${c.token}`, { status: 200, body: c.token });
    expect(await checkChallenge(c, fetchOptions())).toMatchObject({ valid: false });
  });

  it('is refused when the path is missing (404)', async () => {
    expect(await checkChallenge(challenge(), fetchOptions())).toMatchObject({ valid: false, problem: expect.stringContaining('404') });
  });

  it('is refused when the site redirects, here to a private address', async () => {
    const c = challenge();
    served.set(`/.well-known/certmark-challenge/${c.token}`, {
      status: 302,
      body: '',
      location: `http://169.254.169.254/.well-known/certmark-challenge/${c.token}`,
    });
    expect(await checkChallenge(c, fetchOptions())).toMatchObject({ valid: false, problem: expect.stringMatching(/^redirect/) });
  });

  it('reports a timeout when the site does not answer', async () => {
    expect(await checkChallenge(challenge({ token: 'slow' }), fetchOptions())).toMatchObject({ valid: false, problem: expect.stringMatching(/^timeout/) });
  });

  it('is refused for a site on a private address when the allow-list is off', async () => {
    const c = challenge();
    served.set(`/.well-known/certmark-challenge/${c.token}`, { status: 200, body: keyAuthorization(c) });
    expect(await checkChallenge(c)).toMatchObject({ valid: false, problem: expect.stringMatching(/^not_https/) });
    expect(await checkChallenge({ ...c, origin: 'https://127.0.0.1' })).toMatchObject({ valid: false, problem: expect.stringMatching(/^not_public/) });
  });
});

describe('dns-01: the digest as a TXT record at _certmark-challenge.{host}', () => {
  const c = challenge({ origin: 'https://karte.vendor.example', method: 'dns-01' });
  const resolver = (records: Record<string, string[][]>) => async (name: string) => {
    const r = records[name];
    if (!r) throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return r;
  };

  it('is valid when one of the TXT records holds the digest, also when split into strings', async () => {
    const value = dnsTxtValue(c);
    expect(dnsChallengeName(c.origin)).toBe('_certmark-challenge.karte.vendor.example');
    expect(challengeInstructions(c)).toEqual({ name: '_certmark-challenge.karte.vendor.example', type: 'TXT', value });
    const whole = resolver({ '_certmark-challenge.karte.vendor.example': [['v=spf1 -all'], [value]] });
    expect(await checkChallenge(c, { resolveTxt: whole })).toEqual({ valid: true });
    const split = resolver({ '_certmark-challenge.karte.vendor.example': [[value.slice(0, 20), value.slice(20)]] });
    expect(await checkChallenge(c, { resolveTxt: split })).toEqual({ valid: true });
  });

  it('is refused when the record is missing or holds another value', async () => {
    expect(await checkChallenge(c, { resolveTxt: resolver({}) })).toMatchObject({ valid: false, problem: expect.stringContaining('no TXT record') });
    const wrong = resolver({ '_certmark-challenge.karte.vendor.example': [[dnsTxtValue({ ...c, origin: 'https://other.example' })]] });
    expect(await checkChallenge(c, { resolveTxt: wrong })).toMatchObject({ valid: false, problem: expect.stringContaining('expected value') });
  });
});
