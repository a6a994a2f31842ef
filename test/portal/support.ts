/** Vendor portal tests: users invited through the domain, sign-in links read from the outbox, and a cookie-keeping client. */
import { inviteVendorUser } from '../../src/portal/users';
import { SIGN_IN_LINK_NOTICE } from '../../src/notices/ids';
import type { TestApp } from '../support/app';
import { Client } from '../console/support';

export interface VendorPerson {
  id: string;
  email: string;
  vendorId: string;
}

export const portalCtx = (t: TestApp) => ({
  db: t.database.db,
  clock: t.clock,
  notices: { certifier: t.config.certifier, publicBaseUrl: t.config.publicBaseUrl },
});

export async function vendorPerson(t: TestApp, vendorId: string, role: 'admin' | 'member' = 'member'): Promise<VendorPerson> {
  const email = `${role}-${Math.random().toString(36).slice(2, 8)}@vendor.example`;
  const u = await inviteVendorUser(portalCtx(t), 'test', vendorId, { email, name: `${role} of ${vendorId.slice(0, 4)}`, role });
  return { id: u.id, email, vendorId };
}

/** The newest sign-in link e-mailed to the address (the outbox row's body). */
export async function latestLink(t: TestApp, email: string): Promise<string> {
  const rows = await t.database.db
    .selectFrom('notices')
    .select(['body', 'recipients'])
    .where('kind', '=', SIGN_IN_LINK_NOTICE)
    .orderBy('created_at', 'desc')
    .execute();
  for (const r of rows) {
    const to = typeof r.recipients === 'string' ? (JSON.parse(r.recipients) as string[]) : (r.recipients as string[]);
    if (to.includes(email)) return /https?:\/\/\S+\/vendor\/link\/[\w-]{43}/.exec(r.body)![0];
  }
  throw new Error(`no sign-in link to ${email}`);
}

/** Signs a person in as a browser would: ask for a link, open it, press the button. */
export async function portalSignIn(c: Client, p: VendorPerson): Promise<Response> {
  c.t.clock.advance(1000); // the newest link is the one asked for now
  const page = await c.request('/vendor/login');
  const csrf = Client.csrfOf(await page.text());
  await c.request('/vendor/login', { form: { _csrf: csrf, email: p.email } });
  const link = new URL(await latestLink(c.t, p.email)).pathname;
  const landing = await c.request(link);
  return c.request(link, { form: { _csrf: Client.csrfOf(await landing.text()) } });
}

export { Client };
