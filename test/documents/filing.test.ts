import PDFDocument from 'pdfkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certifiedService, ok, problem } from '../admin/fixtures';
import { testApp, type TestApp } from '../support/app';

/** A real PDF of one page saying `text`. */
function pdf(text: string): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument({ size: 'A4' });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.text(text);
    doc.end();
  });
}

const ADMIN = '/api/v1/admin';
let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => t.close());

const file = (service: string, body: Record<string, unknown>) => t.json('POST', `${ADMIN}/services/${service}/documents`, body);

describe('documents filed for a service (Art. 4 and later filings)', () => {
  it('stores a PDF once by its SHA-256 however often it is filed, and lists every filing of it', async () => {
    const s = await certifiedService(t);
    const content = (await pdf('申請書 application form')).toString('base64');
    const first = await ok(file(s.id, { name: '申請書.pdf', purpose: 'application', content }), 201);
    const again = await ok(file(s.number, { name: 'C:\\scans\\申請書（再提出）.pdf', purpose: 'renewal', content }), 201);
    expect(again.sha256).toBe(first.sha256);
    expect(again.name).toBe('申請書（再提出）.pdf'); // the path is not kept
    expect(first).toMatchObject({ purpose: 'application', filedBy: expect.stringMatching(/^staff:/), filedAt: '2026-04-01T03:00:00.000Z' });
    const stored = await t.database.db.selectFrom('documents').select('sha256').where('sha256', '=', first.sha256).execute();
    expect(stored).toHaveLength(1);
    const list = await ok(t.json('GET', `${ADMIN}/services/${s.id}/documents`));
    expect(list.documents.map((d: { purpose: string }) => d.purpose).sort()).toEqual(['application', 'renewal']);
  });

  it('gives the PDF back as filed, as an attachment, and audits the read (Art. 20)', async () => {
    const s = await certifiedService(t);
    const bytes = await pdf('添付資料');
    const d = await ok(file(s.id, { name: 'attachment.pdf', purpose: 'application', content: bytes.toString('base64') }), 201);
    const r = await t.app.request(`${ADMIN}/services/${s.id}/documents/${d.sha256}`, { headers: t.auth() });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/pdf');
    expect(r.headers.get('content-disposition')).toBe('attachment');
    expect(r.headers.get('cache-control')).toBe('private, no-store');
    expect(Buffer.from(await r.arrayBuffer()).equals(bytes)).toBe(true);
    const audited = await t.database.db.selectFrom('audit_log').select(['action', 'subject']).where('subject', '=', d.sha256).execute();
    expect(audited).toEqual([{ action: 'read filed document', subject: d.sha256 }]);
  });

  it('is read only through the service it was filed for', async () => {
    const a = await certifiedService(t);
    const b = await certifiedService(t);
    const d = await ok(file(a.id, { name: 'a.pdf', purpose: 'other', content: (await pdf('a')).toString('base64') }), 201);
    await problem(t.app.request(`${ADMIN}/services/${b.id}/documents/${d.sha256}`, { headers: t.auth() }), 404);
    expect((await ok(t.json('GET', `${ADMIN}/services/${b.id}/documents`))).documents).toEqual([]);
  });
});

describe('POST /services/{service}/documents: bad input', () => {
  it('refuses what is not a whole PDF (415), more than 3 MiB (413), bad base64, names and purposes (400), unknown services (404)', async () => {
    const s = await certifiedService(t);
    const good = await pdf('x');
    await problem(file(s.id, { name: 'x.pdf', purpose: 'application', content: Buffer.from('<html>not a pdf</html>').toString('base64') }), 415);
    await problem(file(s.id, { name: 'x.pdf', purpose: 'application', content: good.subarray(0, good.length - 200).toString('base64') }), 415);
    const big = Buffer.concat([good.subarray(0, 16), Buffer.alloc(3 * 1024 * 1024), Buffer.from('\n%%EOF\n')]);
    await problem(file(s.id, { name: 'x.pdf', purpose: 'application', content: big.toString('base64') }), 413);
    await problem(file(s.id, { name: 'x.pdf', purpose: 'application', content: '***not base64***' }), 400);
    await problem(file(s.id, { name: '\u0000\u200e', purpose: 'application', content: good.toString('base64') }), 400);
    await problem(file(s.id, { name: 'x.pdf', purpose: 'gossip', content: good.toString('base64') }), 400);
    await problem(file('no-such-service', { name: 'x.pdf', purpose: 'application', content: good.toString('base64') }), 404);
    await problem(t.app.request(`${ADMIN}/services/${s.id}/documents/not-a-hash`, { headers: t.auth() }), 400);
    expect((await ok(t.json('GET', `${ADMIN}/services/${s.id}/documents`))).documents).toEqual([]);
  });
});
