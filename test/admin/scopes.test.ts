import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../support/app';
import { crawlerKey, postSighting, recolouredPng } from '../sightings/support';
import { appliedService, certifiedService, ok, op, problem } from './fixtures';

/**
 * Arts. 7, 19, 20: the scoped roles. A delegate works on its assigned services only; a committee member reads
 * its assigned applications and gives opinions. Everything else of the staff API is closed to both.
 */

let t: TestApp;
const ADMIN = '/api/v1/admin';

/** A certified service with a recoloured mark sighted on its own site: a case and an image of its own. */
async function serviceWithCase(key: string, width: number) {
  const origin = `https://scope-${Math.random().toString(36).slice(2)}.example`;
  const s = await certifiedService(t, { origins: [origin] });
  const image = await recolouredPng(width);
  const res = await postSighting(t, key, {
    image,
    pageUrl: `${origin}/`,
    linkHref: `https://certmark.test/verify/${s.number}`,
    seenAt: t.clock.now().toISOString(),
  });
  expect(res.status).toBe(201);
  const { cases } = await ok(t.json('GET', `${ADMIN}/cases?service=${s.id}`));
  expect(cases.length).toBeGreaterThan(0);
  return { ...s, origin, caseId: cases[0].id as string, image: createHash('sha256').update(image).digest('hex') };
}

async function delegateBody(nameJa = '株式会社審査委託') {
  return ok(t.json('POST', `${ADMIN}/delegates`, { nameJa, nameEn: 'Review Delegate KK', scopeJa: '書類審査', scopeEn: 'document review' }), 201);
}

async function scopedToken(role: 'delegate' | 'committee', delegate: string | null, services: string[]) {
  const issued = await ok(t.json('POST', `${ADMIN}/staff-tokens`, { name: `${role} for a test`, role, delegate }), 201);
  for (const service of services) await ok(t.json('POST', `${ADMIN}/staff-tokens/${issued.id}/assignments`, { service }), 201);
  return { id: issued.id as string, token: issued.token as string };
}

/** Every route of the staff API, from the served OpenAPI document, with its path filled in for `other`. */
async function everyStaffRoute(fill: Record<string, string>): Promise<[string, string][]> {
  const doc = (await (await t.app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
  const routes: [string, string][] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!path.startsWith(ADMIN)) continue;
    for (const method of Object.keys(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => {
        const value = fill[name];
        if (value === undefined) throw new Error(`no value for {${name}} in ${path}`);
        return encodeURIComponent(value);
      });
      routes.push([method.toUpperCase(), filled]);
    }
  }
  return routes;
}

/** The lists a scoped role may read: filtered to its own services, so they answer 200 without the other service. */
const LISTS = { delegate: [`GET ${ADMIN}/services`, `GET ${ADMIN}/cases`], committee: [`GET ${ADMIN}/services`] };

async function expectDenied(method: string, path: string, token: string, role: keyof typeof LISTS) {
  const res = await t.json(method, path, method === 'GET' || method === 'DELETE' ? undefined : {}, t.auth(token));
  const body = await res.text();
  if (LISTS[role].includes(`${method} ${path}`)) {
    expect(res.status, `${method} ${path}`).toBe(200);
    for (const id of [other.id, other.number, other.caseId]) expect(body, `${method} ${path}`).not.toContain(id);
    return;
  }
  expect(res.status, `${method} ${path}: ${body}`).toBe(403);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
}

let mine: Awaited<ReturnType<typeof serviceWithCase>>;
let other: Awaited<ReturnType<typeof serviceWithCase>>;
let delegate: { id: string; token: string };
let delegateId: string;
let fill: Record<string, string>;

beforeAll(async () => {
  t = await testApp({ now: '2026-04-01T03:00:00Z' });
  const key = (await crawlerKey(t)).key;
  mine = await serviceWithCase(key, 128);
  other = await serviceWithCase(key, 160);
  delegateId = (await delegateBody()).id;
  delegate = await scopedToken('delegate', delegateId, [mine.id]);
  const otherVendor = (await ok(t.json('GET', `${ADMIN}/services/${other.id}`))).vendorId ?? 'some-vendor';
  const jti = (await ok(t.json('POST', `${ADMIN}/services/${other.id}/tokens`, { origins: [other.origin] }), 201)).jti as string;
  fill = {
    service: other.id,
    case: other.caseId,
    sha256: other.image,
    vendor: otherVendor,
    jti,
    token: delegate.id,
    key: 'some-crawler-key',
    delegate: delegateId,
    emergency: 'some-emergency',
    investigation: 'some-investigation',
    improvement: 'some-improvement',
    id: 'some-inquiry',
    notice: 'some-notice',
    proposal: 'some-proposal',
    proof: 'some-proof',
  };
});
afterAll(async () => t.close());

describe('Art. 19: a delegate works on the services assigned to it only', () => {
  it('is denied another service on every route of the staff API, and nothing is written', async () => {
    const routes = await everyStaffRoute(fill);
    expect(routes.length).toBeGreaterThan(40);
    const eventsBefore = (await t.database.db.selectFrom('events').select('id').execute()).length;
    for (const [method, path] of routes) await expectDenied(method, path, delegate.token, 'delegate');
    expect((await t.database.db.selectFrom('events').select('id').execute()).length).toBe(eventsBefore);
  });

  it('is denied the same routes by certification number, and an unknown service looks the same as another’s', async () => {
    const other2 = await problem(t.json('GET', `${ADMIN}/services/${other.number}`, undefined, t.auth(delegate.token)), 403);
    const unknown = await problem(t.json('GET', `${ADMIN}/services/no-such-service`, undefined, t.auth(delegate.token)), 403);
    expect(other2.article).toBe('Art. 19');
    expect(unknown.code).toBe(other2.code);
    await problem(t.json('GET', `${ADMIN}/cases?service=${other.number}`, undefined, t.auth(delegate.token)), 403);
    await problem(t.json('GET', `${ADMIN}/services/%E0%A4%A/status`, undefined, t.auth(delegate.token)), 403);
  });

  it('works on its own service: reads it, files a change, lists only its services and cases, sees its images', async () => {
    const view = await ok(t.json('GET', `${ADMIN}/services/${mine.number}`, undefined, t.auth(delegate.token)));
    expect(view.id).toBe(mine.id);
    await ok(
      op(t, mine.id, 'changes', { items: [{ key: 'service.overview', labelJa: '概要', valueJa: '変更後' }], note: '委託先が受付' }, t.auth(delegate.token)),
      201,
    );
    const { services } = await ok(t.json('GET', `${ADMIN}/services`, undefined, t.auth(delegate.token)));
    expect(services.map((s: { id: string }) => s.id)).toEqual([mine.id]);
    const { cases } = await ok(t.json('GET', `${ADMIN}/cases`, undefined, t.auth(delegate.token)));
    expect(cases.map((c: { id: string }) => c.id)).toEqual([mine.caseId]);
    await ok(t.json('GET', `${ADMIN}/cases/${mine.caseId}`, undefined, t.auth(delegate.token)));
    const image = await t.app.request(`${ADMIN}/sighting-images/${mine.image}`, { headers: t.auth(delegate.token) });
    expect(image.status).toBe(200);
  });

  it('still cannot revoke its own service: revocation is the admin’s', async () => {
    const p = await problem(op(t, mine.id, 'revocation', { ground: 3, reason: 'r' }, t.auth(delegate.token)), 403);
    expect(p.detail).toContain('admin');
  });

  it('has its confidential reads audited under its own token (Art. 20)', async () => {
    await ok(t.json('GET', `${ADMIN}/services/${mine.id}`, undefined, t.auth(delegate.token)));
    const { entries } = await ok(t.json('GET', `${ADMIN}/audit-log?staffToken=${delegate.id}`));
    expect(entries.some((e: { subject: string; action: string }) => e.subject === mine.id && e.action.startsWith('read '))).toBe(true);
  });

  it('loses a service the moment its assignment ends, and everything when its delegation ends', async () => {
    const d = await scopedToken('delegate', delegateId, [mine.id, other.id]);
    await ok(t.json('GET', `${ADMIN}/services/${other.id}`, undefined, t.auth(d.token)));
    await ok(t.json('DELETE', `${ADMIN}/staff-tokens/${d.id}/assignments/${other.number}`), 204);
    await problem(t.json('GET', `${ADMIN}/services/${other.id}`, undefined, t.auth(d.token)), 403);
    const body = await delegateBody('終了する委託先');
    const d2 = await scopedToken('delegate', body.id, [mine.id]);
    await ok(t.json('GET', `${ADMIN}/services/${mine.id}`, undefined, t.auth(d2.token)));
    const ended = await ok(t.json('POST', `${ADMIN}/delegates/${body.id}/end`, {}));
    expect(ended.endedOn).toBe('2026-04-01');
    await problem(t.json('GET', `${ADMIN}/services/${mine.id}`, undefined, t.auth(d2.token)), 401);
    const { assignments } = await ok(t.json('GET', `${ADMIN}/staff-tokens/${d.id}/assignments`));
    const held = assignments.map((a: { service: string; endedAt: string | null }) => [a.service, a.endedAt !== null]);
    expect(held.sort()).toEqual(
      [
        [mine.id, false],
        [other.id, true],
      ].sort(),
    );
    await problem(t.json('POST', `${ADMIN}/staff-tokens`, { name: 'late', role: 'delegate', delegate: body.id }), 422);
  });
});

describe('Art. 19: delegate tokens, delegated bodies and assignments are the admin’s to make', () => {
  it('a delegate token names a delegated body that exists; no other role names one', async () => {
    await problem(t.json('POST', `${ADMIN}/staff-tokens`, { name: 'd', role: 'delegate' }), 400);
    await problem(t.json('POST', `${ADMIN}/staff-tokens`, { name: 'd', role: 'delegate', delegate: 'no-such-body' }), 422);
    await problem(t.json('POST', `${ADMIN}/staff-tokens`, { name: 'r', role: 'reviewer', delegate: delegateId }), 400);
  });

  it('assignments go to delegate and committee tokens only, once, on services that exist', async () => {
    const reviewer = await ok(t.json('POST', `${ADMIN}/staff-tokens`, { name: 'r', role: 'reviewer' }), 201);
    await problem(t.json('POST', `${ADMIN}/staff-tokens/${reviewer.id}/assignments`, { service: mine.id }), 422);
    await problem(t.json('POST', `${ADMIN}/staff-tokens/${delegate.id}/assignments`, { service: mine.id }), 409);
    await problem(t.json('POST', `${ADMIN}/staff-tokens/${delegate.id}/assignments`, { service: 'no-such-service' }), 404);
    await problem(t.json('POST', `${ADMIN}/staff-tokens/no-such-token/assignments`, { service: mine.id }), 404);
    await problem(t.json('DELETE', `${ADMIN}/staff-tokens/${delegate.id}/assignments/${other.id}`), 404);
    await problem(t.json('POST', `${ADMIN}/delegates`, { nameJa: '', scopeJa: 'x' }), 400);
    await problem(t.json('POST', `${ADMIN}/delegates`, { nameJa: '未来', scopeJa: 'x', delegatedOn: '2026-04-02' }), 400);
    await problem(t.json('POST', `${ADMIN}/delegates/no-such-body/end`, {}), 404);
  });

  it('a reviewer cannot name a delegated body or assign services', async () => {
    const reviewer = (await ok(t.json('POST', `${ADMIN}/staff-tokens`, { name: 'r2', role: 'reviewer' }), 201)).token;
    await problem(t.json('POST', `${ADMIN}/delegates`, { nameJa: 'x', scopeJa: 'x' }, t.auth(reviewer)), 403);
    await problem(t.json('POST', `${ADMIN}/staff-tokens/${delegate.id}/assignments`, { service: other.id }, t.auth(reviewer)), 403);
  });

  it('publishes the delegated bodies in the registry (Art. 19.2)', async () => {
    const page = await (await t.app.request('/registry')).text();
    expect(page).toContain('株式会社審査委託');
    expect(page).toContain('書類審査');
  });

  it('puts bodies and assignments on the chain, and the check names a tampered assignment', async () => {
    const types = (await t.database.db.selectFrom('events').select('type').execute()).map((e) => e.type);
    for (const type of ['delegate.named', 'delegate.ended', 'staff_assignment.made', 'staff_assignment.ended']) expect(types).toContain(type);
    expect((await ok(t.json('GET', `${ADMIN}/events/verify`))).records.problems).toEqual([]);
    const row = await t.database.db.selectFrom('staff_assignments').select('id').where('staff_token_id', '=', delegate.id).executeTakeFirstOrThrow();
    await t.database.db.updateTable('staff_assignments').set({ service_id: other.id }).where('id', '=', row.id).execute();
    try {
      const { records } = await ok(t.json('GET', `${ADMIN}/events/verify`));
      expect(records.problems).toContainEqual({ table: 'staff_assignments', record: row.id, problem: 'changed outside certmark' });
    } finally {
      await t.database.db.updateTable('staff_assignments').set({ service_id: mine.id }).where('id', '=', row.id).execute();
    }
  });
});

describe('Art. 7: a committee member reads its assigned applications and gives opinions', () => {
  let applied: string;
  let member: { id: string; token: string };
  beforeAll(async () => {
    applied = await appliedService(t);
    member = await scopedToken('committee', null, [applied, mine.id]);
  });

  it('is denied another service on every route of the staff API', async () => {
    const routes = await everyStaffRoute({ ...fill, token: member.id });
    for (const [method, path] of routes) await expectDenied(method, path, member.token, 'committee');
  });

  it('reads an assigned application and records an opinion as its own event, never public', async () => {
    const view = await ok(t.json('GET', `${ADMIN}/services/${applied}`, undefined, t.auth(member.token)));
    expect(view.status).toBe('applied');
    const r = await ok(op(t, applied, 'opinions', { opinion: '認定して差し支えない' }, t.auth(member.token)), 201);
    expect(r.events).toMatchObject([{ type: 'committee.opinion_given', article: 'Art. 7', actor: `staff:${member.id}`, payload: { kind: 'initial' } }]);
    const certified = await ok(t.json('POST', `${ADMIN}/services/${applied}/decision`, { outcome: 'certify', notice: '認定' }));
    const page = await (await t.app.request(`/verify/${certified.service.number}`)).text();
    const json = await (await t.app.request(`/api/v1/services/${certified.service.number}`)).text();
    for (const out of [page, json]) expect(out).not.toContain('差し支えない');
  });

  it('cannot do anything else on an assigned service, nor give an opinion when nothing awaits a decision', async () => {
    await problem(op(t, mine.id, 'changes', { items: [{ key: 'a', labelJa: 'a', valueJa: 'a' }], note: 'n' }, t.auth(member.token)), 403);
    await problem(t.json('GET', `${ADMIN}/services/${mine.id}/tokens`, undefined, t.auth(member.token)), 403);
    const p = await problem(op(t, mine.id, 'opinions', { opinion: '意見' }, t.auth(member.token)), 409);
    expect(p.article).toBe('Art. 7');
  });

  it('is the only role that gives opinions', async () => {
    const s = await appliedService(t);
    await problem(op(t, s, 'opinions', { opinion: '意見' }), 403);
  });
});
