import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { certifiedService } from '../admin/fixtures';
import { Client as StaffClient, enrolledPerson } from '../console/support';
import { axeViolations, fitsWidth, launchChromium, type Opened, openPage, servedApp, type Served } from '../support/browser';
import { Client, portalSignIn, vendorPerson, type VendorPerson } from './support';

/**
 * Every filing of the vendor portal end to end in Chromium (issue 15): the vendor fills and submits the portal's
 * form; staff open the console and see it (the service page: its status, disclosure versions and timeline with
 * the vendor as the actor; or the queue of vendor requests) and decide where the rules leave a decision to them
 * (a renewal: certified; a renewal outside its window: accepted with a reason, or declined); then the vendor's
 * portal shows the outcome and the acknowledgement or decision notice is among their notices.
 *
 * Time is the injected clock, never a sleep: one service is certified on T0, so that on T1 it is inside its
 * Art. 12.1 renewal window; the others are certified on T1, so that on T1 they are far outside theirs. Everyone
 * signs in on T1 and the clock only moves by the sign-ins' few seconds after that. One browser for the file: a
 * vendor's page and a staff member's page, each reused by every test.
 */

const T0 = '2026-04-01T03:00:00Z'; // valid through 2028-04-01: the window is 2028-02-01 – 2028-03-02
const T1 = '2028-02-15T03:00:00Z'; // 2028-02-15 JST: inside that window
const TODAY = '2028-02-15';

type Svc = { id: string; number: string };
let s: Served;
let browser: Browser;
let me: VendorPerson;
let v: Opened; // the vendor's browser
let st: Opened; // the staff member's browser
const svc: Record<'inWindow' | 'change' | 'emergency' | 'termination' | 'accepted' | 'declined', Svc> = {} as never;

beforeAll(async () => {
  s = await servedApp({ now: T0 });
  svc.inWindow = await certifiedService(s.t, { nameJa: '期間内のカルテ' });
  const vendorId = (await s.t.database.db.selectFrom('services').select('vendor_id').where('id', '=', svc.inWindow.id).executeTakeFirstOrThrow()).vendor_id;
  s.t.clock.set(T1);
  svc.change = await certifiedService(s.t, { vendorId, nameJa: '変更のカルテ' });
  svc.emergency = await certifiedService(s.t, { vendorId, nameJa: '緊急のカルテ' });
  svc.termination = await certifiedService(s.t, { vendorId, nameJa: '廃止のカルテ' });
  svc.accepted = await certifiedService(s.t, { vendorId, nameJa: '受理されるカルテ' });
  svc.declined = await certifiedService(s.t, { vendorId, nameJa: '受理されないカルテ' });

  me = await vendorPerson(s.t, vendorId);
  const vc = new Client(s.t);
  expect((await portalSignIn(vc, me)).status).toBe(303);
  const sc = new StaffClient(s.t);
  expect((await sc.signIn(await enrolledPerson(s.t, 'reviewer'))).status).toBe(303);

  browser = await launchChromium();
  v = await openPage(browser);
  await v.context.addCookies([{ name: 'certmark-vendor', value: vc.cookies.get('certmark-vendor')!, url: s.origin }]);
  st = await openPage(browser);
  await st.context.addCookies([{ name: 'certmark-staff', value: sc.cookies.get('certmark-staff')!, url: s.origin }]);
}, 120_000);

afterAll(async () => {
  await v?.context.close();
  await st?.context.close();
  await browser?.close();
  await s?.close();
});

beforeEach(() => {
  if (v) v.errors.length = 0;
  if (st) st.errors.length = 0;
});

/** No CSP refusal, no script error; a form answered 400 with its errors is on purpose and not counted. */
function noErrors() {
  expect(v.errors.filter((e) => !e.includes('status of 400'))).toEqual([]);
  expect(st.errors.filter((e) => !e.includes('status of 400'))).toEqual([]);
}

const vendorService = async (x: Svc) => {
  const res = await v.page.goto(`${s.origin}/vendor/services/${x.number}`);
  expect(res?.status()).toBe(200);
};
const staffService = async (x: Svc) => {
  const res = await st.page.goto(`${s.origin}/staff/services/${x.number}`);
  expect(res?.status()).toBe(200);
};
const fact = (label: string) => v.page.locator('dl.facts dt', { hasText: label }).locator('xpath=following-sibling::dd[1]');
const staffFact = (label: string) => st.page.locator('dl.facts div', { has: st.page.locator('dt', { hasText: label }) }).locator('dd');
const filed = () => v.page.locator('#filings-h ~ .table-wrap table');
const timeline = (type: string) => st.page.locator('ol.timeline li', { hasText: type });

/** Files the form the vendor is on and lands back on the service's filings. */
async function submit(x: Svc) {
  await v.page.getByRole('button', { name: '届け出る' }).click();
  await v.page.waitForURL(`${s.origin}/vendor/services/${x.number}#filings-h`);
}

/** Opens the vendor's notice by its subject, checks its body, and comes back. */
async function readNotice(subject: RegExp, ...body: string[]) {
  const back = v.page.url();
  await v.page.locator('#notices-h ~ .table-wrap').getByRole('link', { name: subject }).click();
  await v.page.waitForURL(/\/vendor\/notices\/[^/]+$/);
  const letter = await v.page.locator('pre.letter').innerText();
  for (const b of body) expect(letter).toContain(b);
  await v.page.goto(back);
}

describe('a change notice, with a request to withhold an item (Arts. 13.1, 11.2)', () => {
  it('the vendor files it; staff see the new version with the item withheld and its reason; the vendor sees the filing and its acknowledgement', {
    timeout: 60_000,
  }, async () => {
    const x = svc.change;
    await vendorService(x);
    await v.page.getByRole('link', { name: '変更の届出（第13条第1項）', exact: true }).click();
    await v.page.waitForURL(`${s.origin}/vendor/services/${x.number}/file/change`);
    // the form starts from the items in force
    expect(await v.page.locator('#f-items-0-key').inputValue()).toBe('service.overview');
    expect(await v.page.locator('#f-items-1-withheld').isChecked()).toBe(true);
    await v.page.locator('#f-items-0-valueJa').fill('クラウド型電子カルテ（第2版）');
    await v.page.locator('#f-items-2-key').fill('security.backup');
    await v.page.locator('#f-items-2-labelJa').fill('バックアップの拠点');
    await v.page.locator('#f-items-2-valueJa').fill('東京と大阪のデータセンター');
    await v.page.locator('#f-items-2-withheld').check();
    await v.page.locator('#f-items-2-withheldReason').fill('所在を公表すると物理的な攻撃の手掛かりになるため');
    await v.page.getByLabel('変更の内容と理由').fill('概要の改訂とバックアップ体制の追加');
    await submit(x);
    await filed().getByRole('cell', { name: '変更の届出', exact: true }).waitFor();

    await staffService(x);
    await timeline('disclosure.changed').getByText(`vendor:${me.id}`).waitFor();
    const current = st.page.locator('#disclosure-h ~ details[open]');
    expect(await current.locator('summary').innerText()).toContain('概要の改訂とバックアップ体制の追加');
    const row = current.locator('tr', { hasText: 'バックアップの拠点' });
    expect(await row.innerText()).toContain('非開示（第11条第2項）');
    expect(await row.innerText()).toContain('所在を公表すると物理的な攻撃の手掛かりになるため');
    expect(await current.locator('tr', { hasText: 'クラウド型電子カルテ（第2版）' }).innerText()).toContain('公開');

    // what the public sees: the change, without the item withheld
    await st.page.goto(`${s.origin}/verify/${x.number}`);
    const published = await st.page.locator('main').innerText();
    expect(published).toContain('クラウド型電子カルテ（第2版）');
    expect(published).not.toContain('東京と大阪のデータセンター');

    await vendorService(x);
    await filed().getByRole('cell', { name: '変更の届出', exact: true }).waitFor();
    await readNotice(/受付のお知らせ: 変更の届出（第13条第1項）/, `変更の届出（第13条第1項）を ${TODAY} に受け付けました`, '届出者:');
    noErrors();
  });
});

describe('an emergency, then its progress report closing it (Art. 14)', () => {
  it('the vendor notifies it; staff see it on the timeline with the vendor as actor; the vendor sees the filing and its acknowledgement', {
    timeout: 60_000,
  }, async () => {
    const x = svc.emergency;
    await vendorService(x);
    expect(await v.page.getByRole('link', { name: '緊急時の経過報告（第14条）', exact: true }).count()).toBe(0); // nothing to report on yet
    await v.page.getByRole('link', { name: '緊急時の通知（第14条）', exact: true }).click();
    await v.page.getByLabel('事態の種類').selectOption('leak');
    await v.page.getByLabel('発生日').fill('2028-02-14');
    await v.page.getByLabel('発見日').fill(TODAY);
    await v.page.getByLabel('事態の概要').fill('外部から管理画面への不正アクセスの疑い');
    await v.page.getByLabel('講じた措置').fill('管理画面を閉鎖し、該当サーバを隔離');
    await submit(x);
    await filed().getByRole('cell', { name: '緊急時の通知', exact: true }).waitFor();

    await staffService(x);
    await timeline('emergency.reported').getByText(`vendor:${me.id}`).waitFor();
    // the dashboard lists it among the emergencies in progress; the progress form names it by its summary
    await st.page.goto(`${s.origin}/staff/`);
    await st.page
      .locator('#emergencies-h ~ ul')
      .getByRole('link', { name: /緊急のカルテ/ })
      .waitFor();
    await st.page.goto(`${s.origin}/staff/services/${x.number}/ops/emergency-report`);
    expect(await st.page.locator('#f-emergency option').allInnerTexts()).toEqual([expect.stringContaining('外部から管理画面への不正アクセスの疑い')]);

    await vendorService(x);
    await readNotice(/受付のお知らせ: 緊急時の通知（第14条）/, `緊急時の通知（第14条）を ${TODAY} に受け付けました`);
  });

  it('the vendor reports its progress and closes it; staff see the report; the vendor sees it closed and its acknowledgement', {
    timeout: 60_000,
  }, async () => {
    const x = svc.emergency;
    await vendorService(x);
    await v.page.getByRole('link', { name: '緊急時の経過報告（第14条）', exact: true }).click();
    await v.page.waitForURL(`${s.origin}/vendor/services/${x.number}/file/emergency-progress`);
    const choice = v.page.getByLabel('対象の事態');
    expect(await choice.locator('option').allInnerTexts()).toEqual([expect.stringContaining('外部から管理画面への不正アクセスの疑い')]);
    await v.page.getByLabel('経過', { exact: true }).fill('調査の結果、情報の漏えいはありませんでした。管理画面を再開しました。');
    await v.page.getByLabel('これで終結とする').check();
    await submit(x);
    await filed()
      .getByRole('cell', { name: /緊急時の経過報告/ })
      .first()
      .waitFor();
    // closed: nothing left to report on
    expect(await v.page.getByRole('link', { name: '緊急時の経過報告（第14条）', exact: true }).count()).toBe(0);

    await staffService(x);
    await timeline('emergency.reported').waitFor();
    const progress = st.page.locator('ol.timeline li', { hasText: /emergency\.(progress|closed)/ });
    expect(await progress.count()).toBeGreaterThan(0);
    for (const li of await progress.all()) expect(await li.innerText()).toContain(`vendor:${me.id}`);
    // staff have no open emergency to report on for this service any more
    expect(await st.page.getByRole('link', { name: /緊急事態の経過報告/ }).count()).toBe(0);
    await st.page.goto(`${s.origin}/staff/`);
    expect(
      await st.page
        .locator('#emergencies-h ~ ul')
        .getByRole('link', { name: /緊急のカルテ/ })
        .count(),
    ).toBe(0);

    await vendorService(x);
    await readNotice(/受付のお知らせ: 緊急時の経過報告（第14条）/, `緊急時の経過報告（第14条）を ${TODAY} に受け付けました`);
    noErrors();
  });
});

describe('a termination, then the certificate returned (Arts. 13.2, 13.3)', () => {
  it('the vendor notifies the termination; staff see the service ended; the vendor sees it and both notices', { timeout: 60_000 }, async () => {
    const x = svc.termination;
    await vendorService(x);
    await v.page.getByRole('link', { name: '廃止の届出・認定証の返却（第13条第2項・第3項）', exact: true }).click();
    await v.page.waitForURL(`${s.origin}/vendor/services/${x.number}/file/termination`);
    await submit(x); // today, the certificate not yet returned
    await filed().getByRole('cell', { name: '廃止の届出', exact: true }).waitFor();
    expect(await fact('状態').innerText()).toBe('終了');

    await staffService(x);
    expect(await staffFact('状態').innerText()).toBe('終了');
    await timeline('service.terminated').getByText(`vendor:${me.id}`).waitFor();

    await vendorService(x);
    await readNotice(/受付のお知らせ: 廃止の届出（第13条第2項）/, `廃止の届出（第13条第2項）を ${TODAY} に受け付けました`);
    await readNotice(/【提供終了の届出の受理】/, '提供終了の届出を受理しました', '認定証を返却してください');
  });

  it('the vendor returns the certificate; staff see it returned; the vendor sees it and both notices', { timeout: 60_000 }, async () => {
    const x = svc.termination;
    await vendorService(x);
    await v.page.getByRole('link', { name: '認定証の返却（第13条第3項）', exact: true }).click();
    await v.page.waitForURL(`${s.origin}/vendor/services/${x.number}/file/certificate-return`);
    await submit(x);
    await filed().getByRole('cell', { name: '認定証の返却', exact: true }).waitFor();
    expect(await v.page.getByRole('link', { name: '認定証の返却（第13条第3項）', exact: true }).count()).toBe(0); // nothing outstanding

    await staffService(x);
    await timeline('certificate.returned').getByText(`vendor:${me.id}`).waitFor();

    await vendorService(x);
    await readNotice(/受付のお知らせ: 認定証の返却（第13条第3項）/, `認定証の返却（第13条第3項）を ${TODAY} に受け付けました`);
    await readNotice(/【認定証の返却の受領】/, `認定証の返却を ${TODAY.slice(0, 4)}年`);
    noErrors();
  });
});

describe('a renewal inside its window (Art. 12.1)', () => {
  it('the vendor files it; staff see it and certify the renewal; the vendor sees the new validity and the notices', { timeout: 60_000 }, async () => {
    const x = svc.inWindow;
    await vendorService(x);
    expect(await fact('更新申請').innerText()).toContain('受付中');
    await v.page.getByRole('link', { name: '更新申請（第12条第1項）', exact: true }).click();
    await v.page.getByLabel('認定マークを規程に従って使用していることを申告します（第10条第7項）').check();
    await v.page.getByLabel('自己申告の内容').fill('期間中も規程どおりに使用しました');
    await submit(x);
    await filed().getByRole('cell', { name: '更新申請', exact: true }).waitFor();
    expect(await fact('状態').innerText()).toBe('更新申請中');
    expect(await v.page.locator('#vendor-requests-h').count()).toBe(0); // filed, not a request for staff to decide

    await staffService(x);
    expect(await staffFact('状態').innerText()).toBe('更新申請中');
    await timeline('renewal.filed').getByText(`vendor:${me.id}`).waitFor();
    await st.page.getByRole('link', { name: '認定する（第6条第1項）', exact: true }).click();
    await st.page.waitForURL(/\/ops\/certify$/);
    await st.page.locator('#f-notice').fill('更新の審査の結果、認定を更新しました。');
    await st.page.getByRole('button', { name: '確認する' }).click();
    await st.page.waitForURL(/\/ops\/certify\/preview$/);
    await st.page.getByRole('button', { name: '記録する' }).click();
    await st.page.waitForURL(`${s.origin}/staff/services/${x.number}#timeline-h`);
    expect(await staffFact('状態').innerText()).toBe('認定');
    // newest first: the renewal's certification, by staff, today
    expect(await timeline('service.certified').first().innerText()).toMatch(/2028年2月15日[\s\S]*service\.certified[\s\S]*staff:/);

    await vendorService(x);
    expect(await fact('状態').innerText()).toBe('認定');
    expect(await fact('有効期限').innerText()).toContain('2030');
    await readNotice(/受付のお知らせ: 更新申請（第12条第1項）/, `更新申請（第12条第1項）を ${TODAY} に受け付けました`);
    await readNotice(/【認定の更新のお知らせ】/, '認定の更新を実施しました', '更新の審査の結果、認定を更新しました。');
    noErrors();
  });
});

describe('a renewal outside its window: a request staff decide (Art. 12.1)', () => {
  /** The vendor files a renewal far before its window: kept as a request awaiting staff. */
  async function request(x: Svc, statement: string) {
    await vendorService(x);
    expect(await fact('更新申請').innerText()).toContain('受付開始まであと');
    await v.page.getByRole('link', { name: '更新申請（第12条第1項）', exact: true }).click();
    await v.page.getByLabel('認定マークを規程に従って使用していることを申告します（第10条第7項）').check();
    await v.page.getByLabel('自己申告の内容').fill(statement);
    await submit(x);
    expect(await v.page.locator('#vendor-requests-h + ul').innerText()).toContain('判断待ち');
    expect(await fact('状態').innerText()).toBe('認定');
    await readNotice(/受付のお知らせ: 更新申請（第12条第1項）/, '受付期間（有効期限の60日前から30日前まで）の外であるため');
  }

  /** Staff open the request from the queue, see the statement, and decide it with a reason. */
  async function decide(name: string, statement: string, button: '受理する' | '受理しない', reason: string) {
    await st.page.goto(`${s.origin}/staff/vendor-requests`);
    await st.page.getByRole('link', { name: new RegExp(name) }).click();
    await st.page.waitForURL(/\/staff\/vendor-requests\/[0-9a-f-]{36}$/);
    await st.page.getByText(statement).waitFor();
    await st.page.getByLabel('理由（事業者に通知されます）').fill(reason);
    await st.page.getByRole('button', { name: button, exact: true }).click();
    await st.page.waitForURL(/\/staff\/vendor-requests\/[0-9a-f-]{36}$/);
    await st.page.locator('dd', { hasText: reason }).waitFor();
  }

  it('accepted with a reason: the renewal is filed by staff; the vendor sees it accepted and the decision notice', { timeout: 60_000 }, async () => {
    const x = svc.accepted;
    await request(x, '早めに更新の手続きをしたい');
    await decide('受理されるカルテ', '早めに更新の手続きをしたい', '受理する', '監査の日程の都合により受理');

    await staffService(x);
    expect(await staffFact('状態').innerText()).toBe('更新申請中');
    await timeline('renewal.filed')
      .getByText(/^staff:/)
      .waitFor();

    await vendorService(x);
    const outcome = await v.page.locator('#vendor-requests-h + ul').innerText();
    expect(outcome).toContain('受理');
    expect(outcome).toContain('監査の日程の都合により受理');
    expect(await fact('状態').innerText()).toBe('更新申請中');
    await readNotice(/更新申請（第12条第1項）の受理について/, '更新申請を受理しました。', '理由: 監査の日程の都合により受理');
    noErrors();
  });

  it('declined with a reason: nothing is filed; the vendor sees it declined and the decision notice', { timeout: 60_000 }, async () => {
    const x = svc.declined;
    await request(x, '有効期限のずっと前ですが更新したい');
    await decide('受理されないカルテ', '有効期限のずっと前ですが更新したい', '受理しない', '受付期間まで2年近くあるため');

    await staffService(x);
    expect(await staffFact('状態').innerText()).toBe('認定');
    expect(await timeline('renewal.filed').count()).toBe(0);

    await vendorService(x);
    const outcome = await v.page.locator('#vendor-requests-h + ul').innerText();
    expect(outcome).toContain('不受理');
    expect(outcome).toContain('受付期間まで2年近くあるため');
    expect(await fact('状態').innerText()).toBe('認定');
    expect(await filed().count()).toBe(0); // no filing recorded
    await readNotice(/更新申請（第12条第1項）の受理について/, '更新申請を受理しないこととしました。', '理由: 受付期間まで2年近くあるため');
    noErrors();
  });
});

describe('staff see the integration checks of the vendor’s sites on the service page', () => {
  it('the newest check of each verified site, its failures in words: axe 0 violations at 1024 and 320 px, no horizontal scroll', {
    timeout: 60_000,
  }, async () => {
    const x = svc.change;
    await s.t.database.db
      .insertInto('integration_checks')
      .values({
        id: randomUUID(),
        service_id: x.id,
        origin: 'https://clinic.example.jp',
        page_url: 'https://clinic.example.jp/about?from=<portal>',
        requested_by: `vendor:${me.id}`,
        checked_at: s.t.clock.now(),
        outcome: 'done',
        badge_present: true,
        badge_renders: false,
        links_to_verify: true,
        altered: false,
        csp_script: 'allowed',
        csp_mark: 'blocked',
        problem: null,
        details: JSON.stringify({ refused: [{ url: 'https://cdn.example.net/x.js', reason: 'not_allowed' }], badges: [], copies: [], csp: [] }),
      })
      .execute();
    try {
      for (const width of [1024, 320]) {
        await st.page.setViewportSize({ width, height: 800 });
        await staffService(x);
        const section = st.page.locator('section[aria-labelledby="integration-h"]');
        const row = section.locator('tr', { hasText: 'https://clinic.example.jp/about?from=<portal>' });
        expect(await row.innerText()).toContain('ページの CSP が認定マークの画像をブロックしています');
        expect(await axeViolations(st.page), `${width} px`).toEqual([]);
        expect(await fitsWidth(st.page), `${width} px: no horizontal scroll`).toBe(true);
      }
    } finally {
      await st.page.setViewportSize({ width: 1024, height: 800 });
    }
    noErrors();
  });
});
