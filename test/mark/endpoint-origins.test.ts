import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../support/app';
import { certifiedWithToken, get, OTHER_SITE, SITE } from '../tokens/support';

/** Art. 10.2: the mark only on the sites the token names. Origin first, else Referer's origin; none sent = allowed. */
describe('the requesting site (Art. 10.2)', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await testApp();
    token = (await certifiedWithToken(t, { origins: [SITE, 'http://localhost:8080'] })).token;
  });
  afterAll(async () => {
    await t.close();
  });

  const cases: [string, Record<string, string>, number][] = [
    ['allowed Origin', { Origin: SITE }, 200],
    ['allowed origin with an explicit default port', { Origin: `${SITE}:443` }, 200],
    ['allowed origin on a non-default port', { Origin: 'http://localhost:8080' }, 200],
    ['other Origin', { Origin: OTHER_SITE }, 403],
    ['same host, other scheme', { Origin: 'http://clinic-cloud.example.jp' }, 403],
    ['same host, other port', { Origin: `${SITE}:8443` }, 403],
    ['a subdomain of the allowed site', { Origin: 'https://evil.clinic-cloud.example.jp' }, 403],
    ['missing Origin and Referer', {}, 200],
    ['Origin: null (sandboxed frame, data: page)', { Origin: 'null' }, 403],
    ['allowed Referer, no Origin', { Referer: `${SITE}/products/karte?x=1` }, 200],
    ['other Referer, no Origin', { Referer: `${OTHER_SITE}/page` }, 403],
    ['Referer that is not a URL', { Referer: 'not a url' }, 403],
    ['Referer with a non-web scheme', { Referer: 'file:///C:/page.html' }, 403],
    ['Origin wins over Referer: other Origin, allowed Referer', { Origin: OTHER_SITE, Referer: `${SITE}/` }, 403],
    ['Origin wins over Referer: allowed Origin, other Referer', { Origin: SITE, Referer: `${OTHER_SITE}/` }, 200],
    ['Origin with a path (not an origin)', { Origin: `${SITE}/x` }, 403],
    ['Referer of the allowed site with an explicit default port', { Referer: `${SITE}:443/page` }, 200],
    ['Referer of the allowed site in capitals', { Referer: `${SITE.toUpperCase()}/page` }, 200],
    ['Referer that starts with the allowed site as userinfo', { Referer: `${SITE}@evil.example/page` }, 403],
    ['Referer with the allowed site after a backslash', { Referer: `https://evil.example\\${SITE.slice(8)}/page` }, 403],
    ['Referer of the allowed site followed by more host', { Referer: `${SITE}.evil.example/page` }, 403],
    ['Referer that is the allowed site without a path', { Referer: SITE }, 200],
  ];

  it.each(cases)('%s → %i', async (_name, headers, expected) => {
    for (const ext of ['svg', 'png']) {
      const r = await get(t, `/mark/${token}.${ext}`, headers);
      expect(r.status).toBe(expected);
      expect(r.headers.get('certification-status')).toBe('certified');
    }
    const badge = await (await get(t, `/api/v1/badge/${token}`, headers)).json();
    expect(badge.siteAllowed).toBe(expected === 200);
    expect(badge.showMark).toBe(expected === 200);
    expect((await get(t, `/badge/${token}.svg`, headers)).status).toBe(expected);
  });

  describe('Art. 10.2: the registered origins, whatever the token names', () => {
    it('removing an origin from the service makes the mark answer 403 there at once; the token stays, and the other site keeps the mark', async () => {
      const s = await certifiedWithToken(t, { origins: [SITE, 'https://old.clinic-cloud.example.jp'] });
      const old = { Origin: 'https://old.clinic-cloud.example.jp' };
      expect((await get(t, `/mark/${s.token}.svg`, old)).status).toBe(200);
      expect((await t.json('POST', `/api/v1/admin/services/${s.id}/origins`, { origins: [SITE] })).status).toBe(200);
      const r = await get(t, `/mark/${s.token}.svg`, old);
      expect(r.status).toBe(403);
      expect(r.headers.get('certification-status')).toBe('certified');
      expect((await get(t, `/mark/${s.token}.svg`, { Origin: SITE })).status).toBe(200);
      expect((await (await get(t, `/api/v1/badge/${s.token}`, old)).json()).showMark).toBe(false);
      // registered again: served again, with the same token
      expect((await t.json('POST', `/api/v1/admin/services/${s.id}/origins`, { origins: [SITE, 'https://old.clinic-cloud.example.jp'] })).status).toBe(200);
      expect((await get(t, `/mark/${s.token}.svg`, old)).status).toBe(200);
    });

    it('a token issued while a site was registered stops serving the mark there once the site is removed', async () => {
      const s = await certifiedWithToken(t);
      const { issueEmbedToken } = await import('../../src/tokens/issue');
      await t.json('POST', `/api/v1/admin/services/${s.id}/origins`, { origins: [SITE, OTHER_SITE] });
      const wide = await issueEmbedToken({ db: t.deps.database.db, clock: t.clock, keys: t.deps.keys, base: t.config.publicBaseUrl }, s.id, { origins: null });
      await t.json('POST', `/api/v1/admin/services/${s.id}/origins`, { origins: [SITE] });
      expect((await get(t, `/mark/${wide.token}.svg`, { Origin: OTHER_SITE })).status).toBe(403);
      expect((await get(t, `/mark/${wide.token}.svg`, { Origin: SITE })).status).toBe(200);
    });
  });
});
