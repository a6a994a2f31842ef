import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/database';
import { disableVendorUser } from '../../src/portal/users';
import { insertVendorPasskey } from '../../src/repositories/vendor-users';
import { axeViolations, fitsWidth, launchChromium, openPage, servedApp, type Opened, type Served } from '../support/browser';
import { certifiedService, crawlerKey, markPng, postSighting } from '../sightings/support';
import { Client, latestLink, portalCtx, portalSignIn, vendorPerson, type VendorPerson } from './support';

/**
 * Passkeys in the vendor portal, in Chromium with a CDP virtual authenticator (issue 15): a signed-in vendor user
 * registers a passkey on their account page, signs out and signs in with it (a new session id, the counter moved
 * on, the sign-in log says so); a removed passkey and a disabled user's passkey sign nobody in; the account page
 * and a misuse case's page are accessible (axe, WCAG 2.2 AA) and readable at 320 px.
 */

const COOKIE = 'certmark-vendor';
let s: Served;
let browser: Browser;
let person: VendorPerson;
let service: { id: string; number: string };
let caseId: string;

beforeAll(async () => {
  s = await servedApp({ now: '2026-04-01T03:00:00Z' });
  const certified = await certifiedService(s.t);
  service = certified;
  const key = (await crawlerKey(s.t)).key;
  expect((await postSighting(s.t, key, { image: await markPng(), pageUrl: certified.page, seenAt: s.t.clock.now().toISOString() })).status).toBe(201);
  caseId = (await s.t.database.db.selectFrom('misuse_cases').select('id').where('service_id', '=', service.id).executeTakeFirstOrThrow()).id;
  const vendorId = (await s.t.database.db.selectFrom('services').select('vendor_id').where('id', '=', service.id).executeTakeFirstOrThrow()).vendor_id;
  person = await vendorPerson(s.t, vendorId, 'admin');
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await s?.close();
});

async function withAuthenticator(o: Opened): Promise<void> {
  const cdp = await o.context.newCDPSession(o.page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
}

/** Signs in by the e-mail link, as a person would. */
async function signInByLink(o: Opened, p: VendorPerson): Promise<void> {
  s.t.clock.advance(1000); // the newest link is the one asked for now
  await o.page.goto(`${s.origin}/vendor/login`);
  await o.page.getByLabel('メールアドレス').fill(p.email);
  await o.page.getByRole('button', { name: 'リンクを送る' }).click();
  await o.page.getByText('サインイン用のリンクを送りました').waitFor();
  await o.page.goto(await latestLink(s.t, p.email));
  await o.page.getByRole('button', { name: 'サインイン' }).click();
  await o.page.waitForURL(`${s.origin}/vendor/`);
}

async function registerPasskey(o: Opened): Promise<void> {
  await o.page.goto(`${s.origin}/vendor/account`);
  await o.page.getByRole('button', { name: 'パスキーを登録' }).click();
  await o.page.waitForURL(`${s.origin}/vendor/account?m=added`);
}

async function signOut(o: Opened): Promise<void> {
  await o.page.getByRole('button', { name: 'サインアウト' }).click();
  await o.page.waitForURL(`${s.origin}/vendor/login?m=out`);
}

const signIns = (userId: string) =>
  s.t.database.db.selectFrom('vendor_sign_ins').select(['kind', 'detail']).where('user_id', '=', userId).orderBy('id').execute();

describe('a vendor user’s passkey (WebAuthn, virtual authenticator)', () => {
  it('registers a passkey when signed in, then signs in with it after signing out; removed, it signs nobody in', { timeout: 120_000 }, async () => {
    const o = await openPage(browser);
    try {
      await withAuthenticator(o);
      await signInByLink(o, person);
      await o.page.getByRole('link', { name: 'アカウントとパスキー' }).click();
      await o.page.waitForURL(`${s.origin}/vendor/account`);
      await registerPasskey(o);
      expect(await o.page.locator('.flash').innerText()).toContain('パスキーを登録しました');
      const key = await s.t.database.db.selectFrom('vendor_passkeys').select(['id', 'counter']).where('user_id', '=', person.id).executeTakeFirstOrThrow();
      expect(await o.page.locator('table.data tbody tr').count()).toBe(1);

      await signOut(o);
      const before = (await o.context.cookies(s.origin)).find((c) => c.name === COOKIE)?.value;
      await o.page.getByRole('button', { name: 'パスキーでサインイン' }).click();
      await o.page.waitForURL(`${s.origin}/vendor/`);
      expect(await o.page.locator('form.sign-out .who').innerText()).toContain(`admin of`);
      const after = (await o.context.cookies(s.origin)).find((c) => c.name === COOKIE)!;
      expect(after.value).not.toBe(before);
      expect(after).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
      const used = await s.t.database.db.selectFrom('vendor_passkeys').select(['counter', 'last_used_at']).where('id', '=', key.id).executeTakeFirstOrThrow();
      expect(used.last_used_at).not.toBeNull();
      expect(Number(used.counter)).toBeGreaterThan(Number(key.counter));
      expect((await signIns(person.id)).slice(-4)).toEqual([
        { kind: 'signed_in', detail: null },
        { kind: 'passkey_added', detail: key.id },
        { kind: 'signed_out', detail: null },
        { kind: 'signed_in', detail: 'passkey' },
      ]);
      expect(o.errors).toEqual([]);

      // removed, the passkey is unknown: the authenticator still has it, certmark no longer
      await o.page.goto(`${s.origin}/vendor/account`);
      await o.page.getByRole('button', { name: /^削除/ }).click();
      await o.page.waitForURL(`${s.origin}/vendor/account?m=removed`);
      expect(await o.page.locator('.flash').innerText()).toContain('パスキーを削除しました');
      expect(await s.t.database.db.selectFrom('vendor_passkeys').select('id').where('user_id', '=', person.id).execute()).toEqual([]);
      await signOut(o);
      await o.page.getByRole('button', { name: 'パスキーでサインイン' }).click();
      await o.page.locator('.passkey [role="status"]').filter({ hasText: 'passkey could not be used' }).waitFor();
      expect(new URL(o.page.url()).pathname).toBe('/vendor/login');
      expect((await signIns(person.id)).at(-1)).toEqual({ kind: 'signed_out', detail: null }); // unknown passkeys name nobody
    } finally {
      await o.context.close();
    }
  });

  it('refuses the passkey of a disabled user', { timeout: 120_000 }, async () => {
    const p = await vendorPerson(s.t, person.vendorId);
    const o = await openPage(browser);
    try {
      await withAuthenticator(o);
      await signInByLink(o, p);
      await registerPasskey(o);
      await disableVendorUser(portalCtx(s.t), `vendor:${person.id}`, p.id, person.vendorId);
      await o.page.goto(`${s.origin}/vendor/login`);
      await o.page.getByRole('button', { name: 'パスキーでサインイン' }).click();
      await o.page.locator('.passkey [role="status"]').filter({ hasText: 'passkey could not be used' }).waitFor();
      expect(new URL(o.page.url()).pathname).toBe('/vendor/login');
      expect((await signIns(p.id)).at(-1)).toEqual({ kind: 'failed', detail: 'passkey: user disabled' });
    } finally {
      await o.context.close();
    }
  });
});

describe('the ceremonies over HTTP: CSRF, one challenge per ceremony, JSON answers', () => {
  it('makes sign-in options for discoverable passkeys with user verification, only for a form with the CSRF token', async () => {
    const c = new Client(s.t);
    const csrf = Client.csrfOf(await (await c.request('/vendor/login')).text());
    expect((await c.request('/vendor/passkey/options', { form: {} })).status).toBe(403);
    expect((await c.request('/vendor/passkey/options', { form: { _csrf: csrf }, origin: 'https://evil.example' })).status).toBe(403);
    const res = await c.request('/vendor/passkey/options', { form: { _csrf: csrf } });
    expect(res.status).toBe(200);
    const options = (await res.json()) as { challenge: string; userVerification: string; allowCredentials: unknown[]; rpId: string };
    expect(options).toMatchObject({ userVerification: 'required', allowCredentials: [], rpId: 'localhost' });
    // an answer that is not one is refused before the ceremony is used; an unknown passkey fails; the challenge is good once
    expect((await c.request('/vendor/passkey/verify', { form: { _csrf: csrf, response: 'not json' } })).status).toBe(400);
    const unknown = await c.request('/vendor/passkey/verify', { form: { _csrf: csrf, response: JSON.stringify({ id: 'nobody', response: {} }) } });
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toMatchObject({ message: expect.stringContaining('passkey could not be used') });
    const again = await c.request('/vendor/passkey/verify', { form: { _csrf: csrf, response: JSON.stringify({ id: 'nobody', response: {} }) } });
    expect(again.status).toBe(409);
  });

  it('makes registration options for the signed-in user only: a resident key, user verification, their passkeys excluded', async () => {
    const c = new Client(s.t);
    const csrf = Client.csrfOf(await (await c.request('/vendor/login')).text());
    expect((await c.request('/vendor/account/passkeys/options', { form: { _csrf: csrf } })).status).toBe(401);
    const p = await vendorPerson(s.t, person.vendorId);
    await inTransaction(s.t.database.db, (tx) =>
      insertVendorPasskey(tx, { id: 'ZXhpc3Rpbmc', userId: p.id, publicKey: new Uint8Array(32), counter: 0, transports: [], at: s.t.clock.now() }),
    );
    expect((await portalSignIn(c, p)).status).toBe(303);
    const res = await c.request('/vendor/account/passkeys/options', { form: { _csrf: await c.csrf('/vendor/account') } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      user: { name: p.email },
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      excludeCredentials: [{ id: 'ZXhpc3Rpbmc' }],
    });
  });
});

describe('the new screens: accessible (axe, WCAG 2.2 AA), no console errors, no horizontal scroll at 320 px', () => {
  let session: { name: string; value: string };
  beforeAll(async () => {
    const p = await vendorPerson(s.t, person.vendorId);
    // a passkey on the list (the page shows its id and dates only)
    await inTransaction(s.t.database.db, (tx) =>
      insertVendorPasskey(tx, {
        id: 'AAECAwQFBgcICQoLDA0ODw',
        userId: p.id,
        publicKey: new Uint8Array(32),
        counter: 0,
        transports: ['internal'],
        at: s.t.clock.now(),
      }),
    );
    const c = new Client(s.t);
    expect((await portalSignIn(c, p)).status).toBe(303);
    session = { name: COOKIE, value: c.cookies.get(COOKIE)! };
  });
  const screens: [string, () => string][] = [
    ['the account page', () => '/vendor/account'],
    ['the account page in English', () => '/vendor/account?lang=en'],
    ['a misuse case', () => `/vendor/services/${service.number}/cases/${caseId}`],
    ['a misuse case in English', () => `/vendor/services/${service.number}/cases/${caseId}?lang=en`],
    ['the sign-in page with the passkey button', () => '/vendor/login'],
  ];
  for (const [what, path] of screens) {
    for (const width of [1024, 320]) {
      it(`${what} at ${width} px`, { timeout: 60_000 }, async () => {
        const o = await openPage(browser, { width });
        try {
          if (!path().startsWith('/vendor/login')) await o.context.addCookies([{ ...session, url: s.origin }]);
          await o.page.goto(`${s.origin}${path()}`);
          expect(new URL(o.page.url()).pathname).toBe(path().split('?')[0]);
          if (path().includes('/cases/')) {
            const loaded = await o.page.locator('.compare img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth > 0));
            expect(loaded).toEqual([true, true]);
          }
          expect(await axeViolations(o.page), path()).toEqual([]);
          expect(await fitsWidth(o.page), 'no horizontal scroll').toBe(true);
          expect(o.errors.filter((e) => !e.includes('404'))).toEqual([]);
        } finally {
          await o.context.close();
        }
      });
    }
  }
});
