import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_DOCUMENT_BYTES } from '../../src/documents/filing';
import { awaitingJudgement, oversightOf } from '../../src/domain/lifecycle/oversight';
import { FILING_RECEIVED_NOTICE } from '../../src/portal/filings';
import { serviceEvents } from '../../src/repositories/events';
import { certifiedService, ok, op } from '../admin/fixtures';
import { enrolledPerson, type Person } from '../console/support';
import { testApp, type TestApp } from '../support/app';
import { Client, portalSignIn, vendorPerson, type VendorPerson } from './support';

/**
 * Answers to the body's requests through the portal (issue 15, Arts. 15.1, 16.1): text and PDFs, filed in one
 * transaction with the event (actor `vendor:{id}`) and the acknowledgement; staff see them beside the request and
 * judge with their own operations; nothing of them reaches a public output (Art. 20). Bad input answers 400 and
 * stores nothing; another vendor's service, an unknown or a judged request answers 404.
 */

let t: TestApp;
let svc: { id: string; number: string; validThrough: string };
let other: { id: string; number: string; validThrough: string };
let me: VendorPerson;
let them: VendorPerson;
let reviewer: Person;
let vc: Client;
let sc: Client;

const TAG = `CANARY${randomBytes(4).toString('hex')}`;
/** A minimal whole PDF (header and end-of-file marker), unique by `tag`. */
const pdf = (tag: string, pad = 0) => Buffer.concat([Buffer.from(`%PDF-1.4\n% ${tag}\n`), Buffer.alloc(pad, 0x20), Buffer.from('\ntrailer<<>>\n%%EOF\n')]);

const rows = async () => {
  const db = t.database.db;
  const n = async (table: 'documents' | 'service_documents' | 'events' | 'notices') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((e) => e.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { documents: await n('documents'), serviceDocuments: await n('service_documents'), events: await n('events'), notices: await n('notices') };
};

async function newInvestigation(serviceId: string, subject = '標章の使用状況の説明') {
  return (await ok(op(t, serviceId, 'investigations', { subject, dueOn: '2026-04-20' }), 201)).result.id as string;
}

/** Posts the answer form as a browser does (multipart, with the page's CSRF token and the Origin). */
async function answer(c: Client, ref: string, request: string, form: { text?: string; files?: { name: string; bytes: Buffer; type?: string }[] }) {
  const path = `/vendor/services/${ref}/answer/${request}`;
  const page = await c.request(path);
  const csrf = page.status === 200 ? Client.csrfOf(await page.text()) : Client.csrfOf(await (await c.request('/vendor/')).text());
  const fd = new FormData();
  fd.set('_csrf', csrf);
  if (form.text !== undefined) fd.set('text', form.text);
  for (const f of form.files ?? []) fd.append('files', new File([new Uint8Array(f.bytes)], f.name, { type: f.type ?? 'application/pdf' }));
  const cookie = [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  return t.app.request(path, { method: 'POST', headers: { Cookie: cookie, Origin: c.origin }, body: fd });
}

beforeAll(async () => {
  t = await testApp({ now: '2026-04-01T03:00:00Z' });
  svc = await certifiedService(t, { nameJa: '回答するカルテ' });
  other = await certifiedService(t, { nameJa: 'よその会社のカルテ' });
  const vendorOf = async (id: string) =>
    (await t.database.db.selectFrom('services').select('vendor_id').where('id', '=', id).executeTakeFirstOrThrow()).vendor_id;
  me = await vendorPerson(t, await vendorOf(svc.id));
  them = await vendorPerson(t, await vendorOf(other.id));
  reviewer = await enrolledPerson(t, 'reviewer');
  vc = new Client(t);
  expect((await portalSignIn(vc, me)).status).toBe(303);
  sc = new Client(t);
  expect((await sc.signIn(reviewer)).status).toBe(303);
}, 60_000);
afterAll(async () => t?.close());

describe('answering an investigation request (Art. 15.1)', () => {
  it('records the answer and its PDFs as one filing by the vendor, acknowledges it, and shows it awaiting staff', async () => {
    const inv = await newInvestigation(svc.id);
    const home = await (await vc.request(`/vendor/services/${svc.number}`)).text();
    expect(home).toContain(`/vendor/services/${svc.number}/answer/${inv}`);
    const form = await vc.request(`/vendor/services/${svc.number}/answer/${inv}`);
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('enctype="multipart/form-data"');

    const a = pdf('answer-a');
    const res = await answer(vc, svc.number, inv, {
      text: '標章は規程どおり使用しています。<script>x</script>',
      files: [
        { name: '説明資料.pdf', bytes: a },
        { name: 'ログ.pdf', bytes: pdf('answer-b') },
      ],
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/vendor/services/${svc.number}#requests-h`);

    const e = (await serviceEvents(t.database.db, svc.id)).at(-1)!;
    expect(e.type).toBe('investigation.response_filed');
    expect(e.actor).toBe(`vendor:${me.id}`);
    expect(e.article).toBe('Art. 15.1');
    expect(e.at.toISOString()).toBe(t.clock.now().toISOString());
    const payload = e.payload as { investigationId: string; text: string; documents: { name: string; sha256: string }[] };
    expect(payload.investigationId).toBe(inv);
    expect(payload.documents.map((d) => d.name)).toEqual(['説明資料.pdf', 'ログ.pdf']);
    const docs = await t.database.db.selectFrom('service_documents').selectAll().where('service_id', '=', svc.id).where('purpose', '=', 'answer').execute();
    expect(docs.map((d) => d.filed_by)).toEqual([`vendor:${me.id}`, `vendor:${me.id}`]);
    expect(docs.map((d) => d.sha256).sort()).toEqual(payload.documents.map((d) => d.sha256).sort());

    const acks = await t.database.db.selectFrom('notices').selectAll().where('service_id', '=', svc.id).where('kind', '=', FILING_RECEIVED_NOTICE).execute();
    expect(acks.some((n) => n.subject.includes('調査への回答') && n.body.includes(String(e.id)))).toBe(true);

    // the vendor sees it received, awaiting the body's judgement; the text is escaped
    const page = await (await vc.request(`/vendor/services/${svc.number}`)).text();
    expect(page).toContain('事務局の判断を待っています');
    expect(page).toContain('調査への回答'); // in the filings received
    const again = await (await vc.request(`/vendor/services/${svc.number}/answer/${inv}`)).text();
    expect(again).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(again).not.toContain('<script>x</script>');

    // the folded request waits on staff, not on the vendor: not overdue after its due date
    const o = oversightOf(await serviceEvents(t.database.db, svc.id), '2026-05-01').investigations.find((i) => i.id === inv)!;
    expect(awaitingJudgement(o)).toBe(true);
    expect(o.overdue).toBe(false);

    // staff see the answer and its attachments beside the request
    const console = await (await sc.request(`/staff/services/${svc.number}`)).text();
    expect(console).toContain('回答受付済み・判断待ち');
    expect(console).toContain('標章は規程どおり使用しています。');
    expect(console).toContain(`/staff/services/${svc.number}/documents/${payload.documents[0]!.sha256}`);
    expect(console).toContain('説明資料.pdf');
    // the PDF as filed, through the staff document route (audited, Art. 20)
    const file = await t.app.request(`/api/v1/admin/services/${svc.id}/documents/${payload.documents[0]!.sha256}`, { headers: t.auth() });
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(a)).toBe(true);

    // staff judge it with their own operation; the vendor sees the outcome and the request is closed
    await ok(op(t, svc.id, `investigations/${inv}/answer`, { summary: '説明は十分', satisfactory: true }));
    const after = await (await vc.request(`/vendor/services/${svc.number}`)).text();
    expect(after).toContain('回答を確認しました（十分と判断）');
    expect(after).not.toContain(`/answer/${inv}`);
    expect((await vc.request(`/vendor/services/${svc.number}/answer/${inv}`)).status).toBe(404);
  });

  it('stores the same PDF once, however often it is filed, and answers without attachments too', async () => {
    const inv = await newInvestigation(svc.id);
    const same = pdf('same-bytes');
    expect((await answer(vc, svc.number, inv, { text: '一回目', files: [{ name: 'a.pdf', bytes: same }] })).status).toBe(303);
    const before = await rows();
    expect((await answer(vc, svc.number, inv, { text: '二回目（補足）', files: [{ name: 'b.pdf', bytes: same }] })).status).toBe(303);
    const after = await rows();
    expect(after.documents).toBe(before.documents);
    expect(after.serviceDocuments).toBe(before.serviceDocuments + 1);
    expect((await answer(vc, svc.number, inv, { text: '添付なし' })).status).toBe(303);
    const o = oversightOf(await serviceEvents(t.database.db, svc.id), '2026-04-01').investigations.find((i) => i.id === inv)!;
    expect(o.responses.map((r) => r.text)).toEqual(['一回目', '二回目（補足）', '添付なし']);
  });
});

describe('reporting an improvement (Art. 16.1)', () => {
  it('records the report; staff complete the request with their own operation', async () => {
    const inv = await newInvestigation(svc.id);
    const imp = (
      await ok(op(t, svc.id, 'improvements', { investigationId: inv, content: 'リンク先を検証ページに直すこと', dueOn: '2026-04-30', publish: false }), 201)
    ).result.id as string;
    const res = await answer(vc, svc.number, imp, { text: 'リンクを修正しました。', files: [{ name: '修正後.pdf', bytes: pdf('improved') }] });
    expect(res.status).toBe(303);
    const e = (await serviceEvents(t.database.db, svc.id)).at(-1)!;
    expect(e.type).toBe('improvement.report_filed');
    expect(e.actor).toBe(`vendor:${me.id}`);
    expect(e.article).toBe('Art. 16.1');
    const console = await (await sc.request(`/staff/services/${svc.number}`)).text();
    expect(console).toContain('リンクを修正しました。');
    await ok(op(t, svc.id, `improvements/${imp}/completion`, { note: '確認済み' }));
    expect(await (await vc.request(`/vendor/services/${svc.number}`)).text()).toContain('改善の完了を確認しました');
    expect((await answer(vc, svc.number, imp, { text: 'もう一度' })).status).toBe(404);
  });
});

describe('bad input: 400 with the error by its control, and nothing stored', () => {
  let inv: string;
  beforeAll(async () => {
    inv = await newInvestigation(svc.id, '悪い入力のための調査');
  });

  it.each([
    [
      'a file that is not a PDF',
      { text: '説明', files: [{ name: 'memo.txt', bytes: Buffer.from('just text, not a PDF at all'), type: 'text/plain' }] },
      'PDFファイルではありません',
    ],
    [
      'a PDF header without its end (a piece of a file)',
      { text: '説明', files: [{ name: 'cut.pdf', bytes: pdf('cut').subarray(0, 20) }] },
      'PDFファイルではありません',
    ],
    ['a file larger than the bound', { text: '説明', files: [{ name: 'big.pdf', bytes: pdf('big', MAX_DOCUMENT_BYTES) }] }, 'MiB を超えています'],
    ['too many files', { text: '説明', files: [1, 2, 3, 4, 5, 6].map((i) => ({ name: `${i}.pdf`, bytes: pdf(`many-${i}`) })) }, '5 件までです'],
    ['an empty text', { text: '   ', files: [{ name: 'ok.pdf', bytes: pdf('empty-text') }] }, '内容を入力してください'],
    ['no text at all', { files: [] }, '内容を入力してください'],
  ])('%s', async (_what, form, message) => {
    const before = await rows();
    const res = await answer(vc, svc.number, inv, form);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain(message);
    expect(html).toContain('aria-invalid="true"');
    expect(await rows()).toEqual(before);
  });

  it('refuses a body over the portal’s bound with 413 before reading it, and stores nothing', async () => {
    const before = await rows();
    const big = [1, 2, 3, 4, 5, 6].map((i) => ({ name: `${i}.pdf`, bytes: pdf(`huge-${i}`, MAX_DOCUMENT_BYTES - 64) }));
    const res = await answer(vc, svc.number, inv, { text: '説明', files: big });
    expect(res.status).toBe(413);
    expect(await rows()).toEqual(before);
  });

  it('keeps the text sent when a file is refused', async () => {
    const res = await answer(vc, svc.number, inv, { text: '残しておく説明', files: [{ name: 'x.png', bytes: Buffer.from('not a pdf 0123456789') }] });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('残しておく説明');
  });

  it('answers 404 to an unknown request id, and to a request of another service', async () => {
    const before = await rows();
    expect((await vc.request(`/vendor/services/${svc.number}/answer/no-such-request`)).status).toBe(404);
    expect((await answer(vc, svc.number, 'no-such-request', { text: '説明' })).status).toBe(404);
    const theirs = await newInvestigation(other.id);
    expect((await answer(vc, svc.number, theirs, { text: '説明' })).status).toBe(404);
    expect((await rows()).events).toBe(before.events + 1); // the investigation requested above, nothing else
  });
});

describe('isolation', () => {
  it('answers 404 to another vendor’s user, GET and POST, by number and by id, and writes nothing', async () => {
    const inv = await newInvestigation(svc.id);
    const c = new Client(t);
    expect((await portalSignIn(c, them)).status).toBe(303);
    const before = await rows();
    for (const ref of [svc.number, svc.id]) {
      expect((await c.request(`/vendor/services/${ref}/answer/${inv}`)).status).toBe(404);
      expect((await answer(c, ref, inv, { text: '他社の回答', files: [{ name: 'x.pdf', bytes: pdf('intruder') }] })).status).toBe(404);
    }
    expect(await rows()).toEqual(before);
  });
});

describe('confidentiality (Art. 20)', () => {
  it('shows no answer, attachment name or text in any public output: pages, JSON, CSV, feeds or the transparency log', async () => {
    const inv = await newInvestigation(svc.id);
    const text = `${TAG}-answer-text`;
    const name = `${TAG}-attachment.pdf`;
    expect((await answer(vc, svc.number, inv, { text, files: [{ name, bytes: pdf(`${TAG}-bytes`) }] })).status).toBe(303);
    const imp = (await ok(op(t, svc.id, 'improvements', { investigationId: inv, content: '公開しない改善', dueOn: '2026-04-30', publish: false }), 201)).result
      .id;
    expect((await answer(vc, svc.number, imp, { text: `${TAG}-report-text` })).status).toBe(303);

    const bodies: string[] = [];
    for (const path of [
      `/verify/${svc.number}`,
      `/verify/${svc.number}?lang=en`,
      `/verify/${svc.number}/feed.atom`,
      `/verify/${svc.number}/calendar.ics`,
      `/api/v1/services/${svc.number}`,
      '/api/v1/services?status=all',
      '/registry?status=all',
      '/registry?status=all&q=answer-text', // a search for the answer finds nothing (the query itself is echoed)
      '/registry.csv?status=all',
      '/registry.atom',
    ]) {
      const res = await t.app.request(path);
      expect(res.status, path).toBeLessThan(500);
      bodies.push(await res.text());
    }
    await t.deps.log!.sequence();
    const size = (await t.deps.log!.checkpoint())!.size;
    const log = await t.app.request(`/api/v1/log/entries?start=0&end=${Math.min(size, 1000)}`);
    expect(log.status).toBe(200);
    const entries = (JSON.parse(await log.text()) as { entries: { entry: string }[] }).entries.map((e) => Buffer.from(e.entry, 'base64').toString('utf8'));
    expect(entries.length).toBeGreaterThan(0);
    bodies.push(...entries);
    for (const b of bodies) {
      expect(b).not.toContain(TAG);
      expect(b).not.toContain('response_filed');
      expect(b).not.toContain('report_filed');
    }
  });
});
