import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evidenceWords } from '../../src/console/evidence-words';
import { ok } from '../admin/fixtures';
import { testApp, type TestApp } from '../support/app';
import { certifiedService, crawlerKey, markPng, postSighting, recolouredPng } from '../sightings/support';
import { Client, portalSignIn, vendorPerson, type VendorPerson } from './support';

/**
 * A vendor's misuse case in the portal (issue 15): the finding in words, the page, first and last seen, the
 * status, and the image found beside the official mark; nothing that is staff's own (reasons, history, actors);
 * and nothing of another vendor's service, case or image, on any of the new routes.
 */

let t: TestApp;
let key: string;
let mine: { id: string; number: string; page: string };
let theirs: { id: string; number: string; page: string };
let me: VendorPerson;
let them: VendorPerson;
let myCase: string;
let theirCase: string;
let theirImage: string;

const ADMIN = '/api/v1/admin';
const vendorOf = async (serviceId: string) =>
  (await t.database.db.selectFrom('services').select('vendor_id').where('id', '=', serviceId).executeTakeFirstOrThrow()).vendor_id;
const caseOf = async (serviceId: string) =>
  (await t.database.db.selectFrom('misuse_cases').select('id').where('service_id', '=', serviceId).orderBy('first_seen_at').executeTakeFirstOrThrow()).id;
const imageOf = async (serviceId: string) =>
  (
    await t.database.db
      .selectFrom('sightings')
      .select('image_sha256')
      .where('service_id', '=', serviceId)
      .where('image_sha256', 'is not', null)
      .executeTakeFirstOrThrow()
  ).image_sha256!;

beforeAll(async () => {
  t = await testApp({ now: '2026-04-01T03:00:00Z' });
  key = (await crawlerKey(t)).key;
  mine = await certifiedService(t);
  theirs = await certifiedService(t);
  // the mark without its link on each vendor's own page: a no_link case each (Art. 10.4); theirs recoloured too
  t.clock.advance(60_000);
  expect((await postSighting(t, key, { image: await markPng(), pageUrl: `${mine.page}about?a=1&b=2`, seenAt: t.clock.now().toISOString() })).status).toBe(201);
  expect((await postSighting(t, key, { image: await recolouredPng(), pageUrl: theirs.page, seenAt: t.clock.now().toISOString() })).status).toBe(201);
  t.clock.advance(60_000);
  expect((await postSighting(t, key, { image: await markPng(), pageUrl: `${mine.page}about?a=1&b=2`, seenAt: t.clock.now().toISOString() })).status).toBe(201);
  myCase = await caseOf(mine.id);
  theirCase = await caseOf(theirs.id);
  theirImage = await imageOf(theirs.id);
  me = await vendorPerson(t, await vendorOf(mine.id));
  them = await vendorPerson(t, await vendorOf(theirs.id));
});
afterAll(async () => t?.close());

describe('a vendor’s misuse case with its evidence', () => {
  it('links each case on the service page to its own page', async () => {
    const c = new Client(t);
    await portalSignIn(c, me);
    const html = await (await c.request(`/vendor/services/${mine.number}`)).text();
    expect(html).toContain(`href="/vendor/services/${mine.number}/cases/${myCase}"`);
  });

  it('shows the finding in words, the page, first and last seen, the status, and the image beside the official mark', async () => {
    const c = new Client(t);
    await portalSignIn(c, me);
    const res = await c.request(`/vendor/services/${mine.number}/cases/${myCase}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const row = await t.database.db.selectFrom('sightings').select(['findings', 'evidence']).where('service_id', '=', mine.id).executeTakeFirstOrThrow();
    const sentence = evidenceWords(['no_link'], row.evidence, 'ja')[0]!;
    expect(html).toContain(sentence.text.replace(/&/g, '&amp;'));
    expect(html).toContain('Art. 10.4');
    expect(html).toContain(`${mine.page}about?a=1&amp;b=2`); // the crawler's URL, escaped
    expect(html).toContain('未処理'); // status: open
    expect(html).toMatch(/最初に確認[\s\S]*最後に確認/);
    const img = /<img src="(\/vendor\/services\/[^"]+\/images\/[0-9a-f]{64})" alt="[^"]+" width="192" height="192"/.exec(html);
    expect(img).not.toBeNull();
    expect(html).toMatch(/<img src="\/vendor\/official-mark\.svg\?variant=colour" alt="[^"]+" width="192" height="192"/);
    const image = await c.request(img![1]!);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await image.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    const mark = await c.request('/vendor/official-mark.svg?variant=colour');
    expect(mark.status).toBe(200);
    expect(mark.headers.get('content-type')).toContain('image/svg+xml');
    const en = await (await c.request(`/vendor/services/${mine.number}/cases/${myCase}?lang=en`)).text();
    expect(en).toContain(evidenceWords(['no_link'], row.evidence, 'en')[0]!.text.replace(/&/g, '&amp;'));
  });

  it('keeps to the finding, the evidence and the status: no reason, history or actor of staff', async () => {
    const other = await certifiedService(t);
    t.clock.advance(60_000);
    expect((await postSighting(t, key, { image: await markPng(), pageUrl: other.page, seenAt: t.clock.now().toISOString() })).status).toBe(201);
    const id = await caseOf(other.id);
    await ok(t.json('POST', `${ADMIN}/cases/${id}/dismissal`, { reason: 'スタッフ内部のメモ：事業者には見せない' }));
    const p = await vendorPerson(t, await vendorOf(other.id));
    const c = new Client(t);
    await portalSignIn(c, p);
    const html = await (await c.request(`/vendor/services/${other.number}/cases/${id}`)).text();
    expect(html).toContain('却下'); // the status
    expect(html).not.toContain('スタッフ内部のメモ');
    expect(html).not.toContain('staff:');
    expect(html).not.toMatch(/history-h|timeline|proposals-h/);
  });
});

describe('Art. 20: a vendor user’s reads of its case and the case’s image are audited', () => {
  const entries = async (actor: string) =>
    (await t.database.db.selectFrom('audit_log').select(['action', 'subject']).where('staff_token_id', '=', actor).orderBy('id').execute()).map(
      (r) => `${r.action} ${r.subject}`,
    );

  // people of their own: each may ask for a few sign-in links an hour
  let reader: VendorPerson;
  beforeAll(async () => {
    reader = await vendorPerson(t, me.vendorId);
  });

  it('writes one entry per read, as vendor-user:{id}, with what was read', async () => {
    const c = new Client(t);
    await portalSignIn(c, reader);
    const actor = `vendor-user:${reader.id}`;
    const before = (await entries(actor)).length;
    const image = await imageOf(mine.id);
    expect((await c.request(`/vendor/services/${mine.number}/cases/${myCase}`)).status).toBe(200);
    expect((await c.request(`/vendor/services/${mine.number}/cases/${myCase}/images/${image}`)).status).toBe(200);
    expect((await entries(actor)).slice(before)).toEqual([`read case ${myCase}`, `read sighting image ${image}`]);
  });

  it('writes nothing for a read that is refused (another vendor’s case or image)', async () => {
    const c = new Client(t);
    await portalSignIn(c, reader);
    const actor = `vendor-user:${reader.id}`;
    const before = (await entries(actor)).length;
    expect((await c.request(`/vendor/services/${theirs.number}/cases/${theirCase}`)).status).toBe(404);
    expect((await c.request(`/vendor/services/${mine.number}/cases/${myCase}/images/${theirImage}`)).status).toBe(404);
    expect((await entries(actor)).length).toBe(before);
  });
});

describe('isolation: another vendor’s case and image answer 404 on every new route', () => {
  it('answers 404 for the other vendor’s service, case and image, by any combination', async () => {
    const c = new Client(t);
    await portalSignIn(c, me);
    const myImage = await imageOf(mine.id);
    const paths = [
      `/vendor/services/${theirs.number}/cases/${theirCase}`,
      `/vendor/services/${theirs.id}/cases/${theirCase}`,
      `/vendor/services/${mine.number}/cases/${theirCase}`,
      `/vendor/services/${theirs.number}/cases/${myCase}`,
      `/vendor/services/${mine.number}/cases/no-such-case`,
      `/vendor/services/${theirs.number}/cases/${theirCase}/images/${theirImage}`,
      `/vendor/services/${mine.number}/cases/${theirCase}/images/${theirImage}`,
      `/vendor/services/${mine.number}/cases/${myCase}/images/${theirImage}`,
      `/vendor/services/${mine.number}/cases/${myCase}/images/not-a-hash`,
      `/vendor/services/${theirs.number}/cases/${theirCase}/images/${myImage}`,
    ];
    for (const path of paths) {
      const res = await c.request(path);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).not.toContain(theirs.page);
    }
    // the same routes answer the other vendor's own user
    const d = new Client(t);
    await portalSignIn(d, them);
    expect((await d.request(`/vendor/services/${theirs.number}/cases/${theirCase}`)).status).toBe(200);
    expect((await d.request(`/vendor/services/${theirs.number}/cases/${theirCase}/images/${theirImage}`)).status).toBe(200);
  });

  it('sends a visitor who is not signed in to the sign-in page', async () => {
    const res = await t.app.request(`/vendor/services/${mine.number}/cases/${myCase}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/vendor/login');
  });
});
