import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeyRing, loadKeyRing } from '../../src/keys/ring';
import { KeySecretError } from '../../src/keys/secret';
import { silentLogger } from '../../src/logger';
import { issueEmbedToken, retireEmbedToken } from '../../src/tokens/issue';
import { TOKEN_TYP } from '../../src/tokens/jws';
import { testApp, type TestApp } from '../support/app';
import { certifiedWithToken, get } from './support';

/** Ed25519 signing keys: made on first start, sealed at rest, published as a JWKS, rotated. */
describe('signing keys and the JWKS', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp({ config: { keySecret: 'a-test-key-secret-of-at-least-32-chars!' } });
  });
  afterEach(async () => {
    await t.close();
  });

  it('makes one Ed25519 key on first start and keeps its private part sealed (AES-256-GCM), never in clear', async () => {
    const rows = await t.deps.database.db.selectFrom('signing_keys').selectAll().execute();
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row.alg).toBe('EdDSA');
    expect(row.public_jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    expect(row.public_jwk).not.toHaveProperty('d');
    expect(row.private_enc).toMatch(/^v1\.[\w-]+\.[\w-]+$/);
    expect(row.private_enc).not.toContain('"d"');
  });

  it('a second start on the same database reuses the key', async () => {
    const before = t.deps.keys.currentSigner().kid;
    const again = await loadKeyRing(t.deps.database, { secret: 'a-test-key-secret-of-at-least-32-chars!', source: 'config' }, t.clock, silentLogger);
    expect(again.currentSigner().kid).toBe(before);
    expect(await t.deps.database.db.selectFrom('signing_keys').selectAll().execute()).toHaveLength(1);
  });

  it('refuses to start with a secret that does not open the key, naming the setting', async () => {
    await expect(loadKeyRing(t.deps.database, { secret: 'another-secret-another-secret-another!', source: 'config' }, t.clock, silentLogger)).rejects.toThrow(
      KeySecretError,
    );
    await expect(loadKeyRing(t.deps.database, { secret: 'another-secret-another-secret-another!', source: 'config' }, t.clock, silentLogger)).rejects.toThrow(
      /CERTMARK_KEY_SECRET/,
    );
  });

  it('publishes the public key at /.well-known/jwks.json with CORS and a short cache', async () => {
    const r = await get(t, '/.well-known/jwks.json');
    expect(r.status).toBe(200);
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    expect(r.headers.get('cache-control')).toBe('public, max-age=300');
    expect(r.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const jwks = await r.json();
    expect(jwks.keys).toEqual([{ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: t.deps.keys.currentSigner().kid, alg: 'EdDSA', use: 'sig' }]);
  });

  it('tokens carry the claims of CONTRACT.md and verify with any JOSE library and the JWKS', async () => {
    const s = await certifiedWithToken(t);
    const jwks = createLocalJWKSet(await (await get(t, '/.well-known/jwks.json')).json());
    const { payload, protectedHeader } = await jwtVerify(s.token, jwks, { issuer: t.config.publicBaseUrl, algorithms: ['EdDSA'], typ: TOKEN_TYP });
    expect(protectedHeader).toEqual({ alg: 'EdDSA', typ: TOKEN_TYP, kid: t.deps.keys.currentSigner().kid });
    expect(Object.keys(payload).sort()).toEqual(['iat', 'iss', 'jti', 'origins', 'sub']);
    expect(payload).toMatchObject({ iss: 'https://certmark.test', sub: s.number, origins: ['https://clinic-cloud.example.jp'], jti: s.jti });
    expect(payload.iat).toBe(Math.floor(t.clock.now().getTime() / 1000));
  });

  it('rotation: the new key signs; the old key still verifies its live tokens and stays in the JWKS until they are retired', async () => {
    const old = await certifiedWithToken(t);
    const oldKid = t.deps.keys.currentSigner().kid;
    const rotated = await t.deps.keys.rotate();
    expect(rotated.retired).toEqual([oldKid]);
    expect(t.deps.keys.currentSigner().kid).toBe(rotated.kid);
    const fresh = await certifiedWithToken(t);
    expect(JSON.parse(Buffer.from(fresh.token.split('.')[0]!, 'base64url').toString()).kid).toBe(rotated.kid);

    expect((await get(t, `/mark/${old.token}.svg`)).status).toBe(200);
    expect((await get(t, `/mark/${fresh.token}.svg`)).status).toBe(200);
    const kids = async () => ((await (await get(t, '/.well-known/jwks.json')).json()).keys as { kid: string }[]).map((k) => k.kid).sort();
    expect(await kids()).toEqual([oldKid, rotated.kid].sort());

    await retireEmbedToken({ db: t.deps.database.db, clock: t.clock, keys: t.deps.keys }, old.jti);
    await t.deps.keys.reload();
    expect(await kids()).toEqual([rotated.kid]);
    expect((await get(t, `/mark/${old.token}.svg`)).status).toBe(404);
  });

  it('a token signed by a key another process just made is verified here (the kid is looked up again)', async () => {
    const other = new KeyRing(t.deps.database.db, { secret: 'a-test-key-secret-of-at-least-32-chars!', source: 'config' }, t.clock);
    await other.reload();
    const { kid } = await other.rotate();
    const s = await certifiedWithToken(t);
    const fromOther = await issueEmbedToken({ db: t.deps.database.db, clock: t.clock, keys: other, base: t.config.publicBaseUrl }, s.id, { origins: null });
    expect(JSON.parse(Buffer.from(fromOther.token.split('.')[0]!, 'base64url').toString()).kid).toBe(kid);
    expect((await get(t, `/mark/${fromOther.token}.svg`)).status).toBe(200);
    expect(t.deps.keys.publicKey(kid)).toBeDefined();
  });

  it('describes the keys for staff: signing, published, live tokens', async () => {
    await certifiedWithToken(t);
    const [k] = await t.deps.keys.describe();
    expect(k).toMatchObject({ alg: 'EdDSA', signing: true, published: true, liveTokens: 1, retiredAt: null });
  });
});
