import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dnsTxtValue } from '../../src/origins/challenge';
import { embedSnippet } from '../../src/routes/widget';
import { issueEmbedToken } from '../../src/tokens/issue';
import { certifiedService } from '../admin/fixtures';
import { testApp, type TestApp } from '../support/app';
import { Client, portalSignIn, vendorPerson, type VendorPerson } from './support';

/**
 * Proving the registered sites from the portal (issue 15, Art. 10.2): the vendor adds an origin, certmark gives
 * the challenge, a fixture site on 127.0.0.1 (reached through the test-only allow-list) serves it, "check now"
 * verifies it and the pinned snippet with its SRI hash appears. Wrong content, a redirect, a private address and
 * a timeout are each said in words; dns-01 goes through an injected resolver. No name is resolved for real.
 */
let t: TestApp;
let site: http.Server;
let origin: string;
type Behaviour = (res: http.ServerResponse) => void;
const served = new Map<string, Behaviour>();
let me: VendorPerson;
let them: VendorPerson;
let vendorId: string;
let c: Client;
const txt = new Map<string, string[][]>();

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

beforeAll(async () => {
  site = http.createServer((req, res) => {
    const b = served.get(req.url ?? '');
    if (!b) return res.writeHead(404).end();
    b(res);
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  t = await testApp({ now: '2026-04-01T03:00:00Z', config: { fetch: { allow: [origin] } } });
  // stand in for the resolvers: a private name, and TXT records the test sets; a short deadline for the timeout
  t.deps.siteCheck = {
    fetch: {
      timeoutMs: 400,
      resolve: async (host) => {
        if (host === 'intranet.example.jp') return [{ address: '10.1.2.3', family: 4 }];
        throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      },
    },
    resolveTxt: async (name) => {
      const r = txt.get(name);
      if (!r) throw Object.assign(new Error(`ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
      return r;
    },
  };
  const first = await certifiedService(t, { nameJa: 'サイトのカルテ' });
  vendorId = (await t.database.db.selectFrom('services').select('vendor_id').where('id', '=', first.id).executeTakeFirstOrThrow()).vendor_id;
  me = await vendorPerson(t, vendorId, 'member');
  const theirs = await certifiedService(t, { nameJa: 'よその会社のカルテ' });
  them = await vendorPerson(
    t,
    (await t.database.db.selectFrom('services').select('vendor_id').where('id', '=', theirs.id).executeTakeFirstOrThrow()).vendor_id,
  );
  c = new Client(t);
  expect((await portalSignIn(c, me)).status).toBe(303);
});
afterAll(async () => {
  site.closeAllConnections();
  await new Promise((r) => site.close(r));
  await t?.close();
});

const newService = () => certifiedService(t, { vendorId, nameJa: 'サイトのカルテ' });
const sitesPath = (number: string) => `/vendor/services/${number}/sites`;
const page = async (path: string, client = c) => {
  const res = await client.request(path);
  return { status: res.status, html: await res.text() };
};
const post = async (path: string, form: Record<string, string>, client = c) => {
  const csrf = Client.csrfOf((await page('/vendor/', client)).html);
  return client.request(path, { form: { _csrf: csrf, ...form } });
};
const proofOf = (serviceId: string, o: string) =>
  t.database.db
    .selectFrom('origin_proofs')
    .selectAll()
    .where('service_id', '=', serviceId)
    .where('origin', '=', o)
    .orderBy('requested_at', 'desc')
    .executeTakeFirstOrThrow();

/** Adds the origin, and answers the proof as stored and the page that shows its challenge. */
async function addSite(number: string, serviceId: string, o: string, method = 'http-01') {
  const res = await post(sitesPath(number), { origin: o, method });
  expect(res.status, await res.clone().text()).toBe(303);
  expect(res.headers.get('location')).toContain('m=added');
  return proofOf(serviceId, o);
}

async function checkNow(number: string, proofId: string) {
  const res = await post(`${sitesPath(number)}/proofs/${proofId}/check`, {});
  expect(res.status).toBe(303);
  return (await page(res.headers.get('location')!.split('#')[0]!)).html;
}

const challengePath = (token: string) => `/.well-known/certmark-challenge/${token}`;

describe('http-01 from the portal', () => {
  it('gives the challenge, verifies the served site, and shows the pinned snippet with its SRI hash and a preview', async () => {
    const s = await newService();
    const before = await page(sitesPath(s.number));
    expect(before.status).toBe(200);
    expect(before.html).toContain('https://clinic.example.jp');
    expect(before.html).toContain('書面の申請に基づき登録');
    const p = await addSite(s.number, s.id, origin);
    expect(p.requested_by).toBe(`vendor:${me.id}`);
    const shown = await page(sitesPath(s.number));
    const url = `${origin}${challengePath(p.token)}`;
    expect(shown.html).toContain(url);
    const content = /([\w-]{43}\.[\w-]{43})/.exec(shown.html.slice(shown.html.indexOf(url)))![1]!;
    expect(content.startsWith(`${p.token}.`)).toBe(true);

    served.set(challengePath(p.token), (res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(`${content}\n`));
    const html = await checkNow(s.number, p.id);
    expect(html).toContain('確認できました');
    expect((await proofOf(s.id, origin)).status).toBe('valid');
    // the snippet is the one `certmark token issue` prints, for a token naming this origin alone
    const token = await t.database.db.selectFrom('embed_tokens').selectAll().where('service_id', '=', s.id).executeTakeFirstOrThrow();
    expect(token.origins).toEqual([origin]);
    const snippet = embedSnippet({ base: t.config.publicBaseUrl, token: token.token, number: s.number, bundle: t.deps.widget });
    expect(html).toContain(escapeHtml(snippet));
    expect(html).toContain(`integrity=&quot;${t.deps.widget.integrity}&quot;`);
    expect(html).toContain(`src="${t.config.publicBaseUrl}/badge/${token.token}.svg"`);
    // in English too
    expect((await page(`${sitesPath(s.number)}?lang=en&checked=${p.id}`)).html).toContain('Verified: the site is now one of the registered sites.');
  });

  it('says so in words when the content is wrong, the answer is a redirect to a private address, or no answer comes', async () => {
    const s = await newService();
    const p = await addSite(s.number, s.id, origin);
    served.set(challengePath(p.token), (res) => res.writeHead(200).end('not the key authorization'));
    expect(await checkNow(s.number, p.id)).toContain('URL の内容が確認用の値と違います。');

    served.set(challengePath(p.token), (res) => res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end());
    expect(await checkNow(s.number, p.id)).toContain('リダイレクトはたどりません');

    served.set(challengePath(p.token), () => {}); // never answers
    expect(await checkNow(s.number, p.id)).toContain('5秒以内に応答がありませんでした。');
    expect((await proofOf(s.id, origin)).status).toBe('pending');
  });

  it('refuses a site whose name resolves to a private address, without connecting', async () => {
    const s = await newService();
    const p = await addSite(s.number, s.id, 'https://intranet.example.jp');
    expect(await checkNow(s.number, p.id)).toContain('公開アドレスではないため、接続しませんでした');
  });
});

describe('dns-01 through an injected resolver', () => {
  it('shows the TXT record to add, and verifies the site once it is there', async () => {
    const s = await newService();
    const p = await addSite(s.number, s.id, 'https://dns.example.jp', 'dns-01');
    const html = (await page(sitesPath(s.number))).html;
    expect(html).toContain('_certmark-challenge.dns.example.jp');
    expect(await checkNow(s.number, p.id)).toContain('TXT レコードが見つからないか');
    const value = dnsTxtValue({ serviceId: s.id, origin: 'https://dns.example.jp', token: p.token });
    expect(html).toContain(value);
    txt.set('_certmark-challenge.dns.example.jp', [['unrelated'], [value.slice(0, 20), value.slice(20)]]);
    expect(await checkNow(s.number, p.id)).toContain('確認できました');
    expect((await page(sitesPath(s.number))).html).toContain('dns-01（DNS TXT レコード）');
  });
});

describe('only verified origins go into embed tokens', () => {
  it('refuses an origin whose proof is no longer in force, and takes staff-registered ones', async () => {
    const s = await newService();
    const p = await addSite(s.number, s.id, 'https://dns2.example.jp', 'dns-01');
    txt.set('_certmark-challenge.dns2.example.jp', [[dnsTxtValue({ serviceId: s.id, origin: 'https://dns2.example.jp', token: p.token })]]);
    await checkNow(s.number, p.id);
    const ctx = { db: t.database.db, clock: t.clock, keys: t.deps.keys, base: t.config.publicBaseUrl, actor: 'staff:test' };
    expect((await issueEmbedToken(ctx, s.id, { origins: ['https://dns2.example.jp'] })).origins).toEqual(['https://dns2.example.jp']);
    // a proof that lapsed while the site stayed listed (a certification whose sites can no longer change)
    await t.database.db.updateTable('origin_proofs').set({ status: 'lapsed' }).where('id', '=', p.id).execute();
    await expect(issueEmbedToken(ctx, s.id, { origins: ['https://dns2.example.jp'] })).rejects.toMatchObject({ kind: 'unprocessable', article: 'Art. 10.2' });
    expect((await issueEmbedToken(ctx, s.id, {})).origins).toEqual(['https://clinic.example.jp']);
    expect((await page(sitesPath(s.number))).html).toContain('確認が切れています');
  });
});

describe('isolation and bad input', () => {
  it('answers 404 to another vendor’s user on every route', async () => {
    const s = await newService();
    const p = await addSite(s.number, s.id, 'https://iso.example.jp');
    const other = new Client(t);
    expect((await portalSignIn(other, them)).status).toBe(303);
    expect((await page(sitesPath(s.number), other)).status).toBe(404);
    expect((await page(sitesPath(s.id), other)).status).toBe(404);
    expect((await post(sitesPath(s.number), { origin: 'https://x.example.jp', method: 'http-01' }, other)).status).toBe(404);
    expect((await post(`${sitesPath(s.number)}/proofs/${p.id}/check`, {}, other)).status).toBe(404);
    expect((await post(`${sitesPath(s.number)}/tokens`, { origin: 'https://clinic.example.jp' }, other)).status).toBe(404);
    expect((await post(`${sitesPath(s.number)}/integration-checks`, { pageUrl: 'https://clinic.example.jp/' }, other)).status).toBe(404);
    // a proof of another service, through one's own service
    const mine = await newService();
    expect((await post(`${sitesPath(mine.number)}/proofs/${p.id}/check`, {})).status).toBe(404);
    expect((await proofOf(s.id, 'https://iso.example.jp')).checks).toBe(0);
  });

  it('answers 400, never 500, to bad input', async () => {
    const s = await newService();
    for (const form of [
      { origin: 'not an origin', method: 'http-01' },
      { origin: 'https://ok.example.jp', method: 'tls-alpn-01' },
      { origin: 'http://plain.example.jp', method: 'http-01' },
      { origin: 'https://with.example.jp/path?q', method: 'dns-01' },
      { origin: 'x'.repeat(5000), method: 'http-01' },
      { origin: '', method: '' },
    ]) {
      const res = await post(sitesPath(s.number), form);
      expect(res.status, JSON.stringify(form).slice(0, 80)).toBe(400);
      expect(await res.text()).toContain('class="flash flash-bad"');
    }
    for (const pageUrl of ['nonsense', 'javascript:alert(1)', 'https://unverified.example.jp/', '']) {
      expect((await post(`${sitesPath(s.number)}/integration-checks`, { pageUrl })).status, pageUrl).toBe(400);
    }
    expect((await post(`${sitesPath(s.number)}/tokens`, { origin: 'https://unverified.example.jp' })).status).toBe(404);
    expect((await post(`${sitesPath(s.number)}/proofs/${'z'.repeat(300)}/check`, {})).status).toBe(404);
    expect((await page(`${sitesPath('%E0%A4%A')}`)).status).toBe(404);
  });
});
