import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRegister } from '../../src/domain/register-check';
import { certifiedService } from '../admin/fixtures';
import { testApp, type TestApp } from '../support/app';
import { Client, enrolledPerson, type Person } from './support';

/**
 * The console's access screens (issue 14): an admin assigns services to a delegate's account and ends the
 * assignment (Arts. 7, 19), and makes and revokes crawler keys, through the same domain functions as the staff API.
 */

let t: TestApp;
let admin: Person;
let delegate: Person;
let reviewer: Person;
let service: { id: string; number: string };

beforeAll(async () => {
  t = await testApp({ now: '2026-04-01T03:00:00Z' });
  admin = await enrolledPerson(t, 'admin');
  reviewer = await enrolledPerson(t, 'reviewer');
  service = await certifiedService(t);
  const made = await t.json('POST', '/api/v1/admin/delegates', { nameJa: '審査支援機構', scopeJa: '書類審査' });
  delegate = await enrolledPerson(t, 'delegate', { delegate: ((await made.json()) as { id: string }).id });
});
afterAll(async () => t?.close());

async function adminClient(): Promise<Client> {
  const c = new Client(t);
  expect((await c.signIn(admin)).status).toBe(303);
  return c;
}

describe('a staff account’s page: assigning services (Arts. 7, 19)', () => {
  it('assigns a service by its number; the delegate then reaches it, and no longer after the assignment ends', async () => {
    const c = await adminClient();
    const page = `/staff/accounts/${delegate.id}`;
    const csrf = await c.csrf(page);
    const assigned = await c.request(`${page}/assignments`, { form: { _csrf: csrf, service: service.number } });
    expect(assigned.status).toBe(200);
    expect(await assigned.text()).toContain(service.number);

    const d = new Client(t);
    await d.signIn(delegate);
    expect((await d.request(`/staff/services/${service.number}`)).status).toBe(200);

    const ended = await c.request(`${page}/assignments/${service.id}/end`, { form: { _csrf: csrf } });
    expect(ended.status).toBe(200);
    expect((await d.request(`/staff/services/${service.number}`)).status).toBe(404);
    expect((await checkRegister(t.database.db)).records.problems).toEqual([]);
  });

  it('answers a service assigned twice with 409, an unknown service with 404 and an empty field with 400, writing nothing', async () => {
    const c = await adminClient();
    const page = `/staff/accounts/${delegate.id}`;
    const csrf = await c.csrf(page);
    const count = async () =>
      Number(
        (
          await t.database.db
            .selectFrom('staff_assignments')
            .select((e) => e.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect((await c.request(`${page}/assignments`, { form: { _csrf: csrf, service: service.number } })).status).toBe(200);
    const before = await count();
    const twice = await c.request(`${page}/assignments`, { form: { _csrf: csrf, service: service.number } });
    expect(twice.status).toBe(409);
    expect(await twice.text()).toContain('already');
    expect((await c.request(`${page}/assignments`, { form: { _csrf: csrf, service: 'MD-9999-2601' } })).status).toBe(404);
    const empty = await c.request(`${page}/assignments`, { form: { _csrf: csrf, service: '   ' } });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('a certification number or service id is needed');
    expect((await c.request(`${page}/assignments/no-such-service/end`, { form: { _csrf: csrf } })).status).toBe(404);
    expect(await count()).toBe(before);
  });

  it('offers no assignment to a role that works on every service, and refuses one', async () => {
    const c = await adminClient();
    const page = `/staff/accounts/${reviewer.id}`;
    const html = await (await c.request(page)).text();
    expect(html).not.toContain('name="service"');
    const res = await c.request(`${page}/assignments`, { form: { _csrf: Client.csrfOf(html), service: service.number } });
    expect(res.status).toBe(422);
  });

  it('is for admins only: a reviewer is refused the page and the form', async () => {
    const c = new Client(t);
    await c.signIn(reviewer);
    expect((await c.request(`/staff/accounts/${delegate.id}`)).status).toBe(403);
    const csrf = await c.csrf();
    expect((await c.request(`/staff/accounts/${delegate.id}/assignments`, { form: { _csrf: csrf, service: service.number } })).status).toBe(403);
    expect((await (await adminClient()).request('/staff/accounts/no-such-account')).status).toBe(404);
  });
});

describe('crawler keys', () => {
  it('makes a key shown once, which the crawler API accepts until the key is revoked', async () => {
    const c = await adminClient();
    const csrf = await c.csrf('/staff/crawler-keys');
    const made = await c.request('/staff/crawler-keys', { form: { _csrf: csrf, name: '<b>巡回1号</b>' } });
    expect(made.status).toBe(200);
    const html = await made.text();
    expect(html).not.toContain('<b>巡回1号</b>');
    expect(html).toContain('&lt;b&gt;巡回1号&lt;/b&gt;');
    const key = /id="crawler-key">([^<]+)</.exec(html)![1]!.trim();
    expect(await (await c.request('/staff/crawler-keys')).text()).not.toContain(key);

    const row = await t.database.db.selectFrom('crawler_keys').select('id').where('name', '=', '<b>巡回1号</b>').executeTakeFirstOrThrow();
    const revoked = await c.request(`/staff/crawler-keys/${row.id}/revoke`, { form: { _csrf: csrf } });
    expect(revoked.status).toBe(303);
    expect((await t.database.db.selectFrom('crawler_keys').select('revoked_at').where('id', '=', row.id).executeTakeFirstOrThrow()).revoked_at).not.toBeNull();
    expect((await c.request(`/staff/crawler-keys/${row.id}/revoke`, { form: { _csrf: csrf } })).status).toBe(404);
  });

  it('refuses an empty name with 400 and a reviewer with 403', async () => {
    const c = await adminClient();
    expect((await c.request('/staff/crawler-keys', { form: { _csrf: await c.csrf('/staff/crawler-keys'), name: '' } })).status).toBe(400);
    const r = new Client(t);
    await r.signIn(reviewer);
    expect((await r.request('/staff/crawler-keys')).status).toBe(403);
    expect((await r.request('/staff/crawler-keys', { form: { _csrf: await r.csrf(), name: 'k' } })).status).toBe(403);
  });
});
