import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignServiceToAccount } from '../../src/console/accounts';
import { certifiedService } from '../admin/fixtures';
import { testApp, type TestApp } from '../support/app';
import { Client, enrolledPerson, type Person } from './support';

/**
 * Staff see the integration checker's results on the service page (issue 15, "Embedding"): per verified site,
 * the newest check with its page, what was found and the failures in words, escaped; a site never checked says
 * so. Read only, and audited as the rest of the page (Art. 20); not shown to the committee (Art. 7).
 */

let t: TestApp;
let reviewer: Client;
let reviewerPerson: Person;
const ORIGIN = 'https://clinic.example.jp'; // the fixtures' origin, registered by staff: verified

beforeAll(async () => {
  t = await testApp({ now: '2026-04-01T03:00:00Z' });
  reviewerPerson = await enrolledPerson(t, 'reviewer');
  reviewer = new Client(t);
  expect((await reviewer.signIn(reviewerPerson)).status).toBe(303);
});
afterAll(async () => t?.close());

type Check = {
  origin?: string;
  pageUrl?: string;
  at: string;
  outcome?: 'done' | 'failed';
  present?: boolean;
  renders?: boolean;
  links?: boolean;
  altered?: boolean;
  cspScript?: 'allowed' | 'blocked' | 'not_seen';
  cspMark?: 'allowed' | 'blocked' | 'not_seen';
  problem?: string | null;
  refused?: { url: string; reason: string }[];
};

async function addCheck(serviceId: string, k: Check): Promise<string> {
  const id = randomUUID();
  const origin = k.origin ?? ORIGIN;
  await t.database.db
    .insertInto('integration_checks')
    .values({
      id,
      service_id: serviceId,
      origin,
      page_url: k.pageUrl ?? `${origin}/`,
      requested_by: 'vendor:someone',
      checked_at: new Date(k.at),
      outcome: k.outcome ?? 'done',
      badge_present: k.present ?? true,
      badge_renders: k.renders ?? true,
      links_to_verify: k.links ?? true,
      altered: k.altered ?? false,
      csp_script: k.cspScript ?? 'allowed',
      csp_mark: k.cspMark ?? 'allowed',
      problem: k.problem ?? null,
      details: JSON.stringify({ refused: k.refused ?? [], badges: [], copies: [], csp: [] }),
    })
    .execute();
  return id;
}

/** The section's HTML (from its heading to the next section). */
function section(html: string): string {
  const start = html.indexOf('<section aria-labelledby="integration-h">');
  expect(start, 'the integration section is on the page').toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf('</section>', start));
}

const auditCount = async (subject: string) =>
  Number(
    (
      await t.database.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('subject', '=', subject)
        .where('action', '=', 'read integration checks')
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('the service page shows the integration checks', () => {
  it('a site with a check: its newest one, each finding in words, the vendor’s page escaped', async () => {
    const s = await certifiedService(t, { nameJa: '表示確認のカルテ' });
    await addCheck(s.id, { at: '2026-03-20T01:00:00Z', pageUrl: `${ORIGIN}/old-page` }); // older: not shown
    const id = await addCheck(s.id, {
      at: '2026-03-30T01:00:00Z',
      pageUrl: `${ORIGIN}/clinic?q=<script>alert(1)</script>`,
      renders: false,
      links: false,
      altered: true,
      cspScript: 'allowed',
      cspMark: 'blocked',
      refused: [{ url: 'http://10.0.0.1/<img src=x>', reason: 'refused_address' }],
    });
    const res = await reviewer.request(`/staff/services/${s.number}`);
    expect(res.status).toBe(200);
    const html = section(await res.text());
    expect(html).toContain('表示の確認（事業者のサイト）');
    expect(html).toContain(`id="integration-${id}"`);
    expect(html).toContain(ORIGIN);
    expect(html).not.toContain('/old-page');
    // the vendor's page and the refused request are text, never markup
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('/clinic?q=&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<img src=x>');
    expect(html).toContain('http://10.0.0.1/&lt;img src=x&gt;');
    // the failures, in words
    expect(html).toContain('認定バッジが正しく表示されていません');
    expect(html).toContain('認定バッジが確認ページにリンクしていません');
    expect(html).toContain('ページが認定バッジや認定マークを改変しています');
    expect(html).toContain('ページの CSP が認定マークの画像をブロックしています');
    expect(html).not.toContain('ウィジェットのスクリプトをブロック');
    expect(html).toContain('拒否したリクエスト 1 件');
    expect(html).toContain('<time datetime="2026-03-30T10:00:00+09:00"');
    expect(html).toContain('ブロック');
    expect(html).toContain('vendor:someone');
  });

  it('in English; a page that could not be opened says why, escaped', async () => {
    const s = await certifiedService(t, { nameJa: '開けないカルテ' });
    await addCheck(s.id, {
      at: '2026-03-31T01:00:00Z',
      outcome: 'failed',
      present: false,
      renders: false,
      links: false,
      cspScript: 'not_seen',
      cspMark: 'not_seen',
      problem: 'the page could not be opened: net::ERR_<b>NAME</b>',
    });
    const html = section(await (await reviewer.request(`/staff/services/${s.number}?lang=en`)).text());
    expect(html).toContain('Badge checks');
    expect(html).toContain('The page could not be opened: net::ERR_&lt;b&gt;NAME&lt;/b&gt;');
    expect(html).not.toContain('<b>NAME</b>');
    expect(html).toContain('not seen');
  });

  it('a site all is well with: “no problem found”', async () => {
    const s = await certifiedService(t, { nameJa: '問題なしのカルテ' });
    await addCheck(s.id, { at: '2026-03-31T01:00:00Z' });
    const html = section(await (await reviewer.request(`/staff/services/${s.number}?lang=en`)).text());
    expect(html).toContain('No problem found.');
    expect(html).not.toContain('No check yet.');
  });

  it('a site never checked: “no check yet”; a check of a site that is not verified is not shown', async () => {
    const s = await certifiedService(t, { nameJa: '未確認のカルテ' });
    await addCheck(s.id, { origin: 'https://elsewhere.example.jp', at: '2026-03-31T01:00:00Z' });
    const ja = section(await (await reviewer.request(`/staff/services/${s.number}`)).text());
    expect(ja).toContain('まだ確認していません。');
    expect(ja).toContain(ORIGIN);
    expect(ja).not.toContain('elsewhere.example.jp');
    const en = section(await (await reviewer.request(`/staff/services/${s.number}?lang=en`)).text());
    expect(en).toContain('No check yet.');
    expect(await auditCount(s.id), 'nothing shown, nothing audited').toBe(0);
  });

  it('the read is audited as the rest of the page (Art. 20), and an auditor sees it too', async () => {
    const s = await certifiedService(t, { nameJa: '監査のカルテ' });
    await addCheck(s.id, { at: '2026-03-31T01:00:00Z' });
    expect(await auditCount(s.id)).toBe(0);
    await reviewer.request(`/staff/services/${s.number}`);
    expect(await auditCount(s.id)).toBe(1);
    const auditor = new Client(t);
    expect((await auditor.signIn(await enrolledPerson(t, 'auditor'))).status).toBe(303);
    const html = section(await (await auditor.request(`/staff/services/${s.number}`)).text());
    expect(html).toContain('問題はありません。');
    expect(await auditCount(s.id)).toBe(2);
  });

  it('the committee (Art. 7) does not see it', async () => {
    const s = await certifiedService(t, { nameJa: '委員会のカルテ' });
    await addCheck(s.id, { at: '2026-03-31T01:00:00Z' });
    const member = await enrolledPerson(t, 'committee');
    await assignServiceToAccount({ db: t.database.db, clock: t.clock }, 'test', member.id, s.id);
    const c = new Client(t);
    expect((await c.signIn(member)).status).toBe(303);
    const res = await c.request(`/staff/services/${s.number}`);
    expect(res.status).toBe(200);
    expect(await res.text()).not.toContain('integration-h');
  });
});
