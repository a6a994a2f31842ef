import { afterEach, describe, expect, it } from 'vitest';
import { BASE, testApp, type TestApp } from '../support/app';
import { NOW } from './world';

let t: TestApp;
afterEach(async () => t?.close());

const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });
const INQUIRY = {
  name: '山田 花子',
  email: 'hanako@clinic.example',
  organisation: 'やまだ診療所',
  serviceNumber: 'MD-0001-2506',
  subject: 'マークの表示について',
  body: '当院のサイトでの表示方法を教えてください。',
};

async function postJson(body: unknown, client = '10.0.0.1', headers: Record<string, string> = {}) {
  return t.app.request(
    '/api/v1/inquiries',
    { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) },
    from(client),
  );
}
async function postForm(fields: Record<string, string>, client = '10.0.0.2') {
  return t.app.request(
    `/api/v1/inquiries?lang=${fields.lang ?? 'ja'}`,
    { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() },
    from(client),
  );
}

describe('POST /api/v1/inquiries (Art. 18)', () => {
  it('stores a JSON inquiry for staff and confirms without echoing what was sent', async () => {
    t = await testApp({ now: NOW });
    const res = await postJson(INQUIRY);
    expect(res.status).toBe(201);
    const text = await res.text();
    for (const v of Object.values(INQUIRY)) expect(text).not.toContain(v);
    const receipt = JSON.parse(text);
    expect(receipt).toMatchObject({ id: expect.any(String), receivedAt: '2026-04-01T03:00:00.000Z' });
    const row = await t.database.db.selectFrom('inquiries').selectAll().where('id', '=', receipt.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      name: INQUIRY.name,
      email: INQUIRY.email,
      organisation: INQUIRY.organisation,
      service_number: INQUIRY.serviceNumber,
      subject: INQUIRY.subject,
      body: INQUIRY.body,
      status: 'new',
    });
  });

  it('accepts the HTML form and redirects to a confirmation that names nothing sent', async () => {
    t = await testApp({ now: NOW });
    const res = await postForm({ ...INQUIRY, organisation: '', serviceNumber: '', lang: 'en' });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(/^\/inquiry\/received\?ref=20260401-[0-9A-F]{6}&lang=en$/);
    const page = await (await t.app.request(location)).text();
    expect(page).toContain('Your inquiry has been received');
    // issue 18: the reference number and when an answer comes
    expect(page).toContain(`Reference number: <strong class="number">${new URL(location, BASE).searchParams.get('ref')}</strong>`);
    expect(page).toContain('within 5 business days');
    for (const v of [INQUIRY.name, INQUIRY.email, INQUIRY.subject, INQUIRY.body]) expect(page).not.toContain(v);
    const row = await t.database.db.selectFrom('inquiries').selectAll().executeTakeFirstOrThrow();
    expect(row.organisation).toBeNull();
    expect(row.service_number).toBeNull();
  });

  it('answers invalid JSON input with 400 problem+json naming the field, never the value', async () => {
    t = await testApp({ now: NOW });
    const cases: [unknown, string][] = [
      [{ ...INQUIRY, email: 'not-an-email-<script>' }, 'email'],
      [{ ...INQUIRY, name: '' }, 'name'],
      [{ ...INQUIRY, body: 'x'.repeat(5001) }, 'body'],
      [{ ...INQUIRY, serviceNumber: '"><img src=x onerror=alert(1)>' }, 'serviceNumber'],
      [{ ...INQUIRY, subject: 'a\u0000b' }, 'subject'],
      [{ ...INQUIRY, name: 42 }, 'name'],
    ];
    for (const [body, field] of cases) {
      const res = await postJson(body, `10.1.0.${field.length}${Math.random()}`);
      expect(res.status, field).toBe(400);
      const text = await res.text();
      expect(JSON.parse(text).field).toBe(field);
      expect(text).not.toMatch(/<script>|onerror|not-an-email|xxxxxxxxxx/);
    }
    expect((await postJson('{"name":', '10.9.9.9')).status).toBe(400);
    expect((await postJson(INQUIRY, '10.9.9.8', { 'Content-Type': 'text/plain' })).status).toBeGreaterThanOrEqual(400);
    expect((await postJson({ ...INQUIRY, body: 'x'.repeat(40_000) }, '10.9.9.7')).status).toBe(413);
    expect(await t.database.db.selectFrom('inquiries').select('id').execute()).toHaveLength(0);
  });

  it('answers an invalid form post with the form again: the error beside its field, the input back in the controls only, escaped', async () => {
    t = await testApp({ now: NOW });
    const res = await postForm({ ...INQUIRY, email: 'nope<b>bold</b>', lang: 'ja' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const page = await res.text();
    // the form itself, not a page that says "go back"
    expect(page).toContain('<form class="inquiry" method="post" action="/api/v1/inquiries?lang=ja">');
    expect(page).not.toContain('前のページに戻って');
    expect(page).toContain('<a href="#email">メールアドレス</a>: メールアドレスを正しい形式で入力してください');
    expect(page).toMatch(/<input id="email"[^>]*value="nope&lt;b&gt;bold&lt;\/b&gt;" aria-invalid="true" aria-describedby="email-error"\/>/);
    expect(page).toContain('<p id="email-error" class="field-error">');
    expect(page).not.toContain('<b>bold</b>');
    // the valid fields keep what was typed (in the controls), and are not marked
    expect(page).toContain(`>${INQUIRY.body}</textarea>`);
    expect(page).toMatch(/<input id="name"[^>]*value="山田 花子"\/>/);
    expect(await t.database.db.selectFrom('inquiries').select('id').execute()).toHaveLength(0);
  });

  it('answers an invalid English form post in English, each field at fault marked', async () => {
    t = await testApp({ now: NOW });
    const res = await postForm({ ...INQUIRY, name: '   ', subject: '', email: 'a@b', lang: 'en' });
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('<html lang="en">');
    for (const f of ['name', 'email', 'subject']) expect(page).toContain(`id="${f}-error"`);
    expect(page).not.toContain('id="body-error"');
  });

  it('gives JSON callers the reference number and the reply time', async () => {
    t = await testApp({ now: NOW });
    const res = await postJson(INQUIRY, '10.3.3.3');
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; reference: string; replyWithinBusinessDays: number };
    expect(body.reference).toBe(`20260401-${body.id.replace(/-/g, '').slice(0, 6).toUpperCase()}`);
    expect(body.replyWithinBusinessDays).toBe(5);
  });

  it('limits each client to five inquiries in ten minutes (429 with Retry-After), others unaffected', async () => {
    t = await testApp({ now: NOW });
    for (let i = 0; i < 5; i++) expect((await postJson(INQUIRY, '192.0.2.7')).status).toBe(201);
    const limited = await postJson(INQUIRY, '192.0.2.7');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('600');
    expect((await postJson(INQUIRY, '192.0.2.8')).status).toBe(201);
    const formLimited = await postForm({ ...INQUIRY, lang: 'en' }, '192.0.2.7');
    expect(formLimited.status).toBe(429);
    expect(await formLimited.text()).toContain('Please try again later');
    t.clock.advance(10 * 60_000 + 1);
    expect((await postJson(INQUIRY, '192.0.2.7')).status).toBe(201);
  });
});

describe('GET /inquiry', () => {
  it('prefills a well-formed certification number and the misuse subject, and nothing else', async () => {
    t = await testApp({ now: NOW });
    const ok = await (await t.app.request('/inquiry?service=MD-0001-2506&topic=misuse')).text();
    expect(ok).toContain('value="MD-0001-2506"');
    expect(ok).toContain('value="認定マークの不正使用の疑い"');
    const bad = await t.app.request('/inquiry?service=%22%3E%3Cscript%3Ealert(1)%3C/script%3E');
    expect(bad.status).toBe(200);
    expect(await bad.text()).not.toContain('alert(1)');
    expect((await t.app.request('/inquiry?topic=other')).status).toBe(400);
  });
});

describe('GET /api/v1/admin/inquiries (staff only, Art. 20)', () => {
  it('needs a staff token', async () => {
    t = await testApp({ now: NOW });
    expect((await t.app.request('/api/v1/admin/inquiries')).status).toBe(401);
  });

  it('lists summaries without personal data, and audits each inquiry read in full', async () => {
    t = await testApp({ now: NOW });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(((await (await postJson({ ...INQUIRY, subject: `件名${i}` }, `10.2.0.${i}`)).json()) as { id: string }).id);
      t.clock.advance(1000);
    }
    const list = await t.app.request('/api/v1/admin/inquiries?limit=2', { headers: t.auth() });
    const page = (await list.json()) as { items: { id: string }[]; next: string };
    expect(page.items.map((i) => i.id)).toEqual([ids[2], ids[1]]);
    expect(JSON.stringify(page)).not.toMatch(/hanako|山田|件名/);
    const rest = (await (await t.app.request(`/api/v1/admin/inquiries?limit=2&cursor=${page.next}`, { headers: t.auth() })).json()) as {
      items: { id: string }[];
      next: null;
    };
    expect(rest).toEqual({ items: [expect.objectContaining({ id: ids[0] })], next: null });
    const one = await t.app.request(`/api/v1/admin/inquiries/${ids[0]}`, { headers: t.auth() });
    expect(await one.json()).toMatchObject({ id: ids[0], name: INQUIRY.name, email: INQUIRY.email, subject: '件名0', body: INQUIRY.body });
    const audit = await t.database.db.selectFrom('audit_log').selectAll().where('subject', '=', ids[0]!).execute();
    expect(audit).toEqual([expect.objectContaining({ action: 'read inquiry', subject: ids[0] })]);
    expect((await t.app.request('/api/v1/admin/inquiries/00000000-0000-4000-8000-000000000000', { headers: t.auth() })).status).toBe(404);
    expect((await t.app.request('/api/v1/admin/inquiries/not-a-uuid', { headers: t.auth() })).status).toBe(400);
    expect((await t.app.request('/api/v1/admin/inquiries?cursor=bad', { headers: t.auth() })).status).toBe(400);
  });
});
