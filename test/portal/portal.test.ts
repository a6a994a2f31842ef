import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRegister } from '../../src/domain/register-check';
import { SIGN_IN_LINK_NOTICE } from '../../src/notices/ids';
import { noticeForStaff, resendNotice } from '../../src/notices/staff';
import { disableVendorUser } from '../../src/portal/users';
import { inTransaction } from '../../src/db/database';
import { insertVendorPasskey } from '../../src/repositories/vendor-users';
import { certifiedService, ok, op } from '../admin/fixtures';
import { crawlerKey, markPng, postSighting, verifyUrl } from '../sightings/support';
import { testApp, type TestApp } from '../support/app';
import { Client, latestLink, portalCtx, portalSignIn, vendorPerson, type VendorPerson } from './support';

/**
 * The vendor portal (issue 15): a one-time e-mail link signs a vendor's person in, with the console's session
 * rules; they see their own vendor's services, renewal window, requests, notices (PDFs) and cases, and nothing
 * of another vendor's, on any route.
 */

let t: TestApp;
let mine: { id: string; number: string; validThrough: string };
let theirs: { id: string; number: string; validThrough: string };
let me: VendorPerson;
let them: VendorPerson;
const COOKIE = '__Host-certmark-vendor';

async function vendorOf(serviceId: string): Promise<string> {
  return (await t.database.db.selectFrom('services').select('vendor_id').where('id', '=', serviceId).executeTakeFirstOrThrow()).vendor_id;
}

beforeAll(async () => {
  t = await testApp({ now: '2026-04-01T03:00:00Z' });
  mine = await certifiedService(t, { nameJa: '<b>わが社</b>カルテ' });
  theirs = await certifiedService(t, { nameJa: 'よその会社のカルテ' });
  me = await vendorPerson(t, await vendorOf(mine.id), 'admin');
  them = await vendorPerson(t, await vendorOf(theirs.id));
  // the other vendor's service has a request, a revocation letter (PDF) and notices
  await ok(op(t, theirs.id, 'investigations', { subject: 'よその調査', dueOn: '2026-04-20' }), 201);
  await ok(op(t, theirs.id, 'revocation', { ground: 3, reason: 'よその取消理由' }));
});
afterAll(async () => t?.close());

describe('signing in with a one-time e-mail link', () => {
  it('sends the link through the outbox, signs in by the button (a GET does not), with a new session id and the cookie’s flags', async () => {
    const c = new Client(t);
    const page = await c.request('/vendor/login');
    const before = c.cookies.get(COOKIE)!;
    const sent = await c.request('/vendor/login', { form: { _csrf: Client.csrfOf(await page.text()), email: me.email.toUpperCase() } });
    expect(sent.status).toBe(200);
    expect(await sent.text()).toContain('15分間有効');
    const link = new URL(await latestLink(t, me.email)).pathname;
    const landing = await c.request(link);
    expect(landing.status).toBe(200);
    expect((await c.request('/vendor/')).status).toBe(303); // opening the link signed nobody in
    const res = await c.request(link, { form: { _csrf: Client.csrfOf(await landing.text()) } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/vendor/');
    expect(c.lastSetCookie[0]).toMatch(/^__Host-certmark-vendor=[\w-]{43}; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
    expect(c.cookies.get(COOKIE)).not.toBe(before);
    expect((await c.request('/vendor/')).status).toBe(200);
  });

  it('refuses a link used once already, and one older than 15 minutes', async () => {
    const c = new Client(t);
    expect((await portalSignIn(c, me)).status).toBe(303);
    const used = new URL(await latestLink(t, me.email)).pathname;
    const again = new Client(t);
    const landing = await again.request(used);
    const res = await again.request(used, { form: { _csrf: Client.csrfOf(await landing.text()) } });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('used already, has expired');

    const late = new Client(t);
    const page = await late.request('/vendor/login');
    t.clock.advance(1000);
    await late.request('/vendor/login', { form: { _csrf: Client.csrfOf(await page.text()), email: me.email } });
    const link = new URL(await latestLink(t, me.email)).pathname;
    t.clock.advance(15 * 60_000 + 1000);
    const l2 = await late.request(link);
    expect((await late.request(link, { form: { _csrf: Client.csrfOf(await l2.text()) } })).status).toBe(401);
  });

  it('answers an unknown address exactly as a known one, and sends nothing', async () => {
    const count = async () =>
      Number(
        (
          await t.database.db
            .selectFrom('notices')
            .select((e) => e.fn.countAll().as('n'))
            .where('kind', '=', SIGN_IN_LINK_NOTICE)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const c = new Client(t);
    const csrf = Client.csrfOf(await (await c.request('/vendor/login')).text());
    const res = await c.request('/vendor/login', { form: { _csrf: csrf, email: 'nobody@vendor.example' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('nobody@vendor.example が登録されていれば');
    expect(await count()).toBe(before);
    const bad = await c.request('/vendor/login', { form: { _csrf: csrf, email: 'not an address' } });
    expect(bad.status).toBe(400);
  });

  it('sends at most 5 links an hour to one person', async () => {
    const p = await vendorPerson(t, me.vendorId);
    const c = new Client(t);
    const csrf = Client.csrfOf(await (await c.request('/vendor/login')).text());
    for (let i = 0; i < 8; i++) expect((await c.request('/vendor/login', { form: { _csrf: csrf, email: p.email } })).status).toBe(200);
    const links = await t.database.db.selectFrom('vendor_sign_in_links').select('id').where('user_id', '=', p.id).execute();
    expect(links).toHaveLength(5); // the invitation's and 4 asked for
  });

  it('never shows a sign-in link to staff, nor sends it again', async () => {
    const row = await t.database.db.selectFrom('notices').select('id').where('kind', '=', SIGN_IN_LINK_NOTICE).executeTakeFirstOrThrow();
    const seen = await noticeForStaff({ db: t.database.db, clock: t.clock, staffId: 'test' }, row.id);
    expect(seen.body).not.toMatch(/vendor\/link\//);
    await t.database.db.updateTable('notices').set({ status: 'dead' }).where('id', '=', row.id).execute();
    await expect(resendNotice({ db: t.database.db, clock: t.clock }, row.id, ['staff@body.example'])).rejects.toMatchObject({ kind: 'conflict' });
  });

  it('refuses a cross-site post and a post without the CSRF token', async () => {
    const c = new Client(t);
    const csrf = Client.csrfOf(await (await c.request('/vendor/login')).text());
    expect((await c.request('/vendor/login', { form: { _csrf: csrf, email: me.email }, origin: 'https://evil.example' })).status).toBe(403);
    expect((await c.request('/vendor/login', { form: { email: me.email } })).status).toBe(403);
  });

  it('ends the sessions of a disabled user at once', async () => {
    const p = await vendorPerson(t, me.vendorId);
    const c = new Client(t);
    await portalSignIn(c, p);
    expect((await c.request('/vendor/')).status).toBe(200);
    await disableVendorUser(portalCtx(t), `vendor:${me.id}`, p.id, me.vendorId);
    expect((await c.request('/vendor/')).status).toBe(303);
    expect((await checkRegister(t.database.db)).records.problems).toEqual([]);
  });
});

describe('what a vendor user sees', () => {
  it('lists their own services with the renewal window and the days left, escaping the vendor’s text', async () => {
    const c = new Client(t);
    await portalSignIn(c, me);
    const html = await (await c.request('/vendor/')).text();
    expect(html).toContain(mine.number);
    expect(html).not.toContain(theirs.number);
    expect(html).toContain('&lt;b&gt;わが社&lt;/b&gt;カルテ');
    expect(html).toContain('受付開始まであと');
  });

  it('shows a service’s requests with due dates, its notices with the PDFs, and its cases', async () => {
    const c = new Client(t);
    const p = await vendorPerson(t, them.vendorId);
    await portalSignIn(c, p);
    const html = await (await c.request(`/vendor/services/${theirs.number}?lang=en`)).text();
    expect(html).toContain('Investigation request (Art. 15)');
    expect(html).toContain('よその調査');
    const pdf = /href="(\/vendor\/notices\/[0-9a-f]+\/files\/[0-9a-f]{64})/.exec(html)?.[1];
    expect(pdf).toBeDefined();
    const file = await c.request(pdf!.replace(/&amp;/g, '&'));
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await file.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  });
});

describe('Art. 20: a vendor user’s reads of the body’s notices and their letters are audited', () => {
  it('writes one entry for the notice and one for its PDF, as vendor-user:{id}; none for another vendor’s user refused', async () => {
    const p = await vendorPerson(t, them.vendorId);
    const c = new Client(t);
    await portalSignIn(c, p);
    const html = await (await c.request(`/vendor/services/${theirs.number}`)).text();
    const pdf = /href="\/vendor\/notices\/([0-9a-f]+)\/files\/([0-9a-f]{64})/.exec(html);
    expect(pdf).not.toBeNull();
    const [, notice, sha] = pdf!;
    expect((await c.request(`/vendor/notices/${notice}`)).status).toBe(200);
    expect((await c.request(`/vendor/notices/${notice}/files/${sha}`)).status).toBe(200);
    const rows = await t.database.db
      .selectFrom('audit_log')
      .select(['action', 'subject'])
      .where('staff_token_id', '=', `vendor-user:${p.id}`)
      .orderBy('id')
      .execute();
    expect(rows.map((r) => `${r.action} ${r.subject}`)).toEqual([`read notice ${notice}`, `read notice file ${notice}/${sha}`]);
    // the same reads by another vendor's user are refused, and leave no entry
    const other = await vendorPerson(t, me.vendorId);
    const d = new Client(t);
    await portalSignIn(d, other);
    expect((await d.request(`/vendor/notices/${notice}`)).status).toBe(404);
    expect((await d.request(`/vendor/notices/${notice}/files/${sha}`)).status).toBe(404);
    expect(await t.database.db.selectFrom('audit_log').select('id').where('staff_token_id', '=', `vendor-user:${other.id}`).execute()).toEqual([]);
  });
});

describe('isolation: one vendor’s user reaches nothing of another vendor’s, on every route', () => {
  let admin: VendorPerson;
  beforeAll(async () => {
    admin = await vendorPerson(t, me.vendorId, 'admin'); // a person of their own: at most 5 links an hour each
  });
  it('answers 404 for the other vendor’s service, notices and files, by number or id', async () => {
    const c = new Client(t);
    await portalSignIn(c, admin);
    const notices = await t.database.db.selectFrom('notices').select(['id', 'attachments']).where('service_id', '=', theirs.id).execute();
    expect(notices.length).toBeGreaterThan(0);
    const paths = [`/vendor/services/${theirs.number}`, `/vendor/services/${theirs.id}`, '/vendor/services/MD-9999-2601'];
    for (const n of notices) {
      paths.push(`/vendor/notices/${n.id}`);
      const files = typeof n.attachments === 'string' ? JSON.parse(n.attachments) : n.attachments;
      for (const f of files as { sha256: string }[]) paths.push(`/vendor/notices/${n.id}/files/${f.sha256}`);
    }
    // their misuse case (the mark still shown for their revoked service) and its image, through either service
    const key = (await crawlerKey(t)).key;
    const seen = { image: await markPng(), pageUrl: 'https://clinic.example.jp/', linkHref: verifyUrl(theirs.number), seenAt: t.clock.now().toISOString() };
    expect((await postSighting(t, key, seen)).status).toBe(201);
    const k = await t.database.db.selectFrom('misuse_cases').select('id').where('service_id', '=', theirs.id).executeTakeFirstOrThrow();
    const img = await t.database.db.selectFrom('sightings').select('image_sha256').where('service_id', '=', theirs.id).executeTakeFirstOrThrow();
    for (const service of [theirs.number, theirs.id, mine.number]) {
      paths.push(`/vendor/services/${service}/cases/${k.id}`, `/vendor/services/${service}/cases/${k.id}/images/${img.image_sha256}`);
    }
    for (const path of paths) {
      const res = await c.request(path);
      expect(res.status, path).toBe(404);
      const html = await res.text();
      expect(html, path).not.toContain('よその');
    }
    // another vendor's user's passkey cannot be removed
    await inTransaction(t.database.db, (tx) =>
      insertVendorPasskey(tx, { id: 'their-passkey', userId: them.id, publicKey: new Uint8Array(32), counter: 0, transports: [], at: t.clock.now() }),
    );
    const csrf = await c.csrf('/vendor/account');
    expect((await c.request('/vendor/account/passkeys/their-passkey/remove', { form: { _csrf: csrf } })).status).toBe(404);
    expect(await t.database.db.selectFrom('vendor_passkeys').select('id').where('id', '=', 'their-passkey').execute()).toHaveLength(1);
  });

  it('lets a vendor admin manage their own vendor’s users only', async () => {
    const c = new Client(t);
    await portalSignIn(c, admin);
    const html = await (await c.request('/vendor/users')).text();
    expect(html).toContain(admin.email);
    expect(html).not.toContain(them.email);
    const csrf = Client.csrfOf(html);
    expect((await c.request(`/vendor/users/${them.id}/disable`, { form: { _csrf: csrf } })).status).toBe(404);
    const made = await c.request('/vendor/users', { form: { _csrf: csrf, email: 'new-colleague@vendor.example', name: '同僚', role: 'member' } });
    expect(made.status).toBe(200);
    const row = await t.database.db
      .selectFrom('vendor_users')
      .select(['vendor_id', 'created_by'])
      .where('email', '=', 'new-colleague@vendor.example')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ vendor_id: me.vendorId, created_by: `vendor:${admin.id}` });
    expect((await c.request('/vendor/users', { form: { _csrf: csrf, email: 'new-colleague@vendor.example', name: '同僚', role: 'member' } })).status).toBe(409);
    expect((await c.request('/vendor/users', { form: { _csrf: csrf, email: '', name: '', role: 'boss' } })).status).toBe(400);
  });

  it('refuses user management to a member', async () => {
    const c = new Client(t);
    const member = await vendorPerson(t, me.vendorId);
    await portalSignIn(c, member);
    expect((await c.request('/vendor/users')).status).toBe(403);
    const csrf = await c.csrf('/vendor/');
    expect((await c.request('/vendor/users', { form: { _csrf: csrf, email: 'x@vendor.example', name: 'x', role: 'admin' } })).status).toBe(403);
  });
});

describe('certmark vendor invite', () => {
  it('prints a one-time sign-in URL under {base}/vendor/, valid 24 hours, that signs the person in', async () => {
    const { run } = await import('../../src/cli/main');
    let out = '';
    const code = await run(['vendor', 'invite', me.vendorId, '--email', 'CLI.Person@Vendor.example', '--name', 'CLIの人', '--json'], {
      env: { PUBLIC_BASE_URL: t.config.publicBaseUrl, CERTMARK_DEMO: '0' },
      cwd: '/tmp',
      stdout: (s: string) => (out += s),
      stderr: (s: string) => (out += s),
      openDatabase: async () => ({ ...t.database, close: async () => {} }),
    });
    expect(code, out).toBe(0);
    const printed = JSON.parse(out);
    expect(printed).toMatchObject({ vendor: me.vendorId, email: 'cli.person@vendor.example', role: 'member' });
    expect(printed.url).toMatch(new RegExp(`^${t.config.publicBaseUrl}/vendor/link/[\\w-]{43}$`));
    const c = new Client(t);
    const path = new URL(printed.url).pathname;
    const landing = await c.request(path);
    expect((await c.request(path, { form: { _csrf: Client.csrfOf(await landing.text()) } })).status).toBe(303);
    expect(await (await c.request('/vendor/')).text()).toContain(mine.number);
    let bad = '';
    const refused = await run(['vendor', 'invite', 'no-such-vendor', '--email', 'x@vendor.example'], {
      env: { PUBLIC_BASE_URL: t.config.publicBaseUrl, CERTMARK_DEMO: '0' },
      cwd: '/tmp',
      stdout: (s: string) => (bad += s),
      stderr: (s: string) => (bad += s),
      openDatabase: async () => ({ ...t.database, close: async () => {} }),
    });
    expect(refused).not.toBe(0);
    expect(bad).toContain('no vendor');
  });
});

describe('people’s entrances (CONTRACT.md)', () => {
  it('answers GET /staff/ and GET /vendor/ without a session with 303 to their login pages, which answer 200', async () => {
    for (const [path, login] of [
      ['/staff/', '/staff/login'],
      ['/vendor/', '/vendor/login'],
    ]) {
      const res = await t.app.request(path!);
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location'), path).toBe(login);
      expect((await t.app.request(login!)).status, login).toBe(200);
    }
    const old = await t.app.request('/staff/sign-in?lang=en');
    expect(old.status).toBe(308);
    expect(old.headers.get('location')).toBe('/staff/login?lang=en');
  });
});
