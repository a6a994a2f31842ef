import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revoke } from '../../src/domain/lifecycle/closure';
import { requestImprovement, requestInvestigation } from '../../src/domain/lifecycle/oversight';
import { testApp, type TestApp } from '../support/app';
import { item, lifecycle, NOW } from './world';

/** Vendor and staff text is data: it renders as text everywhere, whatever it holds. */
const SCRIPT = '<script>alert(1)</script>';
const IMG = '"><img src=x onerror=alert(1)>';
const RLO = 'safe\u202Egnp.exe';
const LONG = `長い${'あ'.repeat(5000)}${'W'.repeat(5000)}`;
const FORMULA = '=HYPERLINK("https://evil.example","click")';

let t: TestApp;
let certified: string;
let revoked: string;
beforeAll(async () => {
  t = await testApp({ now: NOW });
  const life = lifecycle(t);
  const spec = {
    nameJa: `${SCRIPT}${IMG}${RLO}`,
    nameEn: `${IMG}</script>`,
    vendorJa: RLO,
    vendorEn: FORMULA,
    origins: ['https://vendor.example'],
    items: [item('overview', LONG, { labelJa: SCRIPT, valueEn: IMG }), item('bidi', RLO)],
  };
  certified = (await life.certified({ ...spec, certifiedOn: '2025-06-10' })).number;
  const r = await life.certified({ ...spec, certifiedOn: '2025-06-11' });
  revoked = r.number;
  life.at('2026-03-01T01:00:00Z');
  await requestImprovement(life.ctx, r.id, {
    investigationId: (await requestInvestigation(life.ctx, r.id, { subject: '標章の使用について', dueOn: '2026-03-20' })).id,
    content: `${IMG}${SCRIPT}`,
    dueOn: '2026-03-20',
    publish: true,
  });
  await revoke(life.ctx, r.id, { ground: 3, reason: `${SCRIPT}${RLO}`, notice: 'n', noticeSentBy: 'post' });
  life.at(NOW);
});
afterAll(async () => t.close());

const text = async (path: string, lang = 'ja') => (await t.app.request(`${path}${path.includes('?') ? '&' : '?'}lang=${lang}`)).text();

describe('vendor text cannot inject (no XSS, no bidi spoofing, no formula)', () => {
  it('renders <script> and attribute breakouts as text on every page', async () => {
    for (const path of [`/verify/${certified}`, `/verify/${revoked}`, '/registry?status=all', '/registry']) {
      for (const lang of ['ja', 'en']) {
        const html = await text(path, lang);
        expect(html, path).not.toContain('<script>alert');
        expect(html).not.toContain('<img src=x');
        expect(html).not.toMatch(/<[^>]+\sonerror=/);
        if (path.startsWith('/verify') && lang === 'ja') expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      }
    }
  });

  it('keeps JSON-LD a data block: "</script>" in a name cannot end it', async () => {
    const html = await text(`/verify/${certified}`);
    const block = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect(block).not.toContain('<');
    expect(JSON.parse(block).about.name).toBe(`${SCRIPT}${IMG}${RLO}`);
  });

  it('isolates a right-to-left override inside <bdi> so it cannot reorder the page around it', async () => {
    const html = await text(`/verify/${certified}`);
    expect(html).toContain(`<bdi>${RLO}</bdi>`);
    // Outside <bdi> it appears only inside the JSON-LD data block, as data; never in the title.
    const rest = html.replace(/<bdi[^>]*>[^<]*<\/bdi>/g, '').replace(/<script type="application\/ld\+json">[\s\S]*?<\/script>/, '');
    expect(rest).not.toContain('\u202E');
  });

  it('renders a 10 KB string whole, as text', async () => {
    const html = await text(`/verify/${certified}`);
    expect(html).toContain(`<bdi>${LONG}</bdi>`);
  });

  it('keeps JSON exact and the Atom feed well escaped', async () => {
    const json = (await (await t.app.request(`/api/v1/services/${revoked}`)).json()) as { name: { ja: string }; revocation: { reason: string } };
    expect(json.name.ja).toBe(`${SCRIPT}${IMG}${RLO}`);
    expect(json.revocation.reason).toBe(`${SCRIPT}${RLO}`);
    const atom = await text('/registry.atom');
    expect(atom).not.toContain('<script');
    expect(atom).not.toContain('<img');
    expect(atom).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('neutralises a spreadsheet formula in the CSV', async () => {
    const csv = await (await t.app.request('/registry.csv')).text();
    expect(csv).toContain(`"'=HYPERLINK(""https://evil.example"",""click"")"`);
    expect(csv).not.toMatch(/(^|,)"=/m);
  });

  it('sends the strict CSP and frame-ancestors none on every public page', async () => {
    for (const path of [`/verify/${certified}`, '/registry', '/inquiry', '/inquiry/received', '/verify/MD-9999-9999']) {
      const res = await t.app.request(path);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });
});
