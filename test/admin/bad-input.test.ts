import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../support/app';
import { application, appliedService, certifiedService, certify, item, newService, ok, op, problem, renewal, rowCounts } from './fixtures';

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ now: '2026-04-01T03:00:00Z' });
});
afterAll(async () => t.close());

/** A request that must fail with a problem+json of this status and change no row anywhere. */
async function fails(request: () => Response | Promise<Response>, status: number) {
  const before = await rowCounts(t);
  const body = await problem(request(), status);
  expect(await rowCounts(t)).toEqual(before);
  return body;
}

type State = 'applied' | 'certified' | 'revoked';

async function serviceIn(state: State): Promise<string> {
  if (state === 'applied') return appliedService(t);
  const { id } = await certifiedService(t);
  if (state === 'revoked') await ok(op(t, id, 'revocation', { ground: 1, reason: '基準不適合' }));
  return id;
}

/** Every lifecycle endpoint: a valid body, invalid bodies with the field they must name, and a service state to try them on. */
const SERVICE_ENDPOINTS: { path: string; valid: unknown; state: State; invalid: [unknown, string][] }[] = [
  {
    path: 'applications',
    valid: application(),
    state: 'revoked',
    invalid: [
      [{ ...application(), documents: [] }, 'documents'],
      [{ ...application(), feePaid: false }, 'feePaid'],
      [{ ...application(), items: [item('a'), item('a')] }, 'items.1.key'],
      [{ ...application(), items: [item('a', { withheld: true })] }, 'items.0.withheldReason'],
      [{ ...application(), items: [item('Not A Key')] }, 'items.0.key'],
      [{ ...application(), items: [] }, 'items'],
    ],
  },
  {
    path: 'decision',
    valid: certify(),
    state: 'applied',
    invalid: [
      [{ outcome: 'maybe', notice: 'n' }, 'outcome'],
      [{ outcome: 'refuse', notice: 'n' }, 'reason'],
      [{ outcome: 'certify', notice: '  ' }, 'notice'],
      [certify({ decidedOn: '2026-02-30' }), 'decidedOn'],
      [certify({ decidedOn: '2099-01-01' }), 'decidedOn'],
      [certify({ decidedOn: '2020-01-01' }), 'decidedOn'],
    ],
  },
  {
    path: 'renewals',
    valid: renewal(),
    state: 'certified',
    invalid: [
      [{}, 'selfDeclaration'],
      [{ selfDeclaration: { usedMarkCorrectly: 'yes', statement: 's' } }, 'selfDeclaration.usedMarkCorrectly'],
      [{ selfDeclaration: { usedMarkCorrectly: true, statement: '' } }, 'selfDeclaration.statement'],
    ],
  },
  {
    path: 'extensions',
    valid: { until: '2028-05-01', reason: '委員会待ち' },
    state: 'certified',
    invalid: [
      [{ until: '2028-13-01', reason: 'r' }, 'until'],
      [{ until: '2028-05-01' }, 'reason'],
    ],
  },
  {
    path: 'changes',
    valid: { items: [item('service.overview')], note: '変更' },
    state: 'certified',
    invalid: [
      [{ items: [], note: 'n' }, 'items'],
      [{ items: [item('a')] }, 'note'],
      [{ items: [item('a', { valueJa: 'x'.repeat(10_001) })], note: 'n' }, 'items.0.valueJa'],
    ],
  },
  {
    path: 'origins',
    valid: { origins: ['https://clinic.example.jp'] },
    state: 'certified',
    invalid: [
      [{ origins: ['https://clinic.example.jp/path'] }, 'origins.0'],
      [{ origins: ['ftp://clinic.example.jp'] }, 'origins.0'],
      [{ origins: ['https://a.example', 'https://a.example'] }, 'origins'],
      [{ origins: 'https://a.example' }, 'origins'],
    ],
  },
  {
    path: 'termination',
    valid: { certificateReturned: true },
    state: 'certified',
    invalid: [
      [{}, 'certificateReturned'],
      [{ certificateReturned: 'yes' }, 'certificateReturned'],
    ],
  },
  { path: 'lapse', valid: { cause: 'merger', note: '合併' }, state: 'certified', invalid: [[{ cause: 'sale', note: 'n' }, 'cause']] },
  {
    path: 'revocation',
    valid: { ground: 1, reason: '基準不適合' },
    state: 'certified',
    invalid: [
      [{ ground: 0, reason: 'r' }, 'ground'],
      [{ ground: 10, reason: 'r' }, 'ground'],
      [{ ground: '3', reason: 'r' }, 'ground'],
      [{ ground: 2.5, reason: 'r' }, 'ground'],
      [{ ground: 3 }, 'reason'],
      [{ ground: 3, reason: '   ' }, 'reason'],
    ],
  },
  { path: 'emergencies', valid: { kind: 'outage', summary: '障害' }, state: 'certified', invalid: [[{ kind: 'fire', summary: 's' }, 'kind']] },
  {
    path: 'investigations',
    valid: { subject: '説明の要求', dueOn: '2026-05-01' },
    state: 'certified',
    invalid: [
      [{ subject: 's', dueOn: 'soon' }, 'dueOn'],
      [{ subject: 's', dueOn: '2026-03-31' }, 'dueOn'],
      [{ dueOn: '2026-05-01' }, 'subject'],
    ],
  },
  {
    path: 'improvements',
    valid: { investigationId: 'no-such-investigation', content: '改善の要請', dueOn: '2026-05-01' },
    state: 'certified',
    invalid: [
      [{ content: 'c', dueOn: '2026-05-01' }, 'investigationId'],
      [{ investigationId: 'i', content: 'c' }, 'dueOn'],
      [{ investigationId: 'i', content: 'c', dueOn: '2026-03-01' }, 'dueOn'],
      [{ investigationId: 'i', content: 'c', dueOn: '2026-05-01', publish: 'yes' }, 'publish'],
    ],
  },
];

describe('invalid bodies: 400 problem+json naming the field, nothing written', () => {
  it.each(SERVICE_ENDPOINTS)('POST /services/{service}/$path', async ({ path, state, invalid }) => {
    const id = await serviceIn(state);
    for (const [body, field] of invalid) {
      const p = await fails(() => op(t, id, path, body), 400);
      expect(p, JSON.stringify(body).slice(0, 100)).toMatchObject({ code: 'invalid', field });
    }
  });

  it.each(SERVICE_ENDPOINTS.filter((e) => e.valid !== undefined))(
    'POST /services/{service}/$path: a body that is not JSON, an empty body, an array',
    async ({ path }) => {
      const id = await appliedService(t);
      const url = `/api/v1/admin/services/${id}/${path}`;
      const headers = { ...t.auth(), 'Content-Type': 'application/json' };
      await fails(() => t.app.request(url, { method: 'POST', headers, body: '{"not json' }), 400);
      await fails(() => t.app.request(url, { method: 'POST', headers }), 400);
      await fails(() => t.app.request(url, { method: 'POST', headers, body: '[]' }), 400);
      const wrongType = await t.app.request(url, { method: 'POST', headers: { ...t.auth(), 'Content-Type': 'text/plain' }, body: 'hello' });
      expect(wrongType.status).toBeGreaterThanOrEqual(400);
      expect(wrongType.status).toBeLessThan(500);
    },
  );

  it('a body over 4 MiB is 413 before it is read', async () => {
    const big = JSON.stringify({ nameJa: 'x', contact: { note: 'x'.repeat(5 * 1024 * 1024) } });
    expect(
      await fails(
        () => t.app.request('/api/v1/admin/vendors', { method: 'POST', headers: { ...t.auth(), 'Content-Type': 'application/json' }, body: big }),
        413,
      ),
    ).toMatchObject({ code: 'too_large' });
  });

  it('POST /vendors', async () => {
    expect(await fails(() => t.json('POST', '/api/v1/admin/vendors', { nameJa: '' }), 400)).toMatchObject({ field: 'nameJa' });
    expect(await fails(() => t.json('POST', '/api/v1/admin/vendors', { nameJa: 'n', contact: 'x' }), 400)).toMatchObject({ field: 'contact' });
    expect(await fails(() => t.json('POST', '/api/v1/admin/vendors', { nameJa: 'a\u0000b' }), 400)).toMatchObject({ field: 'nameJa' });
    expect(await fails(() => t.json('POST', '/api/v1/admin/vendors', { nameJa: 'n', contact: { person: { name: 'a\u0000' } } }), 400)).toMatchObject({
      field: 'contact',
    });
  });

  it('POST /services, and an unknown vendor is 404 naming vendorId', async () => {
    expect(await fails(() => t.json('POST', '/api/v1/admin/services', { nameJa: 'n' }), 400)).toMatchObject({ field: 'vendorId' });
    expect(await fails(() => t.json('POST', '/api/v1/admin/services', { vendorId: 'v', nameJa: 'n', origins: ['x'] }), 400)).toMatchObject({
      field: 'origins.0',
    });
    expect(await fails(() => t.json('POST', '/api/v1/admin/services', { vendorId: 'no-such-vendor', nameJa: 'n' }), 404)).toMatchObject({ field: 'vendorId' });
  });

  it('POST /staff-tokens', async () => {
    expect(await fails(() => t.json('POST', '/api/v1/admin/staff-tokens', { name: 'n', role: 'root' }), 400)).toMatchObject({ field: 'role' });
    expect(await fails(() => t.json('POST', '/api/v1/admin/staff-tokens', { role: 'admin' }), 400)).toMatchObject({ field: 'name' });
  });

  it('GET queries: an unknown status filter and an instant that is not RFC 3339', async () => {
    expect(await problem(t.json('GET', '/api/v1/admin/services?status=bogus'), 400)).toMatchObject({ field: 'status' });
    const id = await newService(t);
    expect(await problem(t.json('GET', `/api/v1/admin/services/${id}/status?at=yesterday`), 400)).toMatchObject({ field: 'at' });
  });
});

describe('unknown ids: 404 problem+json naming the id, nothing written', () => {
  it.each(SERVICE_ENDPOINTS)('POST /services/{unknown}/$path', async ({ path, valid }) => {
    for (const unknown of ['no-such-service', 'MD-9999-9999']) {
      expect(await fails(() => op(t, unknown, path, valid), 404)).toMatchObject({ code: 'not_found', field: 'service' });
    }
  });

  it('a NUL or control character in an id is 400, not a database error', async () => {
    expect(await problem(t.json('GET', '/api/v1/admin/services/a%00b'), 400)).toMatchObject({ field: 'service' });
    expect(await fails(() => op(t, 'a%0Ab', 'lapse', { cause: 'merger', note: 'n' }), 400)).toMatchObject({ field: 'service' });
    expect(await problem(t.json('GET', '/api/v1/admin/vendors/%00'), 400)).toMatchObject({ field: 'vendor' });
    expect(await fails(() => t.json('POST', '/api/v1/admin/services', { vendorId: 'v\u0000', nameJa: 'n' }), 400)).toMatchObject({ field: 'vendorId' });
  });

  it.each(['', '/status', '/events'])('GET /services/{unknown}%s', async (suffix) => {
    expect(await problem(t.json('GET', `/api/v1/admin/services/MD-0000-0000${suffix}`), 404)).toMatchObject({ field: 'service' });
  });

  it('GET /vendors/{unknown} and DELETE /staff-tokens/{unknown}', async () => {
    expect(await problem(t.json('GET', '/api/v1/admin/vendors/nobody'), 404)).toMatchObject({ field: 'vendor' });
    expect(await fails(() => t.json('DELETE', '/api/v1/admin/staff-tokens/nothing'), 404)).toMatchObject({ field: 'token' });
  });

  it.each([
    ['emergencies/nope/reports', { report: 'r' }, 'emergency'],
    ['investigations/nope/answer', { summary: 's', satisfactory: true }, 'investigation'],
    ['improvements/nope/publication', undefined, 'improvement'],
    ['improvements/nope/completion', { note: 'n' }, 'improvement'],
  ])('POST /services/{service}/%s with an unknown id', async (path, body, field) => {
    const { id } = await certifiedService(t);
    expect(await fails(() => op(t, id, path, body), 404)).toMatchObject({ field });
  });
});

describe('forbidden transitions: 409 problem+json naming the article, nothing written', () => {
  it.each<[string, State, unknown, string]>([
    ['applications', 'certified', application(), 'Art. 4'],
    ['decision', 'certified', certify(), 'Art. 6.1'],
    ['renewals', 'applied', renewal(), 'Art. 12.1'],
    ['renewals', 'certified', renewal(), 'Art. 12.1'], // two years before expiry: outside the window
    ['extensions', 'certified', { until: '2028-05-01', reason: 'r' }, 'Art. 12.2'],
    ['changes', 'revoked', { items: [item('a')], note: 'n' }, 'Art. 13.1'],
    ['origins', 'revoked', { origins: [] }, 'Art. 10.2'],
    ['termination', 'applied', { certificateReturned: true }, 'Art. 13.2'],
    ['certificate-return', 'certified', undefined, 'Art. 10.8'],
    ['lapse', 'applied', { cause: 'merger', note: 'n' }, 'Art. 9.2'],
    ['revocation', 'applied', { ground: 1, reason: 'r' }, 'Art. 17.1'],
    ['revocation', 'revoked', { ground: 1, reason: 'r' }, 'Art. 17.1'],
    ['emergencies', 'applied', { kind: 'leak', summary: 's' }, 'Art. 14'],
    ['investigations', 'applied', { subject: 's', dueOn: '2026-05-01' }, 'Art. 15'],
    ['improvements', 'applied', { investigationId: 'i', content: 'c', dueOn: '2026-05-01' }, 'Art. 16.1'],
  ])('POST /services/{service}/%s while %s', async (path, state, body, article) => {
    const id = await serviceIn(state);
    expect(await fails(() => op(t, id, path, body), 409)).toMatchObject({ code: 'forbidden_transition', article });
  });

  it('a second progress report on a closed emergency (Art. 14)', async () => {
    const { id } = await certifiedService(t);
    const em = (await ok(op(t, id, 'emergencies', { kind: 'outage', summary: 's' }), 201)).result.id;
    await ok(op(t, id, `emergencies/${em}/reports`, { report: '終了', close: true }), 201);
    expect(await fails(() => op(t, id, `emergencies/${em}/reports`, { report: 'また' }), 409)).toMatchObject({ article: 'Art. 14' });
  });

  it('answering an investigation twice, publishing or completing an improvement twice, returning a certificate twice', async () => {
    const { id } = await certifiedService(t);
    const inv = (await ok(op(t, id, 'investigations', { subject: 's', dueOn: '2026-05-01' }), 201)).result.id;
    await ok(op(t, id, `investigations/${inv}/answer`, { summary: 'a', satisfactory: true }));
    expect(await fails(() => op(t, id, `investigations/${inv}/answer`, { summary: 'b', satisfactory: false }), 409)).toMatchObject({ article: 'Art. 15' });
    const imp = (await ok(op(t, id, 'improvements', { investigationId: inv, content: 'c', dueOn: '2026-05-01', publish: true }), 201)).result.id;
    expect(await fails(() => op(t, id, `improvements/${imp}/publication`), 409)).toMatchObject({ article: 'Art. 16.2' });
    await ok(op(t, id, `improvements/${imp}/completion`, { note: 'done' }));
    expect(await fails(() => op(t, id, `improvements/${imp}/completion`, { note: 'again' }), 409)).toMatchObject({ article: 'Art. 16.1' });
    await ok(op(t, id, 'termination', { certificateReturned: true }));
    expect(await fails(() => op(t, id, 'certificate-return'), 409)).toMatchObject({ article: 'Art. 13.3' });
  });

  it('an extension that does not go past the validity period is 400 naming until', async () => {
    t.clock.set('2024-04-01T03:00:00Z');
    try {
      const { id } = await certifiedService(t);
      t.clock.set('2026-02-15T03:00:00Z');
      await ok(op(t, id, 'renewals', renewal()), 201);
      expect(await fails(() => op(t, id, 'extensions', { until: '2026-04-01', reason: 'r' }), 400)).toMatchObject({ field: 'until' });
    } finally {
      t.clock.set('2026-04-01T03:00:00Z');
    }
  });
});

describe('no staff endpoint answers 500', () => {
  it('random values in each field of every lifecycle body give 2xx or 4xx problem+json', async () => {
    const { id } = await certifiedService(t);
    for (const e of SERVICE_ENDPOINTS) {
      const keys = Object.keys(e.valid as object);
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...keys),
          fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.string({ unit: 'binary' }), fc.constantFrom('\u0000', 'a\u0000b', ['\u0000'], { key: '\u0000' })),
          async (key, value) => {
            const res = await op(t, id, e.path, { ...(e.valid as object), [key]: value });
            expect(res.status, `${e.path} ${key}=${JSON.stringify(value)}`).toBeLessThan(500);
            if (res.status >= 400) expect(res.headers.get('content-type')).toContain('application/problem+json');
          },
        ),
        { numRuns: 12 },
      );
    }
  }, 60_000);
});
