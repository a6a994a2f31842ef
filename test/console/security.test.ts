import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignServiceToAccount, disableStaffAccount, inviteStaff, openInvite } from '../../src/console/accounts';
import { totpCode } from '../../src/console/factors';
import { certifiedService } from '../admin/fixtures';
import { testApp, type TestApp } from '../support/app';
import { Client, enrolledPerson, type Person } from './support';

/**
 * The staff console's sign-in and session rules (issue 14; OWASP Session Management Cheat Sheet), checked over
 * HTTP as a browser would send it. The clock is moved by hand; nothing sleeps.
 */

let t: TestApp;
let admin: Person;

beforeAll(async () => {
  t = await testApp({ now: '2026-04-01T03:00:00Z' });
  admin = await enrolledPerson(t, 'admin');
});
afterAll(async () => t?.close());

const COOKIE = /^__Host-certmark-staff=([\w-]{43}); Path=\/; HttpOnly; Secure; SameSite=Strict$/;

describe('the session cookie', () => {
  it('is __Host-, HttpOnly, Secure, SameSite=Strict, path /, with no Domain and no Max-Age (the server ends it)', async () => {
    const c = new Client(t);
    await c.request('/staff/login');
    expect(c.lastSetCookie).toHaveLength(1);
    expect(c.lastSetCookie[0]).toMatch(COOKIE);
    const res = await c.signIn(admin);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/staff/');
    expect(c.lastSetCookie).toHaveLength(1);
    expect(c.lastSetCookie[0]).toMatch(COOKIE);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('is not Secure (and so not __Host-) only when the console runs on http://localhost', { timeout: 90_000 }, async () => {
    const local = await testApp({ config: { publicBaseUrl: 'http://localhost:8080' } });
    try {
      const person = await enrolledPerson(local, 'reviewer');
      const c = new Client(local);
      const res = await c.signIn(person);
      expect(res.status).toBe(303);
      expect(c.lastSetCookie[0]).toMatch(/^certmark-staff=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    } finally {
      await local.close();
    }
  });
});

describe('session fixation', () => {
  it('gives a new session id at sign-in; the id held before it no longer opens anything', async () => {
    const c = new Client(t);
    await c.request('/staff/login');
    const before = c.cookies.get('__Host-certmark-staff')!;
    await c.signIn(admin);
    const after = c.cookies.get('__Host-certmark-staff')!;
    expect(after).not.toBe(before);
    expect((await c.request('/staff/')).status).toBe(200);
    // an attacker who planted `before` in the victim's browser holds nothing
    const planted = new Client(t);
    planted.cookies.set('__Host-certmark-staff', before);
    const res = await planted.request('/staff/');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/staff/login');
  });

  it('ignores a session id the server never issued', async () => {
    const c = new Client(t);
    c.cookies.set('__Host-certmark-staff', 'A'.repeat(43));
    expect((await c.request('/staff/services')).status).toBe(303);
  });
});

describe('session expiry: 30 minutes idle, 12 hours absolute', () => {
  it('ends after 30 minutes without a request', async () => {
    const c = new Client(t);
    await c.signIn(admin);
    t.clock.advance(29 * 60_000);
    expect((await c.request('/staff/')).status).toBe(200);
    t.clock.advance(30 * 60_000);
    expect((await c.request('/staff/')).status).toBe(303);
  });

  it('ends 12 hours after sign-in, however busy', async () => {
    const c = new Client(t);
    await c.signIn(admin);
    for (let i = 0; i < 35; i++) {
      t.clock.advance(20 * 60_000);
      expect((await c.request('/staff/services')).status, `after ${(i + 1) * 20} minutes`).toBe(200);
    }
    t.clock.advance(20 * 60_000 - 1);
    expect((await c.request('/staff/services')).status, 'a millisecond before 12 hours').toBe(200);
    t.clock.advance(1);
    expect((await c.request('/staff/services')).status).toBe(303);
  });

  it('ends at sign-out', async () => {
    const c = new Client(t);
    await c.signIn(admin);
    const res = await c.request('/staff/sign-out', { form: { _csrf: await c.csrf() } });
    expect(res.status).toBe(303);
    expect((await c.request('/staff/')).status).toBe(303);
    const log = await t.database.db.selectFrom('staff_sign_ins').select('kind').where('account_id', '=', admin.id).execute();
    expect(log.map((l) => l.kind)).toContain('signed_out');
  });
});

describe('cross-site request forgery', () => {
  let c: Client;
  beforeAll(async () => {
    c = new Client(t);
    await c.signIn(admin);
  });
  const invite = (email: string) => ({ email, name: 'Mallory’s friend', role: 'admin', delegate: '' });
  const accounts = async (email: string) => t.database.db.selectFrom('staff_accounts').select('id').where('email', '=', email).execute();

  it('refuses a form posted from another site, even with the right token', async () => {
    const res = await c.request('/staff/accounts', { form: { _csrf: await c.csrf(), ...invite('x1@evil.example') }, origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(await accounts('x1@evil.example')).toEqual([]);
  });

  it('refuses a post without an Origin', async () => {
    const res = await c.request('/staff/accounts', { form: { _csrf: await c.csrf(), ...invite('x2@evil.example') }, origin: null });
    expect(res.status).toBe(403);
    expect(await accounts('x2@evil.example')).toEqual([]);
  });

  it('refuses a same-origin post without the session’s token, or with another session’s', async () => {
    const other = new Client(t);
    await other.request('/staff/login');
    const foreign = Client.csrfOf(await (await other.request('/staff/login')).text());
    for (const token of [undefined, '', foreign]) {
      const form: Record<string, string> = invite('x3@evil.example');
      if (token !== undefined) form._csrf = token;
      expect((await c.request('/staff/accounts', { form })).status).toBe(403);
    }
    expect(await accounts('x3@evil.example')).toEqual([]);
  });

  it('refuses a sign-in posted from another site (login CSRF)', async () => {
    const v = new Client(t);
    const csrf = Client.csrfOf(await (await v.request('/staff/login')).text());
    t.clock.advance(30_000);
    const res = await v.request('/staff/login', {
      form: { _csrf: csrf, email: admin.email, password: admin.password, code: totpCode(admin.secret, t.clock.now()) },
      origin: 'https://evil.example',
    });
    expect(res.status).toBe(403);
    expect(v.lastSetCookie).toEqual([]);
  });

  it('accepts the same form from the console itself', async () => {
    const res = await c.request('/staff/accounts', { form: { _csrf: await c.csrf(), ...invite('friend@body.example') } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('/staff/enrol/cmenrol_');
    expect(await accounts('friend@body.example')).toHaveLength(1);
  });
});

describe('rate limit and lockout', () => {
  it('locks an account for 15 minutes after 5 failures within 15 minutes, then lets the right person in', async () => {
    const p = await enrolledPerson(t, 'reviewer');
    const c = new Client(t);
    for (let i = 0; i < 4; i++) {
      const res = await c.signIn({ ...p, password: 'wrong password here' });
      expect(res.status).toBe(401);
      expect(await res.text()).toContain('the e-mail address, password or code is not right');
      t.clock.advance(60_000);
    }
    const fifth = await c.signIn({ ...p, password: 'wrong password here' });
    expect(fifth.status).toBe(429);
    // the right password and code are refused while locked
    t.clock.advance(60_000);
    expect((await c.signIn(p)).status).toBe(429);
    t.clock.advance(14 * 60_000);
    const res = await c.signIn(p);
    expect(res.status).toBe(303);
    const kinds = (await t.database.db.selectFrom('staff_sign_ins').select(['kind', 'detail']).where('account_id', '=', p.id).orderBy('id').execute()).map(
      (r) => r.kind,
    );
    expect(kinds).toEqual(['invited', 'enrolled', 'failed', 'failed', 'failed', 'failed', 'failed', 'locked', 'failed', 'signed_in']);
  });

  it('counts a wrong TOTP code as a failure, and a code used once is not good again', async () => {
    const p = await enrolledPerson(t, 'reviewer');
    const c = new Client(t);
    expect((await c.signIn(p, '000000')).status).toBe(401);
    expect((await c.signIn(p)).status).toBe(303);
    const code = totpCode(p.secret, t.clock.now());
    const replay = new Client(t);
    t.clock.advance(-30_000); // the same 30-second step again
    expect((await replay.signIn(p, code)).status).toBe(401);
  });

  it('answers an unknown e-mail address exactly as a wrong password', async () => {
    const c = new Client(t);
    const res = await c.signIn({ ...admin, email: 'nobody@body.example' });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('the e-mail address, password or code is not right');
  });
});

describe('sign-in attempts from one address', () => {
  it('are limited to 60 in 15 minutes whatever accounts they name (password spraying), then allowed again', async () => {
    t.clock.advance(16 * 60_000); // the attempts of the tests above are out of the window
    const c = new Client(t);
    const csrf = Client.csrfOf(await (await c.request('/staff/login')).text());
    const attempt = (i: number) =>
      c.request('/staff/login', { form: { _csrf: csrf, email: `person${i}@body.example`, password: 'Spring2026!!', code: '123456' } });
    for (let i = 0; i < 60; i++) expect((await attempt(i)).status, `attempt ${i + 1}`).toBe(401);
    const refused = await attempt(60);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.text()).toContain('too many sign-in attempts from this address');
    t.clock.advance(15 * 60_000 + 1000);
    expect((await c.signIn(admin)).status).toBe(303);
  });
});

describe('enrolment links', () => {
  it('work once, for 24 hours', async () => {
    const ctx = { db: t.database.db, clock: t.clock, baseUrl: t.config.publicBaseUrl };
    const a = await inviteStaff(ctx, 'test', { email: 'once@body.example', name: 'Once', role: 'auditor' });
    const token = a.url.split('/').at(-1)!;
    expect(a.url).toBe(`https://certmark.test/staff/enrol/${token}`);
    expect((await new Client(t).request(`/staff/enrol/${token}`)).status).toBe(200);
    t.clock.advance(24 * 3600_000);
    expect(await openInvite(ctx, token)).toBeNull();
    expect((await new Client(t).request(`/staff/enrol/${token}`)).status).toBe(404);
    // stored hashed: the token itself is nowhere in the database
    const rows = await t.database.db.selectFrom('staff_invites').select('token_hash').execute();
    expect(rows.some((r) => r.token_hash.includes(token))).toBe(false);
  });
});

describe('staff accounts (admins)', () => {
  it('disabling an account ends its sessions at once, and it cannot sign in again', async () => {
    const p = await enrolledPerson(t, 'reviewer');
    const victim = new Client(t);
    expect((await victim.signIn(p)).status).toBe(303);
    const a = new Client(t);
    await a.signIn(admin);
    const res = await a.request(`/staff/accounts/${p.id}/disable`, { form: { _csrf: await a.csrf('/staff/accounts') } });
    expect(res.status).toBe(303);
    expect((await victim.request('/staff/')).status).toBe(303);
    expect((await new Client(t).signIn(p)).status).toBe(401);
  });

  it('an admin cannot disable its own account', async () => {
    const a = new Client(t);
    await a.signIn(admin);
    expect((await a.request(`/staff/accounts/${admin.id}/disable`, { form: { _csrf: await a.csrf('/staff/accounts') } })).status).toBe(409);
  });

  it('puts invitations, enrolments and disabling on the chain, and the register check finds every account matching', async () => {
    const { checkRegister } = await import('../../src/domain/register-check');
    const types = (await t.database.db.selectFrom('events').select('type').where('type', 'like', 'staff_account.%').execute()).map((e) => e.type);
    expect(new Set(types)).toEqual(new Set(['staff_account.invited', 'staff_account.enrolled', 'staff_account.disabled']));
    const check = await checkRegister(t.database.db);
    expect(check.records.problems).toEqual([]);
    expect(check.ok).toBe(true);
  });
});

describe('roles (Arts. 7, 19, 20)', () => {
  let mine: { id: string; number: string };
  let other: { id: string; number: string };
  let delegate: Person;
  let delegateId: string;
  let auditor: Person;

  beforeAll(async () => {
    mine = await certifiedService(t);
    other = await certifiedService(t);
    const body = await t.json('POST', '/api/v1/admin/delegates', { nameJa: '審査支援機構', scopeJa: '書類審査' });
    expect(body.status).toBe(201);
    delegateId = ((await body.json()) as { id: string }).id;
    delegate = await enrolledPerson(t, 'delegate', { delegate: delegateId });
    await assignServiceToAccount({ db: t.database.db, clock: t.clock }, 'test', delegate.id, mine.id);
    auditor = await enrolledPerson(t, 'auditor');
  });

  it('an auditor sees no control that writes, on any screen', async () => {
    const c = new Client(t);
    await c.signIn(auditor);
    for (const path of ['/staff/', '/staff/services', `/staff/services/${mine.number}`, '/staff/cases', '/staff/inquiries', '/staff/audit-log']) {
      const res = await c.request(path);
      expect(res.status, path).toBe(200);
      const forms = [...(await res.text()).matchAll(/<form[^>]*action="([^"]*)"[^>]*method="post"|<form[^>]*method="post"[^>]*action="([^"]*)"/g)].map(
        (m) => m[1] ?? m[2],
      );
      expect(forms, path).toEqual(['/staff/sign-out']);
    }
    expect((await c.request('/staff/accounts')).status).toBe(403);
  });

  it('an auditor cannot write, whatever it posts', async () => {
    const c = new Client(t);
    await c.signIn(auditor);
    const csrf = await c.csrf();
    const res = await c.request('/staff/accounts', { form: { _csrf: csrf, email: 'a@body.example', name: 'A', role: 'admin', delegate: '' } });
    expect(res.status).toBe(403);
    expect((await c.request(`/staff/accounts/${admin.id}/disable`, { form: { _csrf: csrf } })).status).toBe(403);
    expect(
      (await t.database.db.selectFrom('staff_accounts').select('disabled_at').where('id', '=', admin.id).executeTakeFirstOrThrow()).disabled_at,
    ).toBeNull();
  });

  it('a delegate sees only its assigned services, on every console route', async () => {
    const c = new Client(t);
    await c.signIn(delegate);
    for (const path of ['/staff/', '/staff/services', '/staff/services?status=certified', '/staff/cases']) {
      const res = await c.request(path);
      const html = await res.text();
      expect(res.status, path).toBe(200);
      expect(html, path).not.toContain(other.number);
      expect(html, path).not.toContain(other.id);
    }
    expect(await (await c.request('/staff/services')).text()).toContain(mine.number);
    expect((await c.request(`/staff/services/${mine.number}`)).status).toBe(200);
    for (const ref of [other.number, other.id, 'MD-9999-2601', 'no-such-id']) expect((await c.request(`/staff/services/${ref}`)).status, ref).toBe(404);
    for (const path of ['/staff/audit-log', '/staff/accounts', '/staff/inquiries']) expect((await c.request(path)).status, path).toBe(403);
  });

  it('disabling a delegate ends its assignments, on the chain', async () => {
    const { checkRegister } = await import('../../src/domain/register-check');
    const ctx = { db: t.database.db, clock: t.clock };
    const d2 = await enrolledPerson(t, 'delegate', { delegate: delegateId });
    const id = await assignServiceToAccount(ctx, 'test', d2.id, mine.id);
    await disableStaffAccount(ctx, `staff:${admin.id}`, d2.id);
    const row = await t.database.db.selectFrom('staff_assignments').select(['ended_at', 'staff_token_id']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.ended_at).not.toBeNull();
    expect(row.staff_token_id).toBeNull();
    expect((await checkRegister(t.database.db)).records.problems).toEqual([]);
  });

  it('audits a console read of a service exactly as the staff API’s read (Art. 20)', async () => {
    const c = new Client(t);
    await c.signIn(admin);
    const entries = async (staffId: string) =>
      (await t.database.db.selectFrom('audit_log').select(['action', 'subject']).where('staff_token_id', '=', staffId).where('subject', '=', mine.id).execute())
        .map((e) => e.action)
        .sort();
    await t.json('GET', `/api/v1/admin/services/${mine.id}`);
    const token = (await t.database.db.selectFrom('staff_tokens').select('id').executeTakeFirstOrThrow()).id;
    expect((await c.request(`/staff/services/${mine.number}`)).status).toBe(200);
    const api = await entries(token);
    const console = await entries(admin.id);
    expect(api.length).toBeGreaterThan(0);
    for (const action of api) expect(console).toContain(action);
  });
});
