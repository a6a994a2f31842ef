import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certifiedService, ok, op, renewal } from '../admin/fixtures';
import { testApp, type TestApp } from '../support/app';
import { Client, enrolledPerson, type Person } from './support';

/**
 * What the vendor filed, as staff read it on a service's console page (issue 15): the renewal's Art. 10.7
 * self-declaration, the Art. 14 emergency reports with their progress, and the filed PDFs through the console's own
 * audited document route (Art. 20).
 */

let t: TestApp;
let admin: Person;
let committee: Person;
let service: { id: string; number: string };
let other: { id: string; number: string };
let sha256: string;
const PDF = Buffer.from('%PDF-1.4\n% service-filings\ntrailer<<>>\n%%EOF\n');

beforeAll(async () => {
  t = await testApp({ now: '2026-04-01T03:00:00Z' });
  admin = await enrolledPerson(t, 'admin');
  committee = await enrolledPerson(t, 'committee');
  service = await certifiedService(t);
  other = await certifiedService(t, { nameJa: '別のサービス' });
  const filed = await ok(
    t.json('POST', `/api/v1/admin/services/${service.id}/documents`, { name: '体制図.pdf', purpose: 'other', content: PDF.toString('base64') }),
    201,
  );
  sha256 = filed.sha256;
  await ok(op(t, service.id, 'emergencies', { kind: 'leak', summary: '<b>設定の誤り</b>で一部の記録が閲覧可能になった' }), 201);
  const emergency = (await ok(t.json('GET', `/api/v1/admin/services/${service.id}`))).oversight.emergencies[0].id as string;
  await ok(op(t, service.id, `emergencies/${emergency}/reports`, { report: '設定を修正し、閲覧記録を確認中', close: false }), 201);
  t.clock.set('2028-02-15T03:00:00Z'); // inside the Art. 12.1 window of a certification of 2026-04-01
  await ok(op(t, service.id, 'renewals', renewal({ selfDeclaration: { usedMarkCorrectly: true, statement: '自社サイト <i>2件</i> に掲載' } })), 201);
});
afterAll(async () => t?.close());

async function signedIn(p: Person): Promise<Client> {
  const c = new Client(t);
  expect((await c.signIn(p)).status).toBe(303);
  return c;
}

describe("a service's console page shows what the vendor filed", () => {
  it('shows the renewal application with its Art. 10.7 self-declaration, escaped', async () => {
    const html = await (await (await signedIn(admin)).request(`/staff/services/${service.number}`)).text();
    expect(html).toContain('更新の申請（第12条第1項）');
    expect(html).toContain('申告あり');
    expect(html).toContain('自社サイト &lt;i&gt;2件&lt;/i&gt; に掲載');
  });

  it('shows each emergency notice with its progress reports (Art. 14), escaped', async () => {
    const html = await (await (await signedIn(admin)).request(`/staff/services/${service.number}`)).text();
    expect(html).toContain('緊急事態の通知と経過報告（第14条）');
    expect(html).toContain('情報の漏洩');
    expect(html).toContain('&lt;b&gt;設定の誤り&lt;/b&gt;');
    expect(html).toContain('設定を修正し、閲覧記録を確認中');
    expect(html).toContain('対応中');
  });
});

describe('GET /staff/services/{service}/documents/{sha256}', () => {
  it('serves the PDF as filed, as an attachment, and audits the read (Art. 20)', async () => {
    const c = await signedIn(admin);
    const res = await c.request(`/staff/services/${service.number}/documents/${sha256}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe('attachment');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await res.arrayBuffer()).equals(PDF)).toBe(true);
    const audited = await t.database.db.selectFrom('audit_log').select('subject').where('subject', 'like', `%${sha256}%`).execute();
    expect(audited.length).toBeGreaterThan(0);
  });

  it('answers 404 for a document filed for another service, an unknown hash, or a malformed one', async () => {
    const c = await signedIn(admin);
    expect((await c.request(`/staff/services/${other.number}/documents/${sha256}`)).status).toBe(404);
    expect((await c.request(`/staff/services/${service.number}/documents/${'0'.repeat(64)}`)).status).toBe(404);
    expect((await c.request(`/staff/services/${service.number}/documents/..%2F..%2Fetc`)).status).toBe(404);
    expect((await c.request(`/staff/services/NO-SUCH/documents/${sha256}`)).status).toBe(404);
  });

  it('is refused to a committee member (Art. 7: opinions on applications, not the filed files)', async () => {
    const c = await signedIn(committee);
    expect((await c.request(`/staff/services/${service.number}/documents/${sha256}`)).status).toBe(403);
  });

  it('is refused without a session', async () => {
    const res = await t.app.request(`/staff/services/${service.number}/documents/${sha256}`);
    expect([303, 401]).toContain(res.status);
  });
});
