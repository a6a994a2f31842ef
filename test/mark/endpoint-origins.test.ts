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
});
