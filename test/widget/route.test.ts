import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embedSnippet } from '../../src/routes/widget';
import { testApp, type TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => t.close());

describe('GET /widget.js (the badge script)', () => {
  it('serves the bundle as JavaScript to every origin, cached five minutes', async () => {
    const res = await t.app.request('/widget.js', { headers: { Origin: 'https://vendor.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(await res.text()).toBe(t.deps.widget.code);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/widget.js');
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const first = await t.app.request('/widget.js');
    const again = await t.app.request('/widget.js', { headers: { 'If-None-Match': first.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });
});

describe('GET /widget.{hash}.js (the pinned badge script)', () => {
  it('serves the same bytes under the content hash, immutable for a year, matching its integrity', async () => {
    const { hash, integrity, code } = t.deps.widget;
    const res = await t.app.request(`/widget.${hash}.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const body = await res.text();
    expect(body).toBe(code);
    expect(`sha384-${createHash('sha384').update(body).digest('base64')}`).toBe(integrity);
  });

  it('answers 404 problem+json for another hash', async () => {
    const res = await t.app.request('/widget.0123456789abcdef.js');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('embed snippet', () => {
  const bundle = { hash: 'abc123', integrity: 'sha384-xyz' };

  it('pins the hashed script with its integrity, then the badge, then the noscript badge image linking to the verification page', () => {
    const snippet = embedSnippet({ base: 'https://certmark.test/', token: 'h.p.s', number: 'MD-0042-2411', bundle });
    expect(snippet.split('\n')).toEqual([
      '<script src="https://certmark.test/widget.abc123.js" integrity="sha384-xyz" crossorigin="anonymous" async></script>',
      '<certmark-badge token="h.p.s"></certmark-badge>',
      '<noscript><a href="https://certmark.test/verify/MD-0042-2411"><img src="https://certmark.test/badge/h.p.s.svg" alt="認定 MD-0042-2411 / Certification MD-0042-2411"></a></noscript>',
    ]);
  });

  it('escapes what it is given', () => {
    const snippet = embedSnippet({ base: 'https://certmark.test', token: '"><script>', number: 'MD-1"', bundle });
    expect(snippet).not.toContain('"><script>');
    expect(snippet).not.toContain('MD-1"');
  });
});
