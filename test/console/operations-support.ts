/** Shared by the operation form tests: counts on the chain, a signed-in client, services in a given state. */
import { expect } from 'vitest';
import { certifiedService, ok, op, renewal } from '../admin/fixtures';
import type { TestApp } from '../support/app';
import { Client, type Person } from './support';

export const head = async (t: TestApp) => (await t.database.db.selectFrom('event_chain_head').select('last_id').executeTakeFirstOrThrow()).last_id;

export const lastEvents = (t: TestApp, after: number) =>
  t.database.db.selectFrom('events').select(['type', 'service_id']).where('id', '>', after).orderBy('id').execute();

export async function count(t: TestApp, table: 'vendors' | 'services' | 'notices' | 'revocation_proposals'): Promise<number> {
  const r = await t.database.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** A client signed in with password and TOTP, and the CSRF token of its session. */
export async function signedIn(t: TestApp, p: Person): Promise<[Client, string]> {
  const c = new Client(t);
  expect((await c.signIn(p)).status).toBe(303);
  return [c, await c.csrf('/staff/services')];
}

export const send = (c: Client, token: string, path: string, form: Record<string, string>) => c.request(path, { form: { _csrf: token, ...form } });

export const certified = async (t: TestApp) => (await certifiedService(t)).id;

/** A certified service with a renewal filed (outside the window, with the reason staff gave). */
export async function renewing(t: TestApp): Promise<string> {
  const id = await certified(t);
  await ok(op(t, id, 'renewals', renewal({ overrideReason: '期間外の受付（試験）' })), 201);
  return id;
}

/** An improvement request (after an investigation) on the service; its id. */
export async function improvementOf(t: TestApp, id: string): Promise<string> {
  const inv = await ok(op(t, id, 'investigations', { subject: '説明を求める', dueOn: '2026-05-01' }), 201);
  return (await ok(op(t, id, 'improvements', { investigationId: inv.result.id, content: '掲示を改めること', dueOn: '2026-06-01' }), 201)).result.id as string;
}
