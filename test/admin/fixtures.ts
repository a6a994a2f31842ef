import { expect } from 'vitest';
import type { TestApp } from '../support/app';

/** Builders for staff API tests: each test makes what it needs through the API itself. */

export const item = (key: string, over: Record<string, unknown> = {}) => ({
  key,
  labelJa: `${key} の項目`,
  labelEn: null,
  valueJa: `${key} の内容`,
  valueEn: null,
  ...over,
});

export const application = (over: Record<string, unknown> = {}) => ({
  documents: ['申請書A', '申請書B', '登記事項証明書'],
  feePaid: true,
  items: [item('service.overview'), item('security.network', { withheld: true, withheldReason: 'Art. 11.2: would weaken security' })],
  ...over,
});

export const certify = (over: Record<string, unknown> = {}) => ({ outcome: 'certify', notice: '認定を実施しました', ...over });

export const renewal = (over: Record<string, unknown> = {}) => ({ selfDeclaration: { usedMarkCorrectly: true, statement: '規程どおり使用しました' }, ...over });

type Body = Record<string, unknown>;

export async function ok(res: Response | Promise<Response>, status = 200): Promise<any> {
  const r = await res;
  const body = r.status === 204 ? null : await r.json();
  expect(r.status, JSON.stringify(body)).toBe(status);
  return body;
}

export async function newVendor(t: TestApp, over: Body = {}): Promise<string> {
  return (
    await ok(
      t.json('POST', '/api/v1/admin/vendors', { nameJa: '株式会社テスト', nameEn: 'Test Co.', contact: { person: '山田', email: 'y@test.example' }, ...over }),
      201,
    )
  ).id;
}

export async function newService(t: TestApp, over: Body = {}): Promise<string> {
  const vendorId = (over.vendorId as string | undefined) ?? (await newVendor(t));
  return (
    await ok(
      t.json('POST', '/api/v1/admin/services', { vendorId, nameJa: 'テストカルテ', nameEn: 'Test Karte', origins: ['https://clinic.example.jp'], ...over }),
      201,
    )
  ).id;
}

export async function appliedService(t: TestApp, over: Body = {}): Promise<string> {
  const id = await newService(t, over);
  await ok(t.json('POST', `/api/v1/admin/services/${id}/applications`, application()), 201);
  return id;
}

/** A service certified on the clock's current day. */
export async function certifiedService(t: TestApp, over: Body = {}): Promise<{ id: string; number: string; validThrough: string }> {
  const id = await appliedService(t, over);
  const r = await ok(t.json('POST', `/api/v1/admin/services/${id}/decision`, certify()));
  return { id, number: r.service.number, validThrough: r.result.validThrough };
}

export const op = (t: TestApp, service: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  t.json('POST', `/api/v1/admin/services/${service}/${path}`, body, headers);

/** Issues a staff token of a role through the API and returns its secret. */
export async function staffToken(t: TestApp, role: 'admin' | 'reviewer' | 'auditor'): Promise<string> {
  return (await ok(t.json('POST', '/api/v1/admin/staff-tokens', { name: `${role} for a test`, role }), 201)).token;
}

const TABLES = ['vendors', 'services', 'service_origins', 'periods', 'disclosure_items', 'events', 'staff_tokens'] as const;

/** Row counts of every table a staff write may touch. */
export async function rowCounts(t: TestApp): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) {
    const r = await t.database.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    out[table] = Number(r.n);
  }
  const head = await t.database.db.selectFrom('event_chain_head').selectAll().executeTakeFirstOrThrow();
  out.chain_head = head.last_id;
  return out;
}

/** The answer is a 4xx problem+json; returns its body. */
export async function problem(res: Response | Promise<Response>, status: number): Promise<any> {
  const r = await res;
  const text = await r.text();
  expect(r.status, text).toBe(status);
  expect(r.headers.get('content-type')).toContain('application/problem+json');
  return JSON.parse(text);
}
