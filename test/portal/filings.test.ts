import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renewalWindow } from '../../src/domain/validity';
import { certifiedService } from '../admin/fixtures';
import { enrolledPerson, type Person } from '../console/support';
import { testApp, type TestApp } from '../support/app';
import { Client, portalSignIn, vendorPerson, type VendorPerson } from './support';

/**
 * What vendors file through the portal (issue 15): each filing is the domain's own call with actor
 * `vendor:{id}`, received today (JST), acknowledged by a notice in the outbox, shown on the vendor's page and in
 * the console; a renewal outside its window is a request staff accept (with the override reason) or decline.
 * Another vendor's user gets 404 on every filing route; bad input answers 400, never 500.
 */

let t: TestApp;
let vendorId: string;
let renewA: { id: string; number: string; validThrough: string };
let renewB: { id: string; number: string; validThrough: string };
let other: { id: string; number: string; validThrough: string };
let closing: { id: string; number: string; validThrough: string };
let me: VendorPerson;
let them: VendorPerson;
let reviewer: Person;
let vc: Client;
let sc: Client;
const KINDS = ['renewal', 'change', 'emergency', 'emergency-progress', 'termination', 'certificate-return'];

const events = (serviceId: string) => t.database.db.selectFrom('events').selectAll().where('service_id', '=', serviceId).orderBy('id').execute();
const notices = (serviceId: string, kind: string) =>
  t.database.db.selectFrom('notices').selectAll().where('service_id', '=', serviceId).where('kind', '=', kind).execute();
const payloadOf = (e: { payload: unknown }) => (typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload) as Record<string, any>;

async function post(c: Client, path: string, form: Record<string, string>) {
  const page = await c.request(path);
  return c.request(path, { form: { _csrf: Client.csrfOf(await page.text()), ...form } });
}
const fileUrl = (s: { number: string }, kind: string) => `/vendor/services/${s.number}/file/${kind}`;

beforeAll(async () => {
  t = await testApp({ now: '2026-04-01T03:00:00Z' });
  renewA = await certifiedService(t, { nameJa: '更新するカルテ' });
  vendorId = (await t.database.db.selectFrom('services').select('vendor_id').where('id', '=', renewA.id).executeTakeFirstOrThrow()).vendor_id;
  renewB = await certifiedService(t, { vendorId, nameJa: '断られるカルテ' });
  closing = await certifiedService(t, { vendorId, nameJa: '届け出るカルテ' });
  other = await certifiedService(t, { nameJa: 'よその会社のカルテ' });
  me = await vendorPerson(t, vendorId);
  them = await vendorPerson(t, (await t.database.db.selectFrom('services').select('vendor_id').where('id', '=', other.id).executeTakeFirstOrThrow()).vendor_id);
  reviewer = await enrolledPerson(t, 'reviewer');
  vc = new Client(t);
  expect((await portalSignIn(vc, me)).status).toBe(303);
  sc = new Client(t);
  expect((await sc.signIn(reviewer)).status).toBe(303);
}, 60_000);
afterAll(async () => t?.close());

describe('isolation', () => {
  it('answers 404 to another vendor’s user on every filing route, GET and POST, and writes nothing', async () => {
    const c = new Client(t);
    await portalSignIn(c, them);
    const csrf = Client.csrfOf(await (await c.request('/vendor/')).text());
    const before = (await events(closing.id)).length;
    for (const kind of [...KINDS, 'no-such-kind']) {
      for (const ref of [closing.number, closing.id]) {
        const path = `/vendor/services/${ref}/file/${kind}`;
        expect((await c.request(path)).status, path).toBe(404);
        const res = await c.request(path, { form: { _csrf: csrf, 'selfDeclaration.usedMarkCorrectly': 'on', 'selfDeclaration.statement': 'x' } });
        expect(res.status, path).toBe(404);
      }
    }
    expect((await events(closing.id)).length).toBe(before);
    expect((await c.request(fileUrl(other, 'renewal'))).status).toBe(200); // their own
  });
});

describe('bad input', () => {
  it('re-renders the form with the errors inline and the values kept (400), never 500', async () => {
    const res = await post(vc, fileUrl(closing, 'renewal'), { 'selfDeclaration.statement': '' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('aria-invalid="true"');
    const e = await post(vc, fileUrl(closing, 'emergency'), {
      kind: 'bogus',
      occurredOn: '2026-03-31',
      discoveredOn: '2026-03-30',
      summary: '<止まった>',
      measures: '',
    });
    expect(e.status).toBe(400);
    const eh = await e.text();
    expect(eh).toContain('&lt;止まった&gt;');
    expect(eh).toContain('f-measures-error');
    const order = await post(vc, fileUrl(closing, 'emergency'), {
      kind: 'leak',
      occurredOn: '2026-03-31',
      discoveredOn: '2026-03-30',
      summary: 'x',
      measures: 'y',
    });
    expect(order.status).toBe(400);
    expect(await order.text()).toContain('f-discoveredOn-error');
    const future = await post(vc, fileUrl(closing, 'emergency'), {
      kind: 'leak',
      occurredOn: '2026-03-31',
      discoveredOn: '2026-04-09',
      summary: 'x',
      measures: 'y',
    });
    expect(future.status).toBe(400);
    const junk = await post(vc, fileUrl(closing, 'change'), { 'items.0.key': 'x'.repeat(5000), 'items.999999.withheld': 'on', note: '' });
    expect(junk.status).toBe(400);
    const prog = await post(vc, fileUrl(closing, 'emergency-progress'), { emergency: 'nope', report: 'x' });
    expect([400, 404, 409]).toContain(prog.status);
  });
});

describe('filing inside the rules', () => {
  it('a change notice with a withholding request (Arts. 13.1, 11.2): the event, the received date, the acknowledgement, both pages', async () => {
    const form = await (await vc.request(fileUrl(closing, 'change'))).text();
    expect(form).toContain('service.overview'); // starts from the items in force
    const res = await post(vc, fileUrl(closing, 'change'), {
      'items.0.key': 'service.overview',
      'items.0.labelJa': '概要',
      'items.0.valueJa': '新しい概要',
      'items.1.key': 'security.network',
      'items.1.labelJa': 'ネットワーク',
      'items.1.valueJa': '構成図',
      'items.1.withheld': 'on',
      'items.1.withheldReason': '第11条第2項: 安全を損なうため',
      note: '概要を改めました',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/vendor/services/${closing.number}#filings-h`);
    const e = (await events(closing.id)).at(-1)!;
    expect(e.type).toBe('disclosure.changed');
    expect(e.actor).toBe(`vendor:${me.id}`);
    expect(payloadOf(e).receivedOn).toBe('2026-04-01');
    const ack = await notices(closing.id, 'vendor_filing_received');
    expect(ack).toHaveLength(1);
    expect(ack[0]!.subject).toContain('変更の届出');
    expect(ack[0]!.body).toContain('2026-04-01 に受け付けました');
    const mine = await (await vc.request(`/vendor/services/${closing.number}`)).text();
    expect(mine).toContain('届出・回答');
    expect(mine).toContain('変更の届出');
    expect(mine).toContain(ack[0]!.subject);
    const staffPage = await (await sc.request(`/staff/services/${closing.number}`)).text();
    expect(staffPage).toContain(`vendor:${me.id}`);
  });

  it('an emergency (Art. 14) with when it happened, was discovered and what was done, then its progress', async () => {
    const res = await post(vc, fileUrl(closing, 'emergency'), {
      kind: 'outage',
      occurredOn: '2026-03-30',
      discoveredOn: '2026-03-31',
      summary: '全面停止',
      measures: '予備系に切り替えました',
    });
    expect(res.status).toBe(303);
    const e = (await events(closing.id)).at(-1)!;
    expect(e.type).toBe('emergency.reported');
    expect(e.actor).toBe(`vendor:${me.id}`);
    const p = payloadOf(e);
    expect(p.receivedOn).toBe('2026-04-01');
    expect(p.summary).toContain('発生日: 2026-03-30');
    expect(p.summary).toContain('予備系に切り替えました');
    const form = await (await vc.request(fileUrl(closing, 'emergency-progress'))).text();
    const id = p.emergencyId as string;
    expect(form).toContain(`value="${id}"`);
    const prog = await post(vc, fileUrl(closing, 'emergency-progress'), { emergency: id, report: '復旧しました', close: 'on' });
    expect(prog.status).toBe(303);
    const last = (await events(closing.id)).at(-1)!;
    expect([last.type, last.actor]).toEqual(['emergency.closed', `vendor:${me.id}`]);
    expect(await notices(closing.id, 'vendor_filing_received')).toHaveLength(3);
    expect((await vc.request(fileUrl(closing, 'emergency-progress'))).status).toBe(200);
    const again = await post(vc, fileUrl(closing, 'emergency-progress'), { emergency: id, report: 'もう一度', close: '' });
    expect(again.status).toBe(409); // the domain: already closed
    expect(await again.text()).toContain('受け付けられませんでした');
  });

  it('termination (Art. 13.2), then the certificate’s return (13.3); after which nothing more can be filed (409)', async () => {
    const res = await post(vc, fileUrl(closing, 'termination'), { certificateReturned: '', terminatedOn: '' });
    expect(res.status).toBe(303);
    const e = (await events(closing.id)).at(-1)!;
    expect([e.type, e.actor]).toEqual(['service.terminated', `vendor:${me.id}`]);
    expect(payloadOf(e)).toMatchObject({ certificateReturned: false, receivedOn: '2026-04-01', terminatedOn: '2026-04-01' });
    expect(await notices(closing.id, 'vendor_filing_received')).toHaveLength(4);
    // the domain's own notice of the termination (compose.ts) is queued too
    const all = await t.database.db.selectFrom('notices').select('body').where('service_id', '=', closing.id).execute();
    expect(all.some((n) => n.body.includes('提供終了の届出を受理しました'))).toBe(true);
    expect(await (await vc.request(`/vendor/services/${closing.number}`)).text()).toContain('認定証の返却（第13条第3項）');
    expect((await post(vc, fileUrl(closing, 'certificate-return'), {})).status).toBe(303);
    const r = (await events(closing.id)).at(-1)!;
    expect([r.type, r.actor, payloadOf(r).returnedOn]).toEqual(['certificate.returned', `vendor:${me.id}`, '2026-04-01']);
    expect(await (await vc.request(`/vendor/services/${closing.number}`)).text()).not.toContain('認定証の返却（第13条第3項）</a>');
    expect((await post(vc, fileUrl(closing, 'certificate-return'), {})).status).toBe(409);
    const refused = await post(vc, fileUrl(closing, 'renewal'), { 'selfDeclaration.usedMarkCorrectly': 'on', 'selfDeclaration.statement': '規程どおり' });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('受け付けられませんでした');
    expect((await sc.request(`/staff/services/${closing.number}`)).status).toBe(200);
  });
});

describe('a renewal outside its window: a request staff decide', () => {
  it('keeps the request, acknowledges it; staff accept it with a reason: the renewal event carries it', async () => {
    const res = await post(vc, fileUrl(renewA, 'renewal'), {
      'selfDeclaration.usedMarkCorrectly': 'on',
      'selfDeclaration.statement': '規程どおり使用しました',
    });
    expect(res.status).toBe(303);
    expect((await events(renewA.id)).some((e) => e.type === 'renewal.filed')).toBe(false);
    const [req] = await t.database.db.selectFrom('vendor_requests').selectAll().where('service_id', '=', renewA.id).execute();
    expect(req).toMatchObject({ status: 'pending', received_on: '2026-04-01', user_id: me.id });
    expect((await notices(renewA.id, 'vendor_filing_received'))[0]!.body).toContain('事務局が受理の可否を判断');
    expect(await (await vc.request(`/vendor/services/${renewA.number}`)).text()).toContain('判断待ち');
    const twice = await post(vc, fileUrl(renewA, 'renewal'), { 'selfDeclaration.usedMarkCorrectly': 'on', 'selfDeclaration.statement': 'もう一度' });
    expect(twice.status).toBe(409); // one request at a time

    expect(await (await sc.request('/staff/')).text()).toContain(`/staff/vendor-requests/${req!.id}`); // the dashboard's tile
    const list = await (await sc.request('/staff/vendor-requests')).text();
    expect(list).toContain('更新するカルテ');
    const path = `/staff/vendor-requests/${req!.id}`;
    const page = await sc.request(path);
    const csrf = Client.csrfOf(await page.text());
    // Art. 20: staff reads of a vendor's filing are audited (the list, the dashboard's tile, the request)
    const audited = await t.database.db.selectFrom('audit_log').select(['action', 'subject']).where('staff_token_id', '=', reviewer.id).execute();
    expect(audited).toEqual(
      expect.arrayContaining([
        { action: 'read vendor request list', subject: 'vendor-requests' },
        { action: 'read vendor request list', subject: 'dashboard: vendor requests' },
        { action: 'read vendor request', subject: req!.id },
      ]),
    );
    const empty = await sc.request(`${path}/decide`, { form: { _csrf: csrf, reason: ' ', decision: 'accept' } });
    expect(empty.status).toBe(400);
    const done = await sc.request(`${path}/decide`, { form: { _csrf: csrf, reason: '事業者の事情を考慮', decision: 'accept' } });
    expect(done.status).toBe(303);
    const e = (await events(renewA.id)).at(-1)!;
    expect(e.type).toBe('renewal.filed');
    expect(e.actor).toBe(`staff:${reviewer.id}`);
    expect(payloadOf(e)).toMatchObject({ filedOn: '2026-04-01', overrideReason: '事業者の事情を考慮' });
    expect((await sc.request(`${path}/decide`, { form: { _csrf: csrf, reason: 'again', decision: 'decline' } })).status).toBe(409);
    const told = await notices(renewA.id, 'vendor_request_decided');
    expect(told[0]!.body).toContain('受理しました');
    const mine = await (await vc.request(`/vendor/services/${renewA.number}`)).text();
    expect(mine).toContain('受理');
    expect(mine).toContain('事業者の事情を考慮');
  });

  it('staff decline one: no event, the vendor is told and sees it; another vendor’s user sees nothing of it', async () => {
    await post(vc, fileUrl(renewB, 'renewal'), { 'selfDeclaration.usedMarkCorrectly': 'on', 'selfDeclaration.statement': '規程どおり' });
    const [req] = await t.database.db.selectFrom('vendor_requests').selectAll().where('service_id', '=', renewB.id).execute();
    const path = `/staff/vendor-requests/${req!.id}`;
    const csrf = Client.csrfOf(await (await sc.request(path)).text());
    expect((await sc.request(`${path}/decide`, { form: { _csrf: csrf, reason: '期間外のため', decision: 'decline' } })).status).toBe(303);
    expect((await events(renewB.id)).some((e) => e.type === 'renewal.filed')).toBe(false);
    expect((await notices(renewB.id, 'vendor_request_decided'))[0]!.body).toContain('受理しないこととしました');
    expect(await (await vc.request(`/vendor/services/${renewB.number}`)).text()).toContain('不受理');
    const c = new Client(t);
    await portalSignIn(c, them);
    expect((await c.request(`/vendor/services/${renewB.number}`)).status).toBe(404);
  });
});

describe('a renewal inside its window', () => {
  it('is the renewal itself, filed by the vendor on the day received', { timeout: 60_000 }, async () => {
    const w = renewalWindow(other.validThrough);
    t.clock.set(`${w.opensOn}T03:00:00Z`);
    const c = new Client(t);
    await portalSignIn(c, them);
    const res = await post(c, fileUrl(other, 'renewal'), { 'selfDeclaration.usedMarkCorrectly': 'on', 'selfDeclaration.statement': '規程どおり' });
    expect(res.status).toBe(303);
    const e = (await events(other.id)).at(-1)!;
    expect([e.type, e.actor]).toEqual(['renewal.filed', `vendor:${them.id}`]);
    expect(payloadOf(e)).toMatchObject({ filedOn: w.opensOn, overrideReason: null, selfDeclaration: { usedMarkCorrectly: true } });
    expect((await notices(other.id, 'vendor_filing_received'))[0]!.body).toContain(`${w.opensOn} に受け付けました`);
    expect(await t.database.db.selectFrom('vendor_requests').selectAll().where('service_id', '=', other.id).execute()).toHaveLength(0);
  });
});
