import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestImprovement, requestInvestigation } from '../../src/domain/lifecycle/oversight';
import { testApp, BASE, type TestApp } from '../support/app';
import { lifecycle, NOW, type World } from './world';

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await testApp({ now: NOW });
  const life = lifecycle(t);
  w = await life.everyStatus((status) => ({ nameJa: `${status}のサービス`, nameEn: `${status} service` }));
  life.at('2026-03-05T01:00:00Z');
  await requestImprovement(life.ctx, w.certified.id, {
    investigationId: (await requestInvestigation(life.ctx, w.certified.id, { subject: '標章の使用について', dueOn: '2026-05-01' })).id,
    content: '公表された改善要請の本文',
    dueOn: '2026-05-01',
    publish: true,
  });
  await requestImprovement(life.ctx, w.certified.id, {
    investigationId: (await requestInvestigation(life.ctx, w.certified.id, { subject: '標章の使用について', dueOn: '2026-05-01' })).id,
    content: '公表されない改善要請の本文',
    dueOn: '2026-05-01',
    publish: false,
  });
  life.at(NOW);
  await t.database.db
    .insertInto('delegates')
    .values([
      {
        id: 'd1',
        name_ja: '一般社団法人 審査支援機構',
        name_en: 'Review Support Association',
        scope_ja: '書類審査の事務',
        scope_en: 'document review',
        delegated_on: '2025-04-01',
        ended_on: null,
      },
      { id: 'd2', name_ja: '旧委託先株式会社', name_en: null, scope_ja: '現地調査', scope_en: null, delegated_on: '2023-04-01', ended_on: '2025-03-31' },
    ])
    .execute();
});
afterAll(async () => t.close());

const html = async (path: string) => {
  const res = await t.app.request(path);
  return { res, text: await res.text() };
};
const section = (page: string, id: string) => {
  const start = page.indexOf(`aria-labelledby="${id}-h"`);
  return page.slice(start, page.indexOf('</section>', start));
};

describe('GET / (the front page)', () => {
  it('sends a visitor to the public registry, keeping the language asked for', async () => {
    const plain = await t.app.request('/');
    expect(plain.status).toBe(302);
    expect(plain.headers.get('location')).toBe('/registry');
    const english = await t.app.request('/?lang=en');
    expect(english.headers.get('location')).toBe('/registry?lang=en');
    expect((await t.app.request(english.headers.get('location')!)).status).toBe(200);
  });
});

describe('GET /registry (Arts. 11, 16.2, 17.3, 19.2)', () => {
  it('lists the services in force by default, and each section of the rules', async () => {
    const { res, text } = await html('/registry');
    expect(res.status).toBe(200);
    const results = section(text, 'results');
    for (const key of ['certified', 'renewal_pending', 'extended'] as const) expect(results).toContain(w[key].number);
    expect(results).not.toContain(w.expired.number);
    expect(section(text, 'expired')).toContain(w.expired.number);
    expect(section(text, 'revocations')).toContain('認定マークを改変して使用した');
    expect(section(text, 'improvements')).toContain('公表された改善要請の本文');
    expect(text).not.toContain('公表されない改善要請の本文');
    expect(section(text, 'ended')).toContain(w.terminated.number);
    expect(section(text, 'ended')).toContain(w.lapsed.number);
    const delegates = section(text, 'delegates');
    expect(delegates).toContain('一般社団法人 審査支援機構');
    expect(delegates).toContain('委託終了: 2025年3月31日');
  });

  it('searches and filters with a plain GET form', async () => {
    const { text } = await html('/registry');
    expect(text).toMatch(/<form class="search" method="get" action="\/registry" role="search">/);
    const found = section((await html(`/registry?q=${encodeURIComponent('revoked service')}&status=all`)).text, 'results');
    expect(found).toContain(w.revoked.number);
    expect(found).toContain('1件');
    expect(section((await html('/registry?status=lapsed&lang=en')).text, 'results')).toContain(w.lapsed.number);
    expect(section((await html('/registry?q=nothing-matches')).text, 'results')).toContain('該当する認定サービスはありません。');
  });

  it('keeps the search in the language switch and paging links', async () => {
    const { text } = await html(`/registry?q=service&status=all`);
    expect(text).toContain('href="/registry?q=service&amp;status=all&amp;lang=en"');
  });

  it('answers bad queries with a 400 page that does not repeat them', async () => {
    for (const q of ['status=%3Cscript%3E', 'after=not-a-cursor', `q=${'x'.repeat(201)}`, 'lang=xx']) {
      const { res, text } = await html(`/registry?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(text).not.toContain('<script>');
      expect(text).not.toContain('not-a-cursor');
    }
  });
});

describe('GET /registry.csv', () => {
  it('is UTF-8 CSV with a BOM, one row per public service, the same facts as the JSON', async () => {
    const res = await t.app.request('/registry.csv');
    expect(res.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    const lines = text.trim().split('\r\n');
    expect(lines).toHaveLength(8);
    const revoked = lines.find((l) => l.includes(w.revoked.number))!;
    expect(revoked).toContain('"revoked","false"');
    expect(revoked).toContain('"2026-03-01","3","認定マークを改変して使用した"');
    expect(lines.find((l) => l.includes(w.extended.number))).toContain('"2026-06-30"');
    expect((await t.app.request('/registry.csv?status=expired')).status).toBe(200);
    expect((await t.app.request('/registry.csv?status=nope')).status).toBe(400);
  });
});

describe('GET /registry.atom', () => {
  it('is an Atom feed of status changes, newest first, with stable ids', async () => {
    const res = await t.app.request('/registry.atom');
    expect(res.headers.get('content-type')).toContain('application/atom+xml');
    const xml = await res.text();
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom"/);
    const updated = [...xml.matchAll(/<entry>.*?<updated>(.*?)<\/updated>/g)].map((m) => m[1]!);
    expect(updated).toEqual([...updated].sort().reverse());
    expect(xml).toContain(`<id>tag:certmark.test,2026:${w.revoked.number}/revoked@2026-03-01T01:00:00.000Z</id>`);
    expect(xml).toContain('<category term="expired"/>');
    expect(xml).toContain('<category term="improvement_published"/>');
    expect(xml).toContain(`href="${BASE}/verify/${w.lapsed.number}"`);
    expect(xml).not.toContain('公表されない改善要請の本文');
    expect(await (await t.app.request('/registry.atom?lang=en')).text()).toContain('xml:lang="en"');
  });
});
