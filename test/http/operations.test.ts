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

  it('names every operation (unique operationId), says who may call it, and documents its 4xx answers', async () => {
    type Op = {
      operationId?: string;
      security?: Record<string, unknown>[];
      responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
    };
    const doc = (await (await t.app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, Op>>;
      components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
    };
    const ops = Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ where: `${method} ${path}`, path, op })));
    expect(ops.length).toBeGreaterThanOrEqual(60);
    const ids = ops.map((o) => o.op.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z0-9]*$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { where, path, op } of ops) {
      expect(op.security, where).toBeDefined();
      for (const requirement of op.security!)
        for (const scheme of Object.keys(requirement)) expect(doc.components.securitySchemes, `${where}: ${scheme}`).toHaveProperty(scheme);
      if (path.startsWith('/api/v1/admin')) expect(op.security, where).toEqual([{ staffToken: [] }]);
      const errors = Object.entries(op.responses).filter(([status]) => status.startsWith('4'));
      expect(errors.length, where).toBeGreaterThan(0);
      // a JSON error is a Problem (pages answer their errors as pages)
      for (const [status, r] of errors.filter(([, r]) => Object.keys(r.content ?? {}).some((type) => type.includes('json')))) {
        expect(Object.keys(r.content!), `${where} ${status}`).toEqual(['application/problem+json']);
        expect(r.content!['application/problem+json']!.schema.$ref, `${where} ${status}`).toBe('#/components/schemas/Problem');
      }
    }
    // one Problem, with the fields the staff API answers
    expect(doc.components.schemas.Problem).toMatchObject({ properties: { field: {}, article: {}, code: {}, requestId: {} } });
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
