import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../support/app';

describe('operations endpoints', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(async () => t.close());

  it('answers /healthz and /readyz', async () => {
    expect((await t.app.request('/healthz')).status).toBe(200);
    expect(await (await t.app.request('/readyz')).json()).toEqual({ status: 'ok' });
  });

  it('describes the API at /openapi.json (OpenAPI 3.1)', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/readyz');
  });

  it('serves /docs with its assets from the package, not from a CDN', async () => {
    const page = await (await t.app.request('/docs')).text();
    expect(page).not.toMatch(/https?:\/\//);
    expect((await t.app.request('/docs/swagger-ui-bundle.js')).status).toBe(200);
    expect((await t.app.request('/docs/../../package.json')).status).toBe(404);
  });

  it('answers unknown paths with problem+json', async () => {
    const res = await t.app.request('/no/such/thing');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('sends strict security headers', async () => {
    const res = await t.app.request('/healthz');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
