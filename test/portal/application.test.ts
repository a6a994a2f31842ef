import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_DOCUMENT_BYTES } from '../../src/documents/filing';
import { FILING_RECEIVED_NOTICE } from '../../src/portal/filings';
import { serviceEvents } from '../../src/repositories/events';
import { newVendor } from '../admin/fixtures';
import { enrolledPerson } from '../console/support';
import { testApp, type TestApp } from '../support/app';
import { Client, portalSignIn, vendorPerson, type VendorPerson } from './support';

/**
 * An application by the vendor (issue 15, Art. 4): a portal administrator files it for a new service of their own
 * vendor, with the form B items, the fee (Art. 5) and the documents as PDFs; the service is `applied`, by
 * `vendor:{id}`, acknowledged, and staff see it in the console as any application. A member gets 403; bad input
 * answers 400 and stores nothing.
 */

let t: TestApp;
let vendorId: string;
let admin: VendorPerson;
let member: VendorPerson;
let ac: Client;
let mc: Client;

const pdf = (tag: string, pad = 0) => Buffer.concat([Buffer.from(`%PDF-1.4\n% ${tag}\n`), Buffer.alloc(pad, 0x20), Buffer.from('\ntrailer<<>>\n%%EOF\n')]);

const FORM = {
  'service.nameJa': 'ポータル申請カルテ',
  'service.nameEn': 'Portal Karte',
  'service.origins': 'https://karte.example.jp',
  'application.items.0.key': 'service.overview',
  'application.items.0.labelJa': 'サービスの概要',
  'application.items.0.valueJa': '診療所向けの電子カルテ',
  'application.items.1.key': 'security.network',
  'application.items.1.labelJa': 'ネットワークの安全',
  'application.items.1.valueJa': '閉域網',
  'application.items.1.withheld': 'on',
  'application.items.1.withheldReason': '公開すると安全を損なうため（第11条第2項）',
  'application.feePaid': 'on',
};

const counts = async () => {
  const db = t.database.db;
  const n = async (table: 'documents' | 'service_documents' | 'events' | 'services' | 'notices') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((e) => e.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { documents: await n('documents'), serviceDocuments: await n('service_documents'), events: await n('events'), services: await n('services') };
};

async function applyWith(c: Client, form: Record<string, string>, files: { name: string; bytes: Buffer; type?: string }[]) {
  const page = await c.request('/vendor/apply');
  const csrf = page.status === 200 ? Client.csrfOf(await page.text()) : Client.csrfOf(await (await c.request('/vendor/')).text());
  const fd = new FormData();
  fd.set('_csrf', csrf);
  for (const [k, v] of Object.entries(form)) fd.set(k, v);
  for (const f of files) fd.append('files', new File([new Uint8Array(f.bytes)], f.name, { type: f.type ?? 'application/pdf' }));
  const cookie = [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  return t.app.request('/vendor/apply', { method: 'POST', headers: { Cookie: cookie, Origin: c.origin }, body: fd });
}

beforeAll(async () => {
  t = await testApp({ now: '2026-04-01T03:00:00Z' });
  vendorId = await newVendor(t, { nameJa: '申請する株式会社', noticeEmails: ['notices@apply.example'] });
  admin = await vendorPerson(t, vendorId, 'admin');
  member = await vendorPerson(t, vendorId, 'member');
  ac = new Client(t);
  expect((await portalSignIn(ac, admin)).status).toBe(303);
  mc = new Client(t);
  expect((await portalSignIn(mc, member)).status).toBe(303);
}, 60_000);
afterAll(async () => t?.close());

describe('application by the vendor (Art. 4)', () => {
  it('files the service, its documents and form B as an application by the vendor; staff see it in the console', async () => {
    const home = await (await ac.request('/vendor/')).text();
    expect(home).toContain('href="/vendor/apply"');
    const form = await ac.request('/vendor/apply');
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('enctype="multipart/form-data"');

    const res = await applyWith(ac, FORM, [
      { name: '申請書.pdf', bytes: pdf('application-form') },
      { name: '登記事項証明書.pdf', bytes: pdf('registry-certificate') },
    ]);
    expect(res.status).toBe(303);
    const serviceId = /\/vendor\/services\/([^#?]+)/.exec(res.headers.get('location')!)![1]!;
    const service = await t.database.db.selectFrom('services').selectAll().where('id', '=', serviceId).executeTakeFirstOrThrow();
    expect(service.vendor_id).toBe(vendorId);
    expect(service.name_ja).toBe('ポータル申請カルテ');

    const events = await serviceEvents(t.database.db, serviceId);
    expect(events.map((e) => e.type)).toEqual(['service.registered', 'service.origins_changed', 'service.applied', 'disclosure.changed']);
    expect(new Set(events.map((e) => e.actor))).toEqual(new Set([`vendor:${admin.id}`]));
    const applied = events.find((e) => e.type === 'service.applied')!;
    expect(applied.article).toBe('Art. 4');
    const documents = (applied.payload as { documents: string[] }).documents;
    expect(documents).toHaveLength(2);
    expect(documents[0]).toMatch(/^申請書\.pdf \(sha256:[0-9a-f]{64}\)$/);
    const filed = await t.database.db.selectFrom('service_documents').selectAll().where('service_id', '=', serviceId).execute();
    expect(filed.map((d) => [d.purpose, d.filed_by])).toEqual([
      ['application', `vendor:${admin.id}`],
      ['application', `vendor:${admin.id}`],
    ]);
    const acks = await t.database.db.selectFrom('notices').selectAll().where('service_id', '=', serviceId).where('kind', '=', FILING_RECEIVED_NOTICE).execute();
    expect(acks).toHaveLength(1);
    expect(acks[0]!.subject).toContain('認定の申請（第4条）');

    // the vendor's page: applied; staff's console: the application like any other
    const mine = await ac.request(`/vendor/services/${serviceId}`);
    expect(mine.status).toBe(200);
    expect(await mine.text()).toContain('認定の申請'); // in the filings received
    const sc = new Client(t);
    expect((await sc.signIn(await enrolledPerson(t, 'reviewer'))).status).toBe(303);
    const list = await (await sc.request('/staff/services?status=applied')).text();
    expect(list).toContain('ポータル申請カルテ');
    const page = await (await sc.request(`/staff/services/${serviceId}`)).text();
    expect(page).toContain('service.applied');
    expect(page).toContain(`vendor:${admin.id}`);

    // an application is not public (Art. 20)
    expect(await (await t.app.request('/api/v1/services?status=all')).text()).not.toContain('ポータル申請カルテ');
    expect(await (await t.app.request('/registry?status=all')).text()).not.toContain('ポータル申請カルテ');
  });

  it('refuses a member (not a portal administrator) with 403, GET and POST, and writes nothing', async () => {
    expect(await (await mc.request('/vendor/')).text()).not.toContain('href="/vendor/apply"');
    expect((await mc.request('/vendor/apply')).status).toBe(403);
    const before = await counts();
    expect((await applyWith(mc, FORM, [{ name: 'a.pdf', bytes: pdf('member') }])).status).toBe(403);
    expect(await counts()).toEqual(before);
  });
});

describe('bad input: 400 with the error by its control, and nothing stored', () => {
  const ok = [{ name: 'ok.pdf', bytes: pdf('ok') }];
  it.each([
    ['no document', FORM, [], 'id="apply-files-error"'],
    [
      'a document that is not a PDF',
      FORM,
      [{ name: 'scan.jpg', bytes: Buffer.from('not a pdf but a jpeg, say'), type: 'image/jpeg' }],
      'PDFファイルではありません',
    ],
    ['a document larger than the bound', FORM, [{ name: 'big.pdf', bytes: pdf('big', MAX_DOCUMENT_BYTES) }], 'MiB を超えています'],
    ['too many documents', FORM, [1, 2, 3, 4, 5, 6].map((i) => ({ name: `${i}.pdf`, bytes: pdf(`n${i}`) })), '5 件までです'],
    ['the fee not paid (Art. 5)', { ...FORM, 'application.feePaid': '' }, ok, 'id="f-application-feePaid-error"'],
    ['no service name', { ...FORM, 'service.nameJa': ' ' }, ok, 'id="f-service-nameJa-error"'],
    ['a site that is not an origin', { ...FORM, 'service.origins': 'https://x.example/path' }, ok, 'id="f-service-origins-error"'],
    ['a bad item key', { ...FORM, 'application.items.0.key': 'Bad Key' }, ok, 'id="f-application-items-0-key-error"'],
  ])('%s', async (_what, form, files, marker) => {
    const before = await counts();
    const res = await applyWith(ac, form as Record<string, string>, files);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain(marker);
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('診療所向けの電子カルテ'); // the values are kept
    expect(await counts()).toEqual(before);
  });
});
