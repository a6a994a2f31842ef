import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwkThumbprint } from '../../src/keys/ring';
import { testApp, type TestApp } from '../support/app';
import { certifiedWithToken, get } from './support';

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** A forged token for each attack of the issue; each must be refused with 404 (never 200, never 500). */
describe('forged embed tokens are refused with 404, never 500', () => {
  let t: TestApp;
  let real: { token: string; number: string; jti: string };
  let forged: Record<string, string>;

  beforeAll(async () => {
    t = await testApp();
    real = await certifiedWithToken(t);
    const [h, p] = real.token.split('.') as [string, string, string];
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const ours = t.deps.keys.currentSigner();
    const signOurs = (hdr: unknown, body: unknown) => {
      const input = `${b64(hdr)}.${b64(body)}`;
      return `${input}.${sign(null, Buffer.from(input), ours.privateKey).toString('base64url')}`;
    };
    const attacker = generateKeyPairSync('ed25519');
    const attackerJwk = attacker.publicKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string };
    const attackerKid = await jwkThumbprint(attackerJwk);
    const signAttacker = (hdr: unknown, body: unknown) => {
      const input = `${b64(hdr)}.${b64(body)}`;
      return `${input}.${sign(null, Buffer.from(input), attacker.privateKey).toString('base64url')}`;
    };
    const ourJwk = t.deps.keys.jwks().keys[0]!;
    const hs256 = (secret: Buffer | string) => {
      const input = `${b64({ ...header, alg: 'HS256' })}.${p}`;
      return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
    };
    forged = {
      'alg none, no signature': `${b64({ ...header, alg: 'none' })}.${p}.`,
      'alg None with a signature': `${b64({ ...header, alg: 'None' })}.${p}.${real.token.split('.')[2]}`,
      'alg none signed by our key': signOurs({ ...header, alg: 'none' }, claims),
      'HS256 with the public key (x) as secret': hs256(Buffer.from(ourJwk.x, 'base64url')),
      'HS256 with the public JWK JSON as secret': hs256(JSON.stringify(ourJwk)),
      'wrong issuer, signed by our key': signOurs(header, { ...claims, iss: 'https://evil.example' }),
      'another service number, signed by our key': signOurs(header, { ...claims, sub: 'MD-9999-2604' }),
      'never issued (not in our table), signed by our key': signOurs(header, { ...claims, jti: 'AAAAAAAAAAAAAAAAAAAAAA' }),
      'extra origins added, signed by our key': signOurs(header, { ...claims, origins: [...claims.origins, 'https://evil.example'] }),
      'extra claim (exp), signed by our key': signOurs(header, { ...claims, exp: 9999999999 }),
      'typ missing': signOurs({ alg: 'EdDSA', kid: header.kid }, claims),
      'typ JWT': signOurs({ ...header, typ: 'JWT' }, claims),
      'unknown kid (attacker key)': signAttacker({ ...header, kid: attackerKid }, claims),
      'our kid, attacker signature': signAttacker(header, claims),
      'kid with SQL injection text': signAttacker({ ...header, kid: "x' OR '1'='1" }, claims),
      'kid with path traversal': signAttacker({ ...header, kid: '../../../../etc/passwd' }, claims),
      'kid as a number': signAttacker({ ...header, kid: 1 }, claims),
      'jku header to an attacker JWKS': signAttacker({ ...header, jku: 'https://evil.example/jwks.json' }, claims),
      'jku header, signed by our key': signOurs({ ...header, jku: 'https://evil.example/jwks.json' }, claims),
      'x5u header': signAttacker({ ...header, x5u: 'https://evil.example/cert.pem' }, claims),
      'embedded jwk header (attacker key)': signAttacker({ ...header, kid: attackerKid, jwk: attackerJwk }, claims),
      'x5c header': signAttacker({ ...header, x5c: ['MIIB'] }, claims),
      'crit header, signed by our key': signOurs({ ...header, crit: ['exp'] }, claims),
      'b64 false, signed by our key': signOurs({ ...header, b64: false, crit: ['b64'] }, claims),
      'flattened JSON serialisation': JSON.stringify({ protected: h, payload: p, signature: real.token.split('.')[2] }),
      'general JSON serialisation': JSON.stringify({ payload: p, signatures: [{ protected: h, signature: real.token.split('.')[2] }] }),
      'extra segment': `${real.token}.AAAA`,
      'five segments (JWE shape)': `${h}.AAAA.AAAA.${p}.AAAA`,
      'two segments': `${h}.${p}`,
      'empty signature': `${h}.${p}.`,
      'truncated signature': real.token.slice(0, -3),
      'non-canonical base64 in the signature': `${real.token.slice(0, -1)}${String.fromCharCode(real.token.charCodeAt(real.token.length - 1) ^ 1)}`,
      'standard base64 padding': `${real.token}==`,
      'header not JSON': `${b64('not json')}.${p}.${real.token.split('.')[2]}`,
      'header a JSON array': `${b64([1, 2])}.${p}.${real.token.split('.')[2]}`,
      'payload a JSON string': signOurs(header, 'MD-0001-2604'),
      '10 KB of letters': 'a'.repeat(10 * 1024),
      '10 KB token: a real one padded with an origin list': signOurs(header, {
        ...claims,
        origins: Array.from({ length: 200 }, (_, i) => `https://o${i}.example.jp`),
      }),
      '3 KB just over the limit': `${real.token}${'A'.repeat(3 * 1024)}`,
      unicode: 'ｅｙＪ.ｅｙＪ.ｅｙＪ',
      'only dots': '...',
    };
  });
  afterAll(async () => {
    await t.close();
  });

  it('accepts the real token (the control)', async () => {
    expect((await get(t, `/mark/${real.token}.svg`)).status).toBe(200);
  });

  const cases = [
    'alg none, no signature',
    'alg None with a signature',
    'alg none signed by our key',
    'HS256 with the public key (x) as secret',
    'HS256 with the public JWK JSON as secret',
    'wrong issuer, signed by our key',
    'another service number, signed by our key',
    'never issued (not in our table), signed by our key',
    'extra origins added, signed by our key',
    'extra claim (exp), signed by our key',
    'typ missing',
    'typ JWT',
    'unknown kid (attacker key)',
    'our kid, attacker signature',
    'kid with SQL injection text',
    'kid with path traversal',
    'kid as a number',
    'jku header to an attacker JWKS',
    'jku header, signed by our key',
    'x5u header',
    'embedded jwk header (attacker key)',
    'x5c header',
    'crit header, signed by our key',
    'b64 false, signed by our key',
    'flattened JSON serialisation',
    'general JSON serialisation',
    'extra segment',
    'five segments (JWE shape)',
    'two segments',
    'empty signature',
    'truncated signature',
    'non-canonical base64 in the signature',
    'standard base64 padding',
    'header not JSON',
    'header a JSON array',
    'payload a JSON string',
    '10 KB of letters',
    '10 KB token: a real one padded with an origin list',
    '3 KB just over the limit',
    'unicode',
    'only dots',
  ];

  it.each(cases)('%s: mark SVG and PNG answer 404 with a notice image', async (name) => {
    const token = encodeURIComponent(forged[name]!);
    expect(token).not.toBe(encodeURIComponent(real.token));
    for (const ext of ['svg', 'png']) {
      const r = await get(t, `/mark/${token}.${ext}`);
      expect(r.status, `${name} .${ext}`).toBe(404);
      expect(r.headers.get('content-type')).toMatch(ext === 'svg' ? /^image\/svg\+xml/ : /^image\/png/);
      expect(r.headers.get('certification-status')).toBe('unknown');
      expect(r.headers.get('cache-control')).toBe('no-store');
    }
  });

  it.each(cases)('%s: badge JSON answers 404 problem+json, badge image 404', async (name) => {
    const token = encodeURIComponent(forged[name]!);
    const json = await get(t, `/api/v1/badge/${token}`);
    expect(json.status).toBe(404);
    expect(json.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(json.headers.get('access-control-allow-origin')).toBe('*');
    const image = await get(t, `/badge/${token}.svg`);
    expect(image.status).toBe(404);
  });

  it('refuses the forged tokens in the verifier itself, naming why', async () => {
    const { verifyEmbedToken } = await import('../../src/tokens/verify');
    const deps = { db: t.deps.database.db, keys: t.deps.keys, issuer: t.config.publicBaseUrl };
    const why = async (name: string) => {
      const v = await verifyEmbedToken(forged[name]!, deps);
      return v.ok ? 'accepted' : v.refusal;
    };
    expect(await why('alg none, no signature')).toBe('malformed');
    expect(await why('alg None with a signature')).toBe('alg');
    expect(await why('HS256 with the public key (x) as secret')).toBe('alg');
    expect(await why('wrong issuer, signed by our key')).toBe('issuer');
    expect(await why('unknown kid (attacker key)')).toBe('unknown_kid');
    expect(await why('our kid, attacker signature')).toBe('signature');
    expect(await why('kid with SQL injection text')).toBe('kid');
    expect(await why('jku header, signed by our key')).toBe('header');
    expect(await why('embedded jwk header (attacker key)')).toBe('header');
    expect(await why('never issued (not in our table), signed by our key')).toBe('unknown_token');
    expect(await why('10 KB of letters')).toBe('too_long');
    expect(await why('flattened JSON serialisation')).toBe('malformed');
  });
});
