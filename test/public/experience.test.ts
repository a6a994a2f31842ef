import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, FICTIONAL_CERTIFIER, loadConfig } from '../../src/config';
import { STATUS_TERMS } from '../../src/views/vocabulary';
import { TEXT } from '../../widget/src/text';
import { BASE, testApp, type TestApp } from '../support/app';
import { lifecycle, NOW, type World } from './world';

/** Issue 18: who certifies, what a wrong number means, ended certifications, one vocabulary, watching a vendor. */
const REAL = {
  CERTMARK_CERTIFIER_NAME_JA: '一般社団法人テスト認定協会',
  CERTMARK_CERTIFIER_NAME_EN: 'Test Certification Association',
  CERTMARK_CERTIFIER_ADDRESS_JA: '東京都港区試験1-1',
  CERTMARK_CERTIFIER_ADDRESS_EN: '1-1 Shiken, Minato-ku, Tokyo',
  CERTMARK_CERTIFIER_EMAIL: 'desk@assoc.example',
  CERTMARK_CERTIFIER_URL: 'https://assoc.example/',
};

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await testApp({ now: NOW });
  w = await lifecycle(t).everyStatus((status) => ({ nameJa: `${status}のサービス`, nameEn: `${status} service`, origins: ['https://vendor.example'] }));
});
afterAll(async () => t.close());

const get = async (path: string) => {
  const res = await t.app.request(path);
  return { res, body: await res.text() };
};
const jsonLd = (html: string) => JSON.parse(/<script type="application\/ld\+json">(.*?)<\/script>/.exec(html)![1]!);
const ENDED = ['expired', 'revoked', 'terminated', 'lapsed'] as const;
const IN_FORCE = ['certified', 'renewal_pending', 'extended'] as const;

describe('who certifies (issue 18)', () => {
  it('is configured once: the demo body is plainly fictional; a real body needs its address, e-mail and URL', () => {
    const demo = loadConfig({}).certifier;
    expect(demo).toEqual(FICTIONAL_CERTIFIER);
    expect(demo.fictional).toBe(true);
    expect(demo.name.ja).toContain('架空');
    expect(demo.name.en).toContain('Fictional');
    expect(demo.email.endsWith('.example')).toBe(true);
    const real = loadConfig(REAL).certifier;
    expect(real).toMatchObject({
      name: { ja: REAL.CERTMARK_CERTIFIER_NAME_JA, en: REAL.CERTMARK_CERTIFIER_NAME_EN },
      email: REAL.CERTMARK_CERTIFIER_EMAIL,
      fictional: false,
    });
    expect(() => loadConfig({ CERTMARK_CERTIFIER_NAME_JA: '名前だけの機関' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...REAL, CERTMARK_CERTIFIER_LOGO: '/tmp/logo.gif' })).toThrow(ConfigError);
  });

  it.each(['ja', 'en'] as const)('is named with address, contact and site on every public page (%s)', async (lang) => {
    const c = FICTIONAL_CERTIFIER;
    const paths = [
      `/verify/${w.certified.number}?lang=${lang}`,
      `/verify/${w.revoked.number}?lang=${lang}`,
      `/verify/MD-9999-9999?lang=${lang}`,
      `/verify/not-a-number?lang=${lang}`,
      `/registry?lang=${lang}`,
      `/inquiry?lang=${lang}`,
      `/inquiry/received?lang=${lang}`,
      `/registry?after=not-a-cursor&lang=${lang}`,
    ];
    for (const path of paths) {
      const { body } = await get(path);
      expect(body, path).toContain(`<h2 id="certifier-h">${lang === 'ja' ? '認定機関' : 'Certification body'}</h2>`);
      expect(body, path).toContain(`<p class="certifier-name">${c.name[lang]}</p>`);
      expect(body, path).toContain(c.address[lang]);
      expect(body, path).toContain(`<a href="mailto:${c.email}">${c.email}</a>`);
      expect(body, path).toContain(`<a href="${c.url}">${c.url}</a>`);
    }
  });

  it('is the issuer of the JSON-LD Certification, and the verification page names it beside the scheme', async () => {
    const { body } = await get(`/verify/${w.certified.number}?lang=en`);
    expect(jsonLd(body)).toMatchObject({
      '@type': 'Certification',
      name: '医療情報ASP・SaaS 情報開示認定',
      issuedBy: { '@type': 'Organization', name: FICTIONAL_CERTIFIER.name.ja, alternateName: FICTIONAL_CERTIFIER.name.en, url: FICTIONAL_CERTIFIER.url },
    });
    expect(body).toContain(`<dt>Certification body</dt><dd><a href="${FICTIONAL_CERTIFIER.url}">${FICTIONAL_CERTIFIER.name.en}</a>`);
  });

  it('shows a configured body and its logo, served from the configured file', async () => {
    const { writeFile, mkdtemp } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'certmark-logo-'));
    const logo = join(dir, 'logo.svg');
    await writeFile(logo, '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    const real = await testApp({ now: NOW, config: { certifier: loadConfig({ ...REAL, CERTMARK_CERTIFIER_LOGO: logo }).certifier } });
    try {
      const html = await (await real.app.request('/registry?lang=en')).text();
      expect(html).toContain('<img class="certifier-logo" src="/assets/certifier-logo" alt="Logo of Test Certification Association"');
      expect(html).toContain('1-1 Shiken, Minato-ku, Tokyo');
      expect(html).not.toContain('Fictional');
      const res = await real.app.request('/assets/certifier-logo');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/svg+xml');
      expect(await res.text()).toContain('<svg');
    } finally {
      await real.close();
    }
    expect((await t.app.request('/assets/certifier-logo')).status).toBe(404);
  });
});

describe('unknown and malformed numbers (issue 18)', () => {
  it('keeps the 404 and says no certification has the number, that the mark may be counterfeit, and how to report it (ja)', async () => {
    const { res, body } = await get('/verify/MD-9999-9999');
    expect(res.status).toBe(404);
    expect(body).toContain('<h1>この番号の認定はありません</h1>');
    expect(body).toContain('<dd class="number">MD-9999-9999</dd>');
    expect(body).toContain('偽造されたものである可能性があります');
    expect(body).toContain('<a href="/inquiry?service=MD-9999-9999&amp;topic=counterfeit&amp;lang=ja">偽造の疑いを報告する</a>');
  });

  it('says the same in English, and the report link opens a prefilled inquiry', async () => {
    const { res, body } = await get('/verify/MD-9999-9999?lang=en');
    expect(res.status).toBe(404);
    expect(body).toContain('<h1>No certification has this number</h1>');
    expect(body).toContain('that mark may be counterfeit');
    const form = await get('/inquiry?service=MD-9999-9999&topic=counterfeit&lang=en');
    expect(form.body).toContain('value="MD-9999-9999"');
    expect(form.body).toContain('value="A certification mark showing a number that does not exist (suspected counterfeit)"');
  });

  it('treats a malformed number the same, without repeating it', async () => {
    for (const [path, lang] of [
      ['/verify/not-a-number', 'ja'],
      ['/verify/%3Cb%3Ebold?lang=en', 'en'],
      [`/verify/${'9'.repeat(300)}?lang=en`, 'en'],
    ] as const) {
      const { res, body } = await get(path);
      expect(res.status, path).toBe(404);
      expect(body).toContain(lang === 'ja' ? 'この番号の認定はありません' : 'No certification has this number');
      expect(body).toContain(`/inquiry?topic=counterfeit&amp;lang=${lang}`);
      expect(body).not.toContain('not-a-number');
      expect(body).not.toContain('<b>bold');
      expect(body).not.toContain('9999999999');
    }
  });

  it('answers a never-certified service like an unknown number', async () => {
    const id = w.appliedId;
    const row = await t.database.db.selectFrom('services').select('id').where('id', '=', id).executeTakeFirst();
    expect(row).toBeDefined();
    const { res, body } = await get('/verify/MD-0000-0000');
    expect(res.status).toBe(404);
    expect(body).toContain('この番号の認定はありません');
  });
});

describe('ended certifications (issue 18)', () => {
  it.each(ENDED)('%s: no print QR, no "may display", the validity shown as ended (ja and en)', async (status) => {
    for (const lang of ['ja', 'en'] as const) {
      const { body } = await get(`/verify/${w[status].number}?lang=${lang}`);
      expect(body).not.toContain('id="qr-h"');
      expect(body).not.toContain('/qr/');
      expect(body).not.toContain(lang === 'ja' ? '事業者が認定マークを表示できるウェブサイト' : 'where the vendor may display the mark');
      expect(body).not.toContain(lang === 'ja' ? '認定マークを表示できるサイトとして登録されています' : 'may display the mark of this service');
      expect(body).toContain(lang === 'ja' ? '<dt>有効期間（終了）</dt>' : '<dt>Validity period (ended)</dt>');
      expect(body).toContain(lang === 'ja' ? '登録されていたサイト' : 'Formerly registered sites');
    }
    const ja = (await get(`/verify/${w[status].number}`)).body;
    const how = { expired: 'をもって期間満了', revoked: 'に取消し', terminated: 'に提供終了', lapsed: 'に失効' }[status];
    expect(ja).toMatch(new RegExp(`\\d+年\\d+月\\d+日から\\d+年\\d+月\\d+日まで（\\d+年\\d+月\\d+日${how}）`));
  });

  it.each(IN_FORCE)('%s: keeps the print QR and the registered sites where the mark may be displayed', async (status) => {
    const { body } = await get(`/verify/${w[status].number}`);
    expect(body).toContain('id="qr-h"');
    expect(body).toContain('事業者が認定マークを表示できるウェブサイト');
    expect(body).toContain('<dt>有効期間</dt>');
  });
});

describe('one vocabulary (issue 18)', () => {
  it('uses one term per status on the badge, the verification page and the registry filters', async () => {
    for (const lang of ['ja', 'en'] as const) {
      for (const status of ['certified', 'renewal_pending', 'expired', 'revoked', 'terminated', 'lapsed'] as const) {
        expect(TEXT[lang].states[status]).toBe(STATUS_TERMS[lang][status]);
        const number = w[status].number;
        const { body } = await get(`/verify/${number}?lang=${lang}`);
        expect(body, `${status} ${lang}`).toContain(`>${STATUS_TERMS[lang][status]}</span>`);
      }
      const registry = (await get(`/registry?status=all&lang=${lang}`)).body;
      expect(registry).toContain(`>${STATUS_TERMS[lang].renewal_pending}</option>`);
    }
    expect(TEXT.ja.states.renewal_pending).toBe('認定中（更新審査中）');
  });

  it('writes dates one way per language: the badge the way the pages do', () => {
    expect(TEXT.ja.through('2028-12-02')).toBe('2028年12月2日まで有効');
    expect(TEXT.en.through('2028-12-02')).toBe('Valid through 2 December 2028');
  });

  it('keeps ISO dates in the JSON and the CSV', async () => {
    const json = (await (await t.app.request(`/api/v1/services/${w.certified.number}`)).json()) as { validThrough: string };
    expect(json.validThrough).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect((await get('/registry.csv?status=all')).body).toContain(`"${json.validThrough}"`);
  });
});

describe('watching a vendor: the service feed and calendar (issue 18)', () => {
  it('links the feed from the page and announces it in a Link header (ja and en)', async () => {
    for (const lang of ['ja', 'en'] as const) {
      const { res, body } = await get(`/verify/${w.revoked.number}?lang=${lang}`);
      const feed = `/verify/${w.revoked.number}/feed.atom${lang === 'en' ? '?lang=en' : ''}`;
      expect(res.headers.get('link')).toContain(`<${BASE}${feed}>; rel="alternate"; type="application/atom+xml"`);
      expect(body).toContain(`<link rel="alternate" type="application/atom+xml" href="${feed}"`);
      expect(body).toContain(`<a href="${feed}" type="application/atom+xml">`);
      expect(body).toContain(`/verify/${w.revoked.number}/calendar.ics`);
    }
  });

  it('serves the Atom feed of the public history, newest first, with the elements Atom requires', async () => {
    const { res, body } = await get(`/verify/${w.revoked.number}/feed.atom?lang=en`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    expect(body.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">')).toBe(true);
    for (const el of [
      '<id>tag:certmark.test,2026:service/',
      '<title>',
      '<updated>',
      '<author><name>',
      `<link rel="self" type="application/atom+xml" href="${BASE}/verify/`,
    ])
      expect(body).toContain(el);
    const entries = body.split('<entry>').slice(1);
    expect(entries.map((e) => /<category term="([a-z_]+)"\/>/.exec(e)![1])).toEqual(['revoked', 'certified']);
    expect(entries[0]).toContain('<summary>認定マークを改変して使用した</summary>');
    expect((await t.app.request('/verify/MD-9999-9999/feed.atom')).status).toBe(404);
  });

  it('offers the validity and the renewal window as iCalendar (RFC 5545)', async () => {
    const { res, body } = await get(`/verify/${w.certified.number}/calendar.ics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(body.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:')).toBe(true);
    expect(body.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(body.split('\r\n').every((l) => Buffer.byteLength(l) <= 75)).toBe(true);
    const unfolded = body.replace(/\r\n /g, '');
    // certified 2025-06-10, valid through 2027-06-10; renewal window 60 to 30 days before (Art. 12.1)
    expect(unfolded).toContain('DTSTART;VALUE=DATE:20250610\r\nDTEND;VALUE=DATE:20270611');
    expect(unfolded).toContain('DTSTART;VALUE=DATE:20270411\r\nDTEND;VALUE=DATE:20270512');
    expect(unfolded.match(/BEGIN:VEVENT/g)).toHaveLength(2);
    const revoked = (await get(`/verify/${w.revoked.number}/calendar.ics?lang=en`)).body.replace(/\r\n /g, '');
    expect(revoked.match(/BEGIN:VEVENT/g)).toHaveLength(1);
    expect(revoked).toContain('STATUS:CANCELLED');
    expect(revoked).toContain('certification valid');
  });
});

describe('/docs without script (issue 18)', () => {
  it('lists the operations of the OpenAPI document server-side, and cites the documents in the repository', async () => {
    const { res, body } = await get('/docs');
    expect(res.status).toBe(200);
    const doc = (await (await t.app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    for (const path of ['/verify/{number}', '/api/v1/inquiries', '/verify/{number}/feed.atom']) {
      expect(Object.keys(doc.paths)).toContain(path);
      expect(body).toContain(`<code class="p">${path}</code>`);
    }
    expect(body).toContain('<code>docs/CONTRACT.md</code>');
    expect(body).toContain('<code>docs/rules.ja.md</code>');
    expect(body).not.toContain('needs JavaScript');
    expect(body).toContain('<script src="/docs/swagger-ui-bundle.js" defer>');
  });
});
