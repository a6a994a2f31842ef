import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignServiceToAccount } from '../../src/console/accounts';
import { NEW_APPLICATION } from '../../src/console/new-application';
import { OPERATIONS } from '../../src/console/operation-defs';
import { appliedService, certifiedService, newVendor, ok, op } from '../admin/fixtures';
import { testApp, type TestApp } from '../support/app';
import { certified, count, head, renewing, send, signedIn } from './operations-support';
import { Client, enrolledPerson } from './support';

/**
 * The operation forms (issue 14) refuse as the staff API does: bad input answers 400 with the message next to the
 * field (values kept, never a 500), the rules' refusals 409 or 422 with the domain's message, roles and scope as
 * the API (auditors and committee members see no operation, a delegate reaches its services only), vendor text
 * escaped; Art. 8 on the offering; with two approvals a revocation is only proposed.
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

describe('bad input: 400 with the message at the field, never 500', () => {
  let id: string;
  beforeAll(async () => {
    id = await appliedService(t);
  });
  const preview = (form: Record<string, string>, opName = 'certify', sid = id) => send(admin, csrf, `/staff/services/${sid}/ops/${opName}/preview`, form);

  it('empty', async () => {
    const res = await preview({ notice: '   ' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toMatch(/<textarea id="f-notice" name="notice"[^>]*aria-invalid="true" aria-describedby="f-notice-error"/);
    expect(html).toMatch(/<p id="f-notice-error" class="field-error">入力してください。<\/p>/);
    expect(html).toContain('href="#f-notice"');
  });

  it('too long', async () => {
    const res = await preview({ notice: 'あ'.repeat(5001), committeeOpinion: '意見' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('5000文字以内で入力してください。');
    expect(html).toContain('>意見</textarea>');
  });

  it('bad dates, in the schema and in the domain', async () => {
    const res = await preview({ notice: '認定', decidedOn: '2026-02-30' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('日付（YYYY-MM-DD、日本時間）で入力してください。');
    const future = await preview({ notice: '認定', decidedOn: '2027-01-01' });
    expect(future.status).toBe(400);
    expect(await future.text()).toContain('a decision cannot be dated in the future');
    const c = await certified(t);
    const due = await preview({ subject: '説明', dueOn: '2026-03-01' }, 'investigation', c);
    expect(due.status).toBe(400);
    expect(await due.text()).toMatch(/id="f-dueOn-error" class="field-error">the due date has already passed/);
    const pending = await renewing(t);
    const before = await head(t);
    const ext = await preview({ until: '2028-03-01', reason: '審査中' }, 'extend', pending);
    expect(ext.status).toBe(400);
    expect(await ext.text()).toContain('an extension must end after the validity period (2028-04-01)');
    expect(await head(t)).toBe(before);
  });

  it('odd input in every field of every form: 4xx, never 500, nothing written', async () => {
    const c = await certified(t);
    const before = await head(t);
    for (const def of [...OPERATIONS, NEW_APPLICATION]) {
      const path = def === NEW_APPLICATION ? '/staff/applications/new/preview' : `/staff/services/${c}/ops/${def.op}/preview`;
      for (const odd of ['\u0000', 'x'.repeat(20_000), '99999-99-99', '-1', '<>"\'&']) {
        const form: Record<string, string> = {};
        for (const f of def.fields) {
          if (f.kind === 'items') for (const p of ['key', 'labelJa', 'valueJa', 'withheld']) form[`${f.name}.0.${p}`] = odd;
          else form[f.name] = odd;
        }
        const r = await send(admin, csrf, path, form);
        expect(r.status, `${def.op} ${odd.slice(0, 10)}`).toBeGreaterThanOrEqual(400);
        expect(r.status, `${def.op} ${odd.slice(0, 10)}`).toBeLessThan(500);
      }
    }
    expect(await head(t)).toBe(before);
  });

  it('an unknown operation or service is 404', async () => {
    expect((await admin.request(`/staff/services/${id}/ops/no-such`)).status).toBe(404);
    expect((await preview({ notice: 'x' }, 'certify', 'MD-9999-9999')).status).toBe(404);
  });
});

describe('the rules refuse: 409 with the domain’s message', () => {
  it('a decision on a certified service', async () => {
    const id = await certified(t);
    const before = await head(t);
    const res = await send(admin, csrf, `/staff/services/${id}/ops/certify/preview`, { notice: '再度の認定' });
    expect(res.status).toBe(409);
    const html = await res.text();
    expect(html).toContain('a decision is not possible while the service is certified');
    expect(html).toContain('>再度の認定</textarea>');
    const commit = await send(admin, csrf, `/staff/services/${id}/ops/certify/commit`, { notice: '再度の認定' });
    expect(commit.status).toBe(409);
    expect(await head(t)).toBe(before);
  });

  it('a renewal outside the window without a reason', async () => {
    const id = await certified(t);
    expect(await (await admin.request(`/staff/services/${id}/ops/renew`)).text()).toMatch(
      /datetime="2028-02-01">2028年2月1日<\/time> – <time datetime="2028-03-02"/,
    );
    const res = await send(admin, csrf, `/staff/services/${id}/ops/renew/preview`, {
      'selfDeclaration.usedMarkCorrectly': 'on',
      'selfDeclaration.statement': '規程どおり',
    });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('a renewal may be filed from 2028-02-01 to 2028-03-02');
  });

  it('an improvement naming no investigation of the service: 422', async () => {
    const id = await certified(t);
    const res = await send(admin, csrf, `/staff/services/${id}/ops/improvement/preview`, { investigationId: 'nope', content: '改善', dueOn: '2026-06-01' });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('an improvement request follows an investigation');
  });
});

describe('roles as the staff API', () => {
  it('an auditor sees no operation and a committee member only the opinion (Art. 7); the others are refused', async () => {
    const applied = await appliedService(t);
    for (const role of ['auditor', 'committee'] as const) {
      const p = await enrolledPerson(t, role);
      if (role === 'committee') await assignServiceToAccount({ db: t.database.db, clock: t.clock }, 'test', p.id, applied);
      const [c, token] = await signedIn(t, p);
      const page = await c.request(`/staff/services/${applied}`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect([...html.matchAll(/\/ops\/([\w-]+)/g)].map((m) => m[1])).toEqual(role === 'committee' ? ['opinion'] : []);
      expect(await (await c.request('/staff/services')).text()).not.toContain('/staff/applications/new');
      expect((await c.request(`/staff/services/${applied}/ops/certify`)).status).toBe(403);
      const before = await head(t);
      expect((await send(c, token, `/staff/services/${applied}/ops/certify/commit`, { notice: 'x' })).status).toBe(403);
      expect((await send(c, token, '/staff/applications/new/preview', {})).status).toBe(403);
      expect(await head(t)).toBe(before);
    }
  });

  it('a committee member gives an opinion on an assigned application, recorded as Art. 7; on another, 404', async () => {
    const mine = await appliedService(t);
    const other = await appliedService(t);
    const p = await enrolledPerson(t, 'committee');
    await assignServiceToAccount({ db: t.database.db, clock: t.clock }, 'test', p.id, mine);
    const [c, token] = await signedIn(t, p);
    expect((await send(c, token, `/staff/services/${other}/ops/opinion/preview`, { opinion: '意見' })).status).toBe(404);
    expect((await send(c, token, `/staff/services/${mine}/ops/opinion/preview`, { opinion: '' })).status).toBe(400);
    const before = await head(t);
    expect((await send(c, token, `/staff/services/${mine}/ops/opinion/commit`, { opinion: '申請書類に不備はない' })).status).toBe(303);
    const events = await t.database.db.selectFrom('events').select(['type', 'article', 'actor']).where('id', '>', before).execute();
    expect(events.map((e) => [e.type, e.article, e.actor])).toEqual([['committee.opinion_given', 'Art. 7', `staff:${p.id}`]]);
  });

  it('a delegate acts on its services only (404 elsewhere); a reviewer does not revoke', async () => {
    const mine = await appliedService(t);
    const other = await appliedService(t);
    const body = await ok(t.json('POST', '/api/v1/admin/delegates', { nameJa: '審査支援機構', scopeJa: '書類審査' }), 201);
    const d = await enrolledPerson(t, 'delegate', { delegate: body.id });
    await assignServiceToAccount({ db: t.database.db, clock: t.clock }, 'test', d.id, mine);
    const [c, token] = await signedIn(t, d);
    expect((await c.request(`/staff/services/${other}/ops/certify`)).status).toBe(404);
    expect((await send(c, token, `/staff/services/${other}/ops/certify/preview`, { notice: 'x' })).status).toBe(404);
    expect((await c.request('/staff/applications/new')).status).toBe(403);
    expect((await send(c, token, `/staff/services/${mine}/ops/certify/commit`, { notice: '委託先が認定' })).status).toBe(303);
    const [r, rt] = await signedIn(t, await enrolledPerson(t, 'reviewer'));
    expect(await (await r.request(`/staff/services/${mine}`)).text()).not.toContain('ops/revoke');
    expect((await send(r, rt, `/staff/services/${mine}/ops/revoke/preview`, { ground: '3', reason: 'x', noticeSentBy: 'not_sent' })).status).toBe(403);
  });
});

it('vendor text is escaped in the forms and the preview', async () => {
  const evil = '<script>alert(1)</script>';
  await newVendor(t, { nameJa: evil });
  const id = await appliedService(t, { nameJa: `<img src=x onerror=alert(1)>` });
  const list = await (await admin.request('/staff/applications/new')).text();
  expect(list).not.toContain(evil);
  expect(list).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  const res = await send(admin, csrf, `/staff/services/${id}/ops/certify/preview`, { notice: '<b>通知</b>' });
  const html = await res.text();
  expect(res.status).toBe(200);
  expect(html).not.toContain('<img src=x');
  expect(html).not.toContain('<b>通知</b>');
  expect(html).toContain('&lt;b&gt;通知&lt;/b&gt;');
});

describe('Art. 8 on the offering and the four eyes of Art. 17', () => {
  it('a vendor’s similar service revoked within the year: 409 asks, `new` answers', async () => {
    const vendorId = await newVendor(t);
    const old = await certifiedService(t, { vendorId });
    await ok(op(t, old.id, 'revocation', { ground: 3, reason: '不正な表示' }));
    const form = {
      vendorId,
      'service.nameJa': 'テストカルテ',
      'application.documents': '申請書A',
      'application.feePaid': 'on',
      'application.items.0.key': 'service.overview',
      'application.items.0.labelJa': '概要',
      'application.items.0.valueJa': '内容',
    };
    const before = await head(t);
    const asked = await send(admin, csrf, '/staff/applications/new/preview', form);
    expect(asked.status).toBe(409);
    expect(await asked.text()).toContain('revoked within the past year');
    expect(await head(t)).toBe(before);
    const answered = await send(admin, csrf, '/staff/applications/new/commit', { ...form, 'service.continues': 'new' });
    expect(answered.status).toBe(303);
  });

  it('with two approvals, a revocation is proposed: the preview says so and writes nothing', async () => {
    const t2 = await testApp({ config: { revocationApprovals: 2 } });
    try {
      const p = await enrolledPerson(t2, 'admin');
      const c = new Client(t2);
      await c.signIn(p);
      const token = await c.csrf('/staff/services');
      const s = await certifiedService(t2);
      const form = { ground: '3', reason: '不正な表示', noticeSentBy: 'not_sent' };
      const preview = await send(c, token, `/staff/services/${s.number}/ops/revoke/preview`, form);
      const html = await preview.text();
      expect(preview.status).toBe(200);
      expect(html).toContain('revocation.proposed');
      expect(html).toContain('href="/staff/revocations"');
      expect(await count(t2, 'revocation_proposals')).toBe(0);
      expect((await send(c, token, `/staff/services/${s.number}/ops/revoke/commit`, form)).status).toBe(303);
      expect(await count(t2, 'revocation_proposals')).toBe(1);
      const status = await ok(t2.json('GET', `/api/v1/admin/services/${s.id}/status`));
      expect(status.status).toBe('certified');
    } finally {
      await t2.close();
    }
  }, 60_000);
});
