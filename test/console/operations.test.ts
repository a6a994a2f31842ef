import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appliedService, newVendor, ok, op } from '../admin/fixtures';
import { testApp, type TestApp } from '../support/app';
import { certified, count, head, improvementOf, lastEvents, renewing, send, signedIn } from './operations-support';
import { type Client, enrolledPerson } from './support';

/**
 * Every lifecycle operation as a console form (issue 14), on a real database: each names its article, its preview
 * is a dry run that writes nothing, its commit writes exactly the operation's event through the staff API's
 * domain function and shows it on the service page. Bad input, the rules' refusals and roles:
 * operations-rules.test.ts.
 */

let t: TestApp;
let admin: Client;
let csrf: string;

beforeAll(async () => {
  t = await testApp();
  [admin, csrf] = await signedIn(t, await enrolledPerson(t, 'admin'));
}, 60_000);

afterAll(async () => {
  await t?.close();
});

type Case = {
  op: string;
  make: () => Promise<string>;
  form: (id: string) => Promise<Record<string, string>> | Record<string, string>;
  event: string;
  shows?: RegExp[];
};

const item = { 'items.0.key': 'service.overview', 'items.0.labelJa': 'サービスの概要', 'items.0.valueJa': '変更後の内容' };

const CASES: Case[] = [
  {
    op: 'certify',
    make: () => appliedService(t),
    form: () => ({ notice: '認定しました' }),
    event: 'service.certified',
    shows: [/2028-04-01/, /MD-\d{4}-2604/],
  },
  { op: 'refuse', make: () => appliedService(t), form: () => ({ reason: '基準を満たさない', notice: '不認定を通知' }), event: 'service.refused' },
  {
    op: 'renew',
    make: () => certified(t),
    form: () => ({ 'selfDeclaration.usedMarkCorrectly': 'on', 'selfDeclaration.statement': '規程どおり使用', overrideReason: '事情により受付' }),
    event: 'renewal.filed',
  },
  { op: 'extend', make: () => renewing(t), form: () => ({ until: '2028-05-01', reason: '審査中' }), event: 'renewal.extended', shows: [/2028-05-01/] },
  { op: 'change', make: () => certified(t), form: () => ({ ...item, note: '概要の変更' }), event: 'disclosure.changed', shows: [/第2版/] },
  { op: 'emergency', make: () => certified(t), form: () => ({ kind: 'outage', summary: '障害で停止' }), event: 'emergency.reported' },
  {
    op: 'emergency-report',
    make: () => certified(t),
    form: async (id) => {
      const r = await ok(op(t, id, 'emergencies', { kind: 'leak', summary: '漏洩の疑い' }), 201);
      return { emergency: r.result.id, report: '調査を継続中' };
    },
    event: 'emergency.progress',
  },
  { op: 'investigation', make: () => certified(t), form: () => ({ subject: '表示方法の説明', dueOn: '2026-05-01' }), event: 'investigation.requested' },
  {
    op: 'improvement',
    make: () => certified(t),
    form: async (id) => {
      const r = await ok(op(t, id, 'investigations', { subject: '説明を求める', dueOn: '2026-05-01' }), 201);
      return { investigationId: r.result.id, content: '表示を改めること', dueOn: '2026-06-01', publish: 'on' };
    },
    event: 'improvement.requested',
    shows: [/表示を改めること/],
  },
  {
    op: 'investigation-answer',
    make: () => certified(t),
    form: async (id) => {
      const r = await ok(op(t, id, 'investigations', { subject: '説明を求める', dueOn: '2026-05-01' }), 201);
      return { investigation: r.result.id, summary: '十分な説明があった', satisfactory: 'on' };
    },
    event: 'investigation.answered',
  },
  {
    op: 'improvement-publication',
    make: () => certified(t),
    form: async (id) => ({ improvement: await improvementOf(t, id) }),
    event: 'improvement.published',
    shows: [/改善の要請（期限 2026年6月1日）: 掲示を改めること/],
  },
  {
    op: 'improvement-completion',
    make: () => certified(t),
    form: async (id) => ({ improvement: await improvementOf(t, id), note: '掲示を改めた' }),
    event: 'improvement.completed',
  },
  {
    op: 'origins',
    make: () => certified(t),
    form: () => ({ origins: 'https://a.example.jp\nhttps://b.example.jp' }),
    event: 'service.origins_changed',
  },
  {
    op: 'certificate-return',
    make: async () => {
      const id = await certified(t);
      await ok(op(t, id, 'termination', { certificateReturned: false }));
      return id;
    },
    form: () => ({}),
    event: 'certificate.returned',
  },
  { op: 'terminate', make: () => certified(t), form: () => ({ certificateReturned: 'on' }), event: 'service.terminated', shows: [/終了/] },
  { op: 'lapse', make: () => certified(t), form: () => ({ cause: 'merger', note: '合併により' }), event: 'service.lapsed' },
  {
    op: 'revoke',
    make: () => certified(t),
    form: () => ({ ground: '3', reason: '不正な表示', noticeSentBy: 'not_sent' }),
    event: 'service.revoked',
    shows: [/取消/],
  },
];

describe('each operation: a form naming its article, a preview that writes nothing, a commit that writes the event', () => {
  for (const k of CASES) {
    it(k.op, async () => {
      const id = await k.make();
      const base = `/staff/services/${id}/ops/${k.op}`;
      const form = await k.form(id);
      const page = await admin.request(base);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/（第\d+条(第\d+項)?）<\/h1>/);
      const before = await head(t);
      const notices = await count(t, 'notices');
      const preview = await send(admin, csrf, `${base}/preview`, form);
      const html = await preview.text();
      expect(preview.status, html.slice(0, 2000)).toBe(200);
      expect(html).toContain(k.event);
      for (const re of k.shows ?? []) expect(html).toMatch(re);
      expect(html).toContain(`/ops/${k.op}/commit"`);
      expect(await head(t), 'the preview wrote nothing').toBe(before);
      expect(await count(t, 'notices')).toBe(notices);
      const committed = await send(admin, csrf, `${base}/commit`, form);
      expect(committed.status).toBe(303);
      expect(committed.headers.get('location')).toMatch(/^\/staff\/services\/[^/?#]+#timeline-h$/);
      expect(await lastEvents(t, before)).toEqual([{ type: k.event, service_id: id }]);
      const service = await admin.request(committed.headers.get('location')!.replace(/#.*/, ''));
      expect(await service.text()).toContain(k.event);
    });
  }

  it('in English: the article as Art., the words in English', async () => {
    const id = await appliedService(t);
    const html = await (await admin.request(`/staff/services/${id}/ops/certify?lang=en`)).text();
    expect(html).toContain('<html lang="en"');
    expect(html).toContain('Certify (Art. 6.1)');
    expect(html).toContain(`action="/staff/services/${id}/ops/certify/preview?lang=en"`);
  });
});

describe('a new application (Art. 4): vendor and service registered as the API does', () => {
  const form = {
    vendorId: '',
    'vendor.nameJa': '株式会社フォーム',
    'vendor.noticeEmails': 'notice@form.example',
    'vendor.language': 'ja',
    'service.nameJa': 'フォームカルテ',
    'service.origins': 'https://form.example.jp',
    'application.documents': '申請書A\n申請書B\n登記事項証明書',
    'application.feePaid': 'on',
    'application.items.0.key': 'service.overview',
    'application.items.0.labelJa': '概要',
    'application.items.0.valueJa': '電子カルテ',
    'application.items.1.key': 'security.network',
    'application.items.1.labelJa': 'ネットワーク',
    'application.items.1.valueJa': '非公開の構成',
    'application.items.1.withheld': 'on',
    'application.items.1.withheldReason': '安全のため',
  };

  it('is offered on the services list; the preview writes nothing; the commit registers and applies', async () => {
    expect(await (await admin.request('/staff/services')).text()).toContain('href="/staff/applications/new"');
    expect((await admin.request('/staff/applications/new')).status).toBe(200);
    const before = await head(t);
    const vendors = await count(t, 'vendors');
    const preview = await send(admin, csrf, '/staff/applications/new/preview', form);
    const html = await preview.text();
    expect(preview.status, html.slice(0, 1500)).toBe(200);
    expect(html).toContain('service.applied');
    expect(html).toContain('申請中');
    expect(await head(t)).toBe(before);
    expect(await count(t, 'vendors')).toBe(vendors);
    const done = await send(admin, csrf, '/staff/applications/new/commit', form);
    expect(done.status).toBe(303);
    expect((await lastEvents(t, before)).map((e) => e.type)).toEqual([
      'vendor.registered',
      'service.registered',
      'service.origins_changed',
      'service.applied',
      'disclosure.changed',
    ]);
    const page = await (await admin.request(done.headers.get('location')!.replace(/#.*/, ''))).text();
    expect(page).toContain('フォームカルテ');
    expect(page).toContain('ops/certify');
  });

  it('with a vendor picked from the list', async () => {
    const vendorId = await newVendor(t, { nameJa: '既存の事業者' });
    expect(await (await admin.request('/staff/applications/new')).text()).toContain('既存の事業者');
    const before = await head(t);
    const done = await send(admin, csrf, '/staff/applications/new/commit', { ...form, vendorId, 'vendor.nameJa': '' });
    expect(done.status).toBe(303);
    expect((await lastEvents(t, before)).map((e) => e.type)[0]).toBe('service.registered');
  });

  it('answers 400 next to each field, values kept, when the fee is unpaid and the items are empty', async () => {
    const bad = { ...form, 'application.feePaid': '', 'application.items.0.key': 'Bad Key', 'service.origins': 'https://x.example/path' };
    const res = await send(admin, csrf, '/staff/applications/new/preview', bad);
    const html = await res.text();
    expect(res.status).toBe(400);
    expect(html).toContain('the examination fee must be paid with the application (Art. 5)');
    expect(html).toMatch(/id="f-application-items-0-key"[^>]*aria-invalid="true"[^>]*aria-describedby="f-application-items-0-key-error"/);
    expect(html).toContain('service.overview のようなキー');
    expect(html).toContain('id="f-service-origins-error"');
    expect(html).toContain('value="Bad Key"');
    expect(html).toContain('電子カルテ');
  });
});

describe('the form keeps what was typed', () => {
  it('more item rows, and back from the preview to the form', async () => {
    const id = await certified(t);
    const more = await send(admin, csrf, `/staff/services/${id}/ops/change/preview`, { ...item, note: '書きかけ', _more: '1' });
    expect(more.status).toBe(200);
    const html = await more.text();
    expect(html).toContain('id="f-items-3-key"');
    expect(html).toContain('>書きかけ</textarea>');
    const back = await send(admin, csrf, `/staff/services/${id}/ops/change/edit`, { ...item, note: '戻る' });
    expect(back.status).toBe(200);
    expect(await back.text()).toContain('value="service.overview"');
  });
});
