import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testApp, type TestApp } from '../support/app';
import { countRows, crawlerKey, markPng, postSighting } from './support';

let t: TestApp;
let key: string;
beforeAll(async () => {
  t = await testApp({ now: '2026-04-01T03:00:00Z' });
  key = (await crawlerKey(t)).key;
});
afterAll(async () => t.close());

async function expectInvalid(fields: Parameters<typeof postSighting>[2], field: string, status = 400) {
  const before = await countRows(t);
  const res = await postSighting(t, key, fields);
  expect(res.status).toBe(status);
  expect(await res.json()).toMatchObject({ field });
  expect(await countRows(t)).toEqual(before);
}

describe('POST /api/v1/sightings: the fields', () => {
  it('takes only absolute http(s) page URLs of bounded length, without credentials', async () => {
    const image = await markPng();
    await expectInvalid({ image, pageUrl: 'ftp://vendor.example/' }, 'pageUrl');
    await expectInvalid({ image, pageUrl: 'javascript:alert(1)' }, 'pageUrl');
    await expectInvalid({ image, pageUrl: '/relative/page' }, 'pageUrl');
    await expectInvalid({ image, pageUrl: 'https://user:secret@vendor.example/' }, 'pageUrl');
    await expectInvalid({ image, pageUrl: `https://vendor.example/${'a'.repeat(2100)}` }, 'pageUrl');
  });

  it('takes seenAt as RFC 3339, not absurdly in the future', async () => {
    const image = await markPng();
    await expectInvalid({ image, seenAt: '2026-04-01 03:00' }, 'seenAt');
    await expectInvalid({ image, seenAt: '2026-04-01T03:00:00' }, 'seenAt');
    await expectInvalid({ image, seenAt: '2026-02-30T03:00:00Z' }, 'seenAt');
    await expectInvalid({ image, seenAt: '2026-04-02T03:00:00Z' }, 'seenAt');
    await expectInvalid({ image, seenAt: '1999-12-31T23:59:59Z' }, 'seenAt');
    expect((await postSighting(t, key, { image, seenAt: '2026-04-01T12:01:00+09:00', pageUrl: 'https://skew.example/' })).status).toBe(201);
  });

  it('needs the image, or the hash of one sent before, not both', async () => {
    await expectInvalid({ image: null }, 'image');
    await expectInvalid({ image: null, imageSha256: 'ab'.repeat(32) }, 'imageSha256');
    await expectInvalid({ image: null, imageSha256: 'not-a-hash' }, 'imageSha256');
    await expectInvalid({ image: await markPng(), imageSha256: 'ab'.repeat(32) }, 'image');
  });

  it('bounds linkHref and token', async () => {
    const image = await markPng();
    await expectInvalid({ image, linkHref: `https://x.example/${'a'.repeat(2100)}` }, 'linkHref');
    await expectInvalid({ image, token: 'a'.repeat(9000) }, 'token');
  });

  it('takes multipart/form-data only', async () => {
    const res = await t.app.request('/api/v1/sightings', {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Idempotency-Key': 'json-1', 'Content-Type': 'application/json' },
      body: JSON.stringify({ pageUrl: 'https://vendor.example/', seenAt: '2026-04-01T03:00:00Z' }),
    });
    expect(res.status).toBe(415);
    const broken = await t.app.request('/api/v1/sightings', {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Idempotency-Key': 'mp-1', 'Content-Type': 'multipart/form-data; boundary=xyz' },
      body: '--xyz\r\nContent-Disposition: form-data; name="pageUrl"\r\n\r\nhttps://a.example/\r\n--xy',
    });
    expect(broken.status).toBe(400);
  });

  it('never fetches the URLs it is sent', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const res = await postSighting(t, key, {
      image: await markPng(),
      pageUrl: 'https://attacker.example/page',
      linkHref: 'http://169.254.169.254/latest/meta-data/',
    });
    expect(res.status).toBe(201);
    expect(fetchSpy).not.toHaveBeenCalled();
    fetchSpy.mockRestore();
  });

  it('is described in /openapi.json', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(doc.paths['/api/v1/sightings']?.post).toBeDefined();
    expect(doc.paths['/api/v1/admin/cases']?.get).toBeDefined();
    expect(doc.paths['/api/v1/admin/crawler-keys']?.post).toBeDefined();
  });
});
