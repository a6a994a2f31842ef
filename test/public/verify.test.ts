import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, BASE, type TestApp } from '../support/app';
import { lifecycle, NOW, type World } from './world';

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await testApp({ now: NOW });
  w = await lifecycle(t).everyStatus((status) => ({
    nameJa: `${status}のサービス`,
    nameEn: `${status} service`,
    origins: ['https://vendor.example', 'https://www.vendor.example:8443'],
  }));
});
afterAll(async () => t.close());

const page = async (path: string, headers: Record<string, string> = {}) => {
  const res = await t.app.request(path, { headers });
  return { res, html: await res.text() };
};

describe('GET /verify/{number} (Art. 10.4)', () => {
  it('answers 404 for an unknown number, a malformed one, and services never certified', async () => {
    for (const path of ['/verify/MD-9999-9999', '/verify/not-a-number', '/verify/%3Cscript%3E']) {
      const { res, html } = await page(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(html).not.toContain('script%3E');
      expect(html).not.toContain('<script>');
    }
    // issue 18: a malformed number of any length gets the unknown-number page; only a path past 1,000 characters is refused
    expect((await page(`/verify/${'M'.repeat(65)}`)).res.status).toBe(404);
    expect((await page(`/verify/${'M'.repeat(1001)}`)).res.status).toBe(400);
  });

  it('is in Japanese by default and in English with ?lang=en or Accept-Language: en', async () => {
    const ja = await page(`/verify/${w.certified.number}`);
    expect(ja.res.status).toBe(200);
    expect(ja.html).toContain('<html lang="ja">');
    expect(ja.html).toContain('認定中');
    const en = await page(`/verify/${w.certified.number}?lang=en`);
    expect(en.html).toContain('<html lang="en">');
    expect(en.html).toContain('Certified');
    const accept = await page(`/verify/${w.certified.number}`, { 'Accept-Language': 'en-GB,en;q=0.9,ja;q=0.5' });
    expect(accept.html).toContain('<html lang="en">');
    expect(accept.res.headers.get('content-language')).toBe('en');
    const prefersJa = await page(`/verify/${w.certified.number}`, { 'Accept-Language': 'ja,en;q=0.8' });
    expect(prefersJa.html).toContain('<html lang="ja">');
    expect((await page(`/verify/${w.certified.number}?lang=fr`)).res.status).toBe(400);
  });

  it('says each status in plain words with what it means for the reader', async () => {
    const expectations: [keyof World, string, string][] = [
      ['certified', '認定は2027年6月10日まで有効', 'valid through 10 June 2027'],
      ['renewal_pending', '更新が申請され、審査中', 'A renewal has been filed'],
      ['extended', '2026年6月30日まで継続', 'in force until 30 June 2026'],
      ['expired', '2025年7月1日をもって有効期間が満了', 'expired at the end of 1 July 2025'],
      ['revoked', '2026年3月1日に取り消されました', 'revoked on 1 March 2026'],
      ['terminated', '2026年2月1日に終了しました', 'ended on 1 February 2026'],
      ['lapsed', '2026年3月10日に効力を失いました', 'lapsed on 10 March 2026'],
    ];
    for (const [key, ja, en] of expectations) {
      const number = (w[key] as { number: string }).number;
      expect((await page(`/verify/${number}`)).html, key).toContain(ja);
      expect((await page(`/verify/${number}?lang=en`)).html, key).toContain(en);
    }
  });

  it('shows the revocation ground and reason (Art. 17.3)', async () => {
    const { html } = await page(`/verify/${w.revoked.number}`);
    expect(html).toContain('第17条第1項第3号');
    expect(html).toContain('認定マークを改変して使用した');
    expect(html).not.toContain('書面で通知した');
  });

  it('shows the official mark only while it is served (Art. 10.1), with the service name and number beside it (10.3)', async () => {
    for (const key of ['certified', 'renewal_pending', 'extended'] as const) {
      const { html } = await page(`/verify/${w[key].number}`);
      expect(html, key).toMatch(/<figure class="mark"><svg role="img" aria-label="公式の認定マーク"/);
      expect(html).toMatch(new RegExp(`<figcaption>.*${w[key].number}.*</figcaption>`));
    }
    for (const key of ['expired', 'revoked', 'terminated', 'lapsed'] as const) {
      const { html } = await page(`/verify/${w[key].number}`);
      expect(html, key).not.toContain('<svg');
      expect(html).toContain('認定マークは表示されません');
    }
  });

  it('says whether the site the reader came from is registered for the service', async () => {
    const url = `/verify/${w.certified.number}`;
    const registered = await page(url, { Referer: 'https://www.vendor.example:8443/products/emr?x=1' });
    expect(registered.html).toContain(
      'www.vendor.example:8443 から来られました。このサイトは、このサービスの認定マークを表示できるサイトとして登録されています。',
    );
    const other = await page(`${url}?lang=en`, { Referer: 'https://vendor.example.evil.test/' });
    expect(other.html).toContain('You came from vendor.example.evil.test: not registered for this service. This mark may be misused.');
    expect(other.html).toContain(`/inquiry?service=${w.certified.number}&amp;topic=misuse`);
    const none = await page(url);
    expect(none.html).not.toContain('referer-h');
    const ours = await page(url, { Referer: `${BASE}/registry` });
    expect(ours.html).not.toContain('referer-h');
    const junk = await page(url, { Referer: 'javascript:alert(1)' });
    expect(junk.html).not.toContain('referer-h');
  });

  it('warns that a registered site may not show the mark once the certification is not valid', async () => {
    const { html } = await page(`/verify/${w.revoked.number}?lang=en`, { Referer: 'https://vendor.example/' });
    expect(html).toContain('You came from vendor.example: registered for this service while the certification was valid.');
    expect(html).toContain('the mark must not be displayed on any site');
    // issue 18: nothing on a dead certification's page says a site "may display" the mark
    expect(html).not.toMatch(/may display/);
    const ja = (await page(`/verify/${w.revoked.number}`, { Referer: 'https://vendor.example/' })).html;
    expect(ja).toContain('vendor.example から来られました。このサイトは、この認定が有効だった間に登録されていたサイトです。');
    expect(ja).not.toContain('表示できるサイトとして登録されています');
  });

  it('shows the registered origins, the dates in JST, the check time and the report link', async () => {
    const { html } = await page(`/verify/${w.certified.number}`);
    expect(html).toContain('https://vendor.example');
    expect(html).toContain('https://www.vendor.example:8443');
    expect(html).toContain('<time datetime="2025-06-10">2025年6月10日</time>');
    expect(html).toContain('<time datetime="2026-04-01T12:00:00+09:00">2026年4月1日 12:00（日本時間）</time>');
    expect(html).toContain('不正使用の疑いを報告する');
  });

  it('carries JSON-LD, a Link header to the JSON and the service feed, and a <link> to the JSON', async () => {
    const { res, html } = await page(`/verify/${w.certified.number}`);
    expect(res.headers.get('link')).toBe(
      `<${BASE}/api/v1/services/${w.certified.number}>; rel="alternate"; type="application/json", ` +
        `<${BASE}/verify/${w.certified.number}/feed.atom>; rel="alternate"; type="application/atom+xml"`,
    );
    expect(html).toContain(`<link rel="alternate" type="application/json" href="/api/v1/services/${w.certified.number}"`);
    const ld = JSON.parse(/<script type="application\/ld\+json">(.*?)<\/script>/.exec(html)![1]!);
    expect(ld).toMatchObject({
      '@type': 'Certification',
      certificationIdentification: w.certified.number,
      certificationStatus: 'https://schema.org/CertificationActive',
      expires: '2027-06-10',
    });
  });

  it('has a public timeline: certified, extension, expiry, revocation, termination, lapse', async () => {
    expect((await page(`/verify/${w.extended.number}`)).html).toContain('更新の決定まで認定の効力を2026年6月30日まで継続');
    expect((await page(`/verify/${w.expired.number}`)).html).toContain('有効期間が満了（2025年7月1日まで有効）');
    expect((await page(`/verify/${w.terminated.number}`)).html).toContain('サービス提供終了の届出により認定が終了');
    expect((await page(`/verify/${w.lapsed.number}?lang=en`)).html).toContain('Certification lapsed through a merger');
  });

  it('is served with the strict CSP, never framed, and works without script', async () => {
    const { res, html } = await page(`/verify/${w.certified.number}`);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(html.match(/<script(?![^>]*application\/ld\+json)/g)).toBeNull();
    expect(html).not.toMatch(/\sstyle=/);
  });
});

describe('GET /verify/{number}/qr.svg (Art. 10.1, print): one QR code, at /qr/{number}.svg', () => {
  it('redirects to /qr/{number}.svg for every certified number, 404 otherwise', async () => {
    const res = await t.app.request(`/verify/${w.revoked.number}/qr.svg`);
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe(`/qr/${w.revoked.number}.svg`);
    const qr = await t.app.request(res.headers.get('location')!);
    expect(qr.headers.get('content-type')).toContain('image/svg+xml');
    expect(await qr.text()).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect((await t.app.request('/verify/MD-9999-9999/qr.svg')).status).toBe(404);
  });
});

describe('renewal dating on the verification page (Art. 12.3, 9.1)', () => {
  it('says a renewal decided before expiry is counted from the old valid-through date, and says nothing for a first period', async () => {
    const life = lifecycle(t);
    const s = await life.certified({ nameJa: '更新済みサービス', certifiedOn: '2024-05-01' });
    life.at('2026-03-10T01:00:00Z');
    const { fileRenewal } = await import('../../src/domain/lifecycle/renewal');
    const { decide } = await import('../../src/domain/lifecycle/application');
    await fileRenewal(life.ctx, s.id, { selfDeclaration: { usedMarkCorrectly: true, statement: '正しく使用しました' }, overrideReason: null });
    life.at('2026-03-25T01:00:00Z');
    await decide(life.ctx, s.id, { outcome: 'certify', notice: '更新を認定しました', reason: null, committeeOpinion: null, decidedOn: null });
    life.at(NOW);
    const ja = await page(`/verify/${s.number}`);
    expect(ja.html).toContain('前の有効期間の満了日から起算');
    expect(ja.html).toContain('2026年5月1日から2028年5月1日まで');
    expect((await page(`/verify/${s.number}?lang=en`)).html).toContain('counted from the last day of the previous period');
    expect((await page(`/verify/${w.certified.number}`)).html).not.toContain('前の有効期間の満了日から起算');
  });
});
