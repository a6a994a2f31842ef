/** Staff console tests: accounts made through the domain, and a browser-like client (cookie jar, Origin, CSRF). */
import { enrolWithPassword, inviteStaff } from '../../src/console/accounts';
import { newTotpSecret, totpCode } from '../../src/console/factors';
import type { StaffRole } from '../../src/http/env';
import type { TestApp } from '../support/app';

export const PASSWORD = 'correct horse battery staple';

export interface Person {
  id: string;
  email: string;
  password: string;
  secret: string;
}

/** Invites and enrols a person with a password and TOTP, as the enrolment page would. */
export async function enrolledPerson(t: TestApp, role: StaffRole, options: { email?: string; delegate?: string } = {}): Promise<Person> {
  const email = options.email ?? `${role}-${Math.random().toString(36).slice(2, 8)}@body.example`;
  const ctx = { db: t.database.db, clock: t.clock, baseUrl: t.config.publicBaseUrl };
  const invited = await inviteStaff(ctx, 'test', { email, name: `${role} person`, role, delegate: options.delegate ?? null });
  const token = invited.url.split('/').at(-1)!;
  const secret = newTotpSecret();
  await enrolWithPassword(ctx, token, { password: PASSWORD, confirm: PASSWORD, totpSecret: secret, code: totpCode(secret, t.clock.now()) });
  t.clock.advance(30_000); // a TOTP code is good once: the next sign-in needs the next one
  return { id: invited.account.id, email, password: PASSWORD, secret };
}

/** A client of the console as a browser on its own origin: it keeps cookies and sends Origin on posts. */
export class Client {
  cookies = new Map<string, string>();
  lastSetCookie: string[] = [];
  constructor(
    readonly t: TestApp,
    readonly origin = new URL(t.config.publicBaseUrl).origin,
  ) {}

  async request(
    path: string,
    init: { method?: string; form?: Record<string, string>; json?: unknown; origin?: string | null; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { ...init.headers };
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (cookie) headers.Cookie = cookie;
    const method = init.method ?? (init.form || init.json !== undefined ? 'POST' : 'GET');
    if (method === 'POST' && init.origin !== null) headers.Origin = init.origin ?? this.origin;
    let body: string | undefined;
    if (init.form) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    } else if (init.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    const res = await this.t.app.request(path, { method, headers, body });
    this.lastSetCookie = res.headers.getSetCookie();
    for (const c of this.lastSetCookie) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
    return res;
  }

  /** The CSRF token of the page's forms. */
  static csrfOf(html: string): string {
    const m = /name="_csrf" value="([^"]+)"/.exec(html);
    if (!m) throw new Error('no CSRF field on the page');
    return m[1]!;
  }

  /** Signs in with the password and the TOTP code of the next 30-second step (a code is good once). */
  async signIn(p: Person, code?: string) {
    this.t.clock.advance(30_000);
    code ??= totpCode(p.secret, this.t.clock.now());
    const page = await this.request('/staff/login');
    const csrf = Client.csrfOf(await page.text());
    return this.request('/staff/login', { form: { _csrf: csrf, email: p.email, password: p.password, code } });
  }

  /** The CSRF token of a signed-in page. */
  async csrf(path = '/staff/'): Promise<string> {
    return Client.csrfOf(await (await this.request(path)).text());
  }
}
