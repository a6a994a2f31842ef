import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignServiceToAccount } from '../../src/console/accounts';
import { evidenceWords, identifiedWords } from '../../src/console/evidence-words';
import { receiveInquiry } from '../../src/publication/inquiries';
import { testApp, type TestApp } from '../support/app';
import { certifiedService, crawlerKey, markPng, postSighting, recolouredPng } from '../sightings/support';
import { Client, enrolledPerson, type Person } from './support';

/**
 * Issue 14: the case queue, four-eyes revocation and the inquiry desk in the console, through the domain
 * functions the staff API uses; roles and scope as the API; bad input answers a 4xx page, never a 500.
 */

let t: TestApp;
let key: string;
const people: Record<'a' | 'b' | 'reviewer' | 'auditor' | 'delegate', Person> = {} as never;
const clients: Record<keyof typeof people, Client> = {} as never;
let mine: Awaited<ReturnType<typeof certifiedService>>;

beforeAll(async () => {
  t = await testApp({ config: { revocationApprovals: 2 } });
  key = (await crawlerKey(t)).key;
  mine = await certifiedService(t);
  const body = await t.json('POST', '/api/v1/admin/delegates', { nameJa: '審査支援機構', scopeJa: '書類審査' });
  const delegateBody = ((await body.json()) as { id: string }).id;
  people.a = await enrolledPerson(t, 'admin');
  people.b = await enrolledPerson(t, 'admin');
  people.reviewer = await enrolledPerson(t, 'reviewer');
  people.auditor = await enrolledPerson(t, 'auditor');
  people.delegate = await enrolledPerson(t, 'delegate', { delegate: delegateBody });
  await assignServiceToAccount({ db: t.database.db, clock: t.clock }, 'test', people.delegate.id, mine.id);
  for (const [k, p] of Object.entries(people) as [keyof typeof people, Person][]) {
    clients[k] = new Client(t);
    expect((await clients[k].signIn(p)).status).toBe(303);
  }
});
afterAll(async () => t?.close());

/** A crawler sighting on the service's own page, without a link: a no_link case (and a recoloured one for a recoloured image). */
async function openCase(opts: { recoloured?: boolean; service?: Awaited<ReturnType<typeof certifiedService>>; linkHref?: string } = {}) {
  const s = opts.service ?? (await certifiedService(t));
  const image = opts.recoloured ? await recolouredPng() : await markPng();
  const res = await postSighting(t, key, {
    image,
    pageUrl: s.page,
    seenAt: t.clock.now().toISOString(),
    ...(opts.linkHref ? { linkHref: opts.linkHref } : {}),
  });
  expect(res.status).toBe(201);
  const rows = await t.database.db.selectFrom('misuse_cases').select(['id', 'finding']).where('service_id', '=', s.id).execute();
  const id = (f: string) => rows.find((r) => r.finding === f)!.id;
  return { s, id, noLink: id('no_link') };
}

const form = async (who: keyof typeof people, path: string, fields: Record<string, string>) => {
  const c = clients[who];
  return c.request(path, { form: { _csrf: await c.csrf(), ...fields } });
};
const html = async (who: keyof typeof people, path: string) => {
  const res = await clients[who].request(path);
  return { status: res.status, text: await res.text() };
};
const postForms = (text: string) => [...text.matchAll(/<form[^>]*method="post"[^>]*action="([^"]*)"/g)].map((m) => m[1]);

describe('the case queue and a case', () => {
  it('lists open cases, filtered by finding, and shows a case with its evidence in words and both images', async () => {
    const { id } = await openCase({ recoloured: true });
    const all = await html('a', '/staff/cases');
    expect(all.text).toContain(`/staff/cases/${id('recoloured')}`);
    const filtered = await html('a', '/staff/cases?finding=no_link');
    expect(filtered.text).not.toContain(`/staff/cases/${id('recoloured')}`);
    expect(filtered.text).toContain(`/staff/cases/${id('no_link')}`);
    const ja = await html('a', `/staff/cases/${id('recoloured')}`);
    expect(ja.status).toBe(200);
    expect(ja.text).toMatch(/標章の色が公式の標章と異なります：色相が-?\d+°回転/);
    expect(ja.text).toContain('Art. 10.5');
    const en = await html('a', `/staff/cases/${id('recoloured')}?lang=en`);
    expect(en.text).toMatch(/colour differs from the official mark: hue turned -?\d+°/);
    const sha = /\/staff\/sighting-images\/([0-9a-f]{64})/.exec(en.text)![1]!;
    const img = await clients.a.request(`/staff/sighting-images/${sha}`);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/png');
    const audited = await t.database.db.selectFrom('audit_log').select('subject').where('subject', '=', sha).execute();
    expect(audited.length).toBeGreaterThan(0);
    const mark = await clients.a.request('/staff/official-mark.svg');
    expect(mark.status).toBe(200);
    expect(mark.headers.get('content-type')).toContain('image/svg+xml');
    expect((await clients.a.request('/staff/sighting-images/0000')).status).toBe(404);
  });

  it('dismisses with a reason: the case closes, its history names the event caused', async () => {
    const { noLink } = await openCase();
    const res = await form('reviewer', `/staff/cases/${noLink}/dismissal`, { reason: '<b>検証用</b>ページ' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/staff/cases/${noLink}?m=dismissed`);
    const page = await html('reviewer', res.headers.get('location')!);
    expect(page.text).toContain('案件を却下しました');
    expect(page.text).toContain('&lt;b&gt;検証用&lt;/b&gt;ページ');
    expect(page.text).toMatch(/イベント #\d+ case\.closed/);
    expect(postForms(page.text)).toEqual(['/staff/sign-out']);
  });

  it('requests an investigation, then an improvement after it, then an admin proposes a revocation', async () => {
    const { noLink } = await openCase();
    expect((await form('reviewer', `/staff/cases/${noLink}/actions`, { kind: 'investigation', subject: '説明を', dueOn: '2026-04-20' })).status).toBe(303);
    const imp = await form('reviewer', `/staff/cases/${noLink}/actions?lang=en`, {
      kind: 'improvement',
      content: 'リンクを付ける',
      dueOn: '2026-04-30',
      publish: '1',
    });
    expect(imp.headers.get('location')).toBe(`/staff/cases/${noLink}?m=improvement&lang=en`);
    const row = await t.database.db.selectFrom('misuse_cases').select(['awaiting', 'status']).where('id', '=', noLink).executeTakeFirstOrThrow();
    expect(row).toEqual({ awaiting: 'improvement', status: 'open' });
    const page = await html('reviewer', `/staff/cases/${noLink}?lang=en`);
    expect(page.text).toMatch(/event #\d+ investigation\.requested/);
    expect(page.text).toMatch(/event #\d+ improvement\.requested/);
    expect(page.text).not.toContain('name="kind" value="revocation_proposal"'); // a reviewer does not propose
    expect((await form('reviewer', `/staff/cases/${noLink}/actions`, { kind: 'revocation_proposal', reason: 'x' })).status).toBe(403);
    const prop = await form('a', `/staff/cases/${noLink}/actions`, {
      kind: 'revocation_proposal',
      reason: '改善されない',
      notice: '取消通知書',
      noticeSentBy: 'post',
    });
    expect(prop.status).toBe(303);
    const after = await html('a', `/staff/cases/${noLink}`);
    expect(after.text).toContain('取消の提案が承認待ちです');
    expect(postForms(after.text)).toEqual(['/staff/sign-out']);
  });

  it('answers bad input with a 400 page naming the error, never a 500', async () => {
    const { noLink } = await openCase();
    const cases: [Record<string, string>, string, number][] = [
      [{ reason: '   ' }, 'dismissal', 400],
      [{ reason: 'x'.repeat(2001) }, 'dismissal', 400],
      [{ reason: 'a\u0000b' }, 'dismissal', 400],
      [{ kind: 'investigation', subject: '説明', dueOn: '2026-02-30' }, 'actions', 400],
      [{ kind: 'investigation', subject: '説明', dueOn: '2020-01-01' }, 'actions', 400],
      [{ kind: 'nonsense' }, 'actions', 400],
      [{ kind: 'revocation_proposal', reason: '理由', notice: '本文', noticeSentBy: 'not_sent' }, 'actions', 400],
    ];
    for (const [fields, path, status] of cases) {
      const res = await form('a', `/staff/cases/${noLink}/${path}`, fields);
      expect(res.status, JSON.stringify(fields)).toBe(status);
      const text = await res.text();
      expect(text, JSON.stringify(fields)).toContain('flash flash-bad');
      expect(text).toContain('<form'); // the form again
    }
    for (const path of ['/staff/cases/no-such-case', '/staff/cases/%00', '/staff/revocations/nope', '/staff/inquiries/nope']) {
      expect((await clients.a.request(path)).status, path).toBe(404);
    }
    expect((await form('a', '/staff/cases/no-such-case/dismissal', { reason: 'x' })).status).toBe(404);
    expect((await form('a', '/staff/revocations/no-such/approval', {})).status).toBe(404);
  });

  it('escapes what a crawler and a vendor sent', async () => {
    const { noLink } = await openCase({ linkHref: 'https://evil.example/"><script>alert(1)</script>' });
    const page = await html('a', `/staff/cases/${noLink}`);
    expect(page.text).not.toContain('<script>alert(1)</script>');
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('roles and scope, as the staff API', () => {
  it('an auditor reads every screen without a single write control, and every post is 403', async () => {
    const { noLink } = await openCase();
    await form('a', `/staff/cases/${noLink}/actions`, { kind: 'revocation_proposal', reason: 'r' });
    const proposal = (await t.database.db.selectFrom('revocation_proposals').select('id').where('case_id', '=', noLink).executeTakeFirstOrThrow()).id;
    const inquiry = (await receiveInquiry(t.database.db, t.clock, { name: 'n', email: 'e@x.example', subject: 's', body: 'b' })).id;
    for (const path of [
      '/staff/cases',
      `/staff/cases/${noLink}`,
      '/staff/revocations',
      `/staff/revocations/${proposal}`,
      '/staff/inquiries',
      `/staff/inquiries/${inquiry}`,
    ]) {
      const page = await html('auditor', path);
      expect(page.status, path).toBe(200);
      expect(postForms(page.text), path).toEqual(['/staff/sign-out']);
    }
    const csrf = await clients.auditor.csrf();
    for (const path of [
      `/staff/cases/${noLink}/dismissal`,
      `/staff/cases/${noLink}/actions`,
      `/staff/revocations/${proposal}/approval`,
      `/staff/revocations/${proposal}/rejection`,
      `/staff/inquiries/${inquiry}/answer`,
      `/staff/inquiries/${inquiry}/closing`,
    ]) {
      expect((await clients.auditor.request(path, { form: { _csrf: csrf, reason: 'r', kind: 'investigation', answer: 'a' } })).status, path).toBe(403);
    }
  });

  it('a delegate reaches the cases of its services only: any other case is 404 on every route', async () => {
    const own = await openCase({ service: mine });
    const other = await openCase();
    expect((await html('delegate', `/staff/cases/${own.noLink}`)).status).toBe(200);
    const queue = await html('delegate', '/staff/cases');
    expect(queue.text).toContain(own.noLink);
    expect(queue.text).not.toContain(other.noLink);
    const otherPage = await html('a', `/staff/cases/${other.noLink}`);
    const sha = /\/staff\/sighting-images\/([0-9a-f]{64})/.exec(otherPage.text)![1]!;
    await t.database.db.updateTable('sightings').set({ image_sha256: null }).where('service_id', '=', mine.id).execute(); // the same bytes: not seen on the delegate's service now
    expect((await clients.delegate.request(`/staff/sighting-images/${sha}`)).status).toBe(404);
    expect((await html('delegate', `/staff/cases/${other.noLink}`)).status).toBe(404);
    expect((await form('delegate', `/staff/cases/${other.noLink}/dismissal`, { reason: 'x' })).status).toBe(404);
    expect((await form('delegate', `/staff/cases/${other.noLink}/actions`, { kind: 'investigation', subject: 's', dueOn: '2026-04-20' })).status).toBe(404);
    // on its own case the API's role guard holds: a delegate reads, admins and reviewers act
    expect((await form('delegate', `/staff/cases/${own.noLink}/dismissal`, { reason: 'x' })).status).toBe(403);
    expect(postForms((await html('delegate', `/staff/cases/${own.noLink}`)).text)).toEqual(['/staff/sign-out']);
    for (const path of ['/staff/revocations', '/staff/inquiries']) expect((await clients.delegate.request(path)).status, path).toBe(403);
  });
});

describe('four-eyes revocation', () => {
  async function proposed() {
    const { s, noLink } = await openCase();
    const token = ((await (await t.json('POST', `/api/v1/admin/services/${s.number}/tokens`, {})).json()) as { token: string }).token;
    expect((await form('a', `/staff/cases/${noLink}/actions`, { kind: 'revocation_proposal', reason: '改善されない', notice: '' })).status).toBe(303);
    const id = (await t.database.db.selectFrom('revocation_proposals').select('id').where('case_id', '=', noLink).executeTakeFirstOrThrow()).id;
    return { s, noLink, token, id };
  }

  it('the proposer sees no approve control and cannot approve; another admin approves and the mark answers 410', async () => {
    const { s, noLink, token, id } = await proposed();
    expect((await html('b', '/staff/revocations')).text).toContain(`/staff/revocations/${id}`);
    expect((await html('b', '/staff/')).text).toContain(`/staff/revocations/${id}`); // the dashboard names it
    const own = await html('a', `/staff/revocations/${id}`);
    expect(postForms(own.text)).toEqual(['/staff/sign-out', `/staff/revocations/${id}/withdrawal`]);
    expect(own.text).toContain('あなたの提案です');
    expect((await form('a', `/staff/revocations/${id}/approval`, {})).status).toBe(403); // the domain refuses too
    expect(postForms((await html('reviewer', `/staff/revocations/${id}`)).text)).toEqual(['/staff/sign-out']);
    expect((await form('reviewer', `/staff/revocations/${id}/approval`, {})).status).toBe(403);
    expect((await t.app.request(`/mark/${token}.svg`)).status).toBe(200);
    const other = await html('b', `/staff/revocations/${id}`);
    expect(postForms(other.text)).toEqual(['/staff/sign-out', `/staff/revocations/${id}/approval`, `/staff/revocations/${id}/rejection`]);
    const res = await form('b', `/staff/revocations/${id}/approval`, { note: '確認した' });
    expect(res.status).toBe(303);
    expect((await html('b', res.headers.get('location')!)).text).toContain('承認しました');
    expect((await t.app.request(`/mark/${token}.svg`)).status).toBe(410);
    const c = await html('b', `/staff/cases/${noLink}`);
    expect(c.text).toMatch(/イベント #\d+ service\.revoked/);
    expect(c.text).toContain(`/staff/services/${s.number}#timeline-h`);
  });

  it('rejected by another admin with its reason (empty: 400); withdrawn by the proposer', async () => {
    const first = await proposed();
    const empty = await form('b', `/staff/revocations/${first.id}/rejection`, { reason: ' ' });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('flash flash-bad');
    expect((await form('a', `/staff/revocations/${first.id}/rejection`, { reason: 'mine' })).status).toBe(403);
    expect((await form('b', `/staff/revocations/${first.id}/rejection`, { reason: '先に改善要求を' })).status).toBe(303);
    expect((await form('b', `/staff/revocations/${first.id}/rejection`, { reason: 'again' })).status).toBe(409);
    expect((await t.database.db.selectFrom('misuse_cases').select('awaiting').where('id', '=', first.noLink).executeTakeFirstOrThrow()).awaiting).toBeNull();
    const second = await proposed();
    await t.database.db.updateTable('services').set({ name_ja: '<img src=x onerror=alert(1)>' }).where('id', '=', second.s.id).execute();
    const shown = await html('b', `/staff/revocations/${second.id}`);
    expect(shown.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(shown.text).not.toContain('<img src=x');
    expect((await form('b', `/staff/revocations/${second.id}/withdrawal`, {})).status).toBe(403);
    expect((await form('a', `/staff/revocations/${second.id}/withdrawal`, { note: '取り下げ' })).status).toBe(303);
    expect((await html('a', `/staff/revocations?status=withdrawn`)).text).toContain(second.id);
  });
});

describe('the inquiry desk', () => {
  it('lists by status, records the answer, closes; bad input is a 400 page; what the inquirer wrote is escaped', async () => {
    const { id } = await receiveInquiry(t.database.db, t.clock, {
      name: '<i>山田</i>',
      email: 'y@clinic.example',
      subject: '<script>x</script>',
      body: '本文',
    });
    expect((await html('reviewer', '/staff/inquiries?status=new')).text).toContain(`/staff/inquiries/${id}`);
    const page = await html('reviewer', `/staff/inquiries/${id}`);
    expect(page.text).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(page.text).not.toContain('<script>x</script>');
    expect(postForms(page.text)).toEqual(['/staff/sign-out', `/staff/inquiries/${id}/answer`, `/staff/inquiries/${id}/closing`]);
    expect((await form('reviewer', `/staff/inquiries/${id}/answer`, { answer: '' })).status).toBe(400);
    expect((await form('reviewer', `/staff/inquiries/${id}/closing`, { note: '' })).status).toBe(400); // a new inquiry closes only with a reason
    const res = await form('reviewer', `/staff/inquiries/${id}/answer`, { answer: '回答しました' });
    expect(res.status).toBe(303);
    const answered = await html('reviewer', res.headers.get('location')!);
    expect(answered.text).toContain('回答を記録しました');
    expect(answered.text).toContain('回答しました');
    expect((await html('reviewer', '/staff/inquiries?status=answered')).text).toContain(id);
    expect((await html('reviewer', '/staff/inquiries?status=new')).text).not.toContain(id);
    expect((await form('reviewer', `/staff/inquiries/${id}/answer`, { answer: 'again' })).status).toBe(409);
    expect((await form('reviewer', `/staff/inquiries/${id}/closing`, {})).status).toBe(303);
    expect((await html('reviewer', '/staff/inquiries?status=closed')).text).toContain(id);
  });
});

describe('evidence in words', () => {
  const image = { finding: 'recoloured', variant: 'colour', hueShift: 119.6, hueDistance: 120.2, colourDeltaE: 48.25, coverage: 1, aspectRatio: 1 };
  it('says each finding as a sentence with its article, in Japanese and English', () => {
    expect(evidenceWords(['recoloured'], { image }, 'en')).toEqual([
      {
        finding: 'recoloured',
        article: 'Art. 10.5',
        text: 'colour differs from the official mark: hue turned 120°, colour difference ΔE 48.3 (it matches neither the colour nor the monochrome version)',
      },
    ]);
    expect(evidenceWords(['recoloured'], { image }, 'ja')[0]!.text).toContain('色相が120°回転');
    expect(evidenceWords(['partial'], { image: { coverage: 0.6 } }, 'en')[0]!.text).toBe('the mark is cut off: 40 % of it is missing');
    expect(evidenceWords(['partial'], { image: { coverage: 0.6 } }, 'ja')[0]!.text).toBe('標章が欠けています：40 % が表示されていません');
    expect(evidenceWords(['distorted'], { image: { rotationDegrees: -14.6 } }, 'en')[0]!.text).toBe('the mark is distorted: turned -15°');
    expect(evidenceWords(['distorted'], { image: { aspectRatio: 1.3 } }, 'en')[0]!.text).toContain('1.30 times wider');
    expect(evidenceWords(['distorted'], { image: { mirrored: 'left-right', rotationDegrees: 95 } }, 'en')[0]!.text).toBe(
      'the mark is distorted: mirrored left to right',
    );
    expect(evidenceWords(['distorted'], { image: { mirrored: 'top-bottom' } }, 'ja')[0]!.text).toBe('標章が変形されています：上下が反転しています');
    expect(evidenceWords(['distorted'], { image: { overlay: { share: 0.063, region: { left: 26, top: 154, width: 77, height: 52 } } } }, 'en')[0]!.text).toBe(
      'something is drawn over the mark: 6 % of its inside differs from the official mark (26, 154; 77 × 52 px)',
    );
    expect(evidenceWords(['no_link'], { link: { href: null, expected: 'https://c.test/verify/MD-0001-2604' } }, 'en')[0]).toEqual({
      finding: 'no_link',
      article: 'Art. 10.4',
      text: 'the mark links nowhere (it must link to https://c.test/verify/MD-0001-2604)',
    });
    expect(evidenceWords(['no_link'], { link: { href: 'https://x.example/', expected: 'https://c.test/verify/A' } }, 'en')[0]!.text).toBe(
      'the mark links to https://x.example/ instead of https://c.test/verify/A',
    );
    const site = {
      service: { number: 'MD-0001-2604', identifiedBy: 'token', statusAtSeenAt: 'certified' },
      origin: { page: 'https://x.example', registered: ['https://v.example'], onRegistered: false },
    };
    expect(evidenceWords(['wrong_site'], site, 'en')[0]).toMatchObject({
      article: 'Art. 10.2, 10.3',
      text: 'the page https://x.example is not a site registered for the service (registered: https://v.example)',
    });
    expect(evidenceWords(['wrong_site'], { token: { present: true, valid: false, refusal: 'unknown key' }, service: null }, 'en')[0]!.text).toContain(
      'unknown key',
    );
    expect(evidenceWords(['stale'], { service: { statusAtSeenAt: 'expired' } }, 'en')[0]).toMatchObject({
      article: 'Art. 10.6',
      text: expect.stringContaining('(expired)'),
    });
    expect(evidenceWords(['revoked'], {}, 'ja')[0]!.article).toBe('Art. 10.8');
    expect(identifiedWords(site, 'en')).toBe('identified as MD-0001-2604 by the embed token');
  });

  it('never throws on evidence it does not know', () => {
    for (const ev of [null, 42, 'x', [], { image: 'x' }, { image: { coverage: 'a' } }]) {
      for (const f of ['recoloured', 'partial', 'distorted', 'wrong_site', 'no_link', 'stale', 'ok', 'new_kind']) {
        expect(typeof evidenceWords([f], ev, 'en')[0]!.text).toBe('string');
      }
    }
    expect(identifiedWords(null, 'ja')).toBeNull();
  });
});
