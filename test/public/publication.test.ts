import { afterEach, describe, expect, it } from 'vitest';
import { apply, decide } from '../../src/domain/lifecycle/application';
import { changeDisclosure } from '../../src/domain/lifecycle/changes';
import { publishImprovement, requestImprovement, reportEmergency, requestInvestigation } from '../../src/domain/lifecycle/oversight';
import { extend, fileRenewal } from '../../src/domain/lifecycle/renewal';
import { publicServiceView } from '../../src/publication/public-service';
import { decodeCursor, searchRegistry } from '../../src/publication/registry';
import { buildSnapshot, createPublication } from '../../src/publication/snapshot';
import { testApp, type TestApp } from '../support/app';
import { item, lifecycle, NOW } from './world';

let t: TestApp;
afterEach(async () => t?.close());

describe('public status of a service (Arts. 9.1, 11)', () => {
  it('derives each public status from the events, and nothing for services never certified', async () => {
    t = await testApp({ now: NOW });
    const w = await lifecycle(t).everyStatus();
    const status = async (id: string) => (await publicServiceView(t.database.db, id, t.clock))?.status ?? null;
    expect(await status(w.certified.id)).toBe('certified');
    expect(await status(w.renewal_pending.id)).toBe('renewal_pending');
    expect(await status(w.extended.id)).toBe('renewal_pending');
    expect(await status(w.expired.id)).toBe('expired');
    expect(await status(w.revoked.id)).toBe('revoked');
    expect(await status(w.terminated.id)).toBe('terminated');
    expect(await status(w.lapsed.id)).toBe('lapsed');
    expect(await status(w.appliedId)).toBeNull();
    expect(await status(w.refusedId)).toBeNull();
  });

  it('serves the mark only for certified and renewal_pending (Art. 10.1)', async () => {
    t = await testApp({ now: NOW });
    const w = await lifecycle(t).everyStatus();
    for (const [key, served] of [
      ['certified', true],
      ['renewal_pending', true],
      ['extended', true],
      ['expired', false],
      ['revoked', false],
      ['terminated', false],
      ['lapsed', false],
    ] as const) {
      expect((await publicServiceView(t.database.db, w[key].id, t.clock))!.markServed, key).toBe(served);
    }
  });

  it('shows an Art. 12.2 extension with its end, and the renewal filing date', async () => {
    t = await testApp({ now: NOW });
    const w = await lifecycle(t).everyStatus();
    const s = (await publicServiceView(t.database.db, w.extended.id, t.clock))!;
    expect(s.validThrough).toBe('2026-03-20');
    expect(s.inForceThrough).toBe('2026-06-30');
    expect(s.extension).toEqual({ until: '2026-06-30', grantedOn: '2026-03-15' });
    expect(s.renewal).toEqual({ filedOn: '2026-02-10' });
    expect(s.history.map((e) => e.type)).toEqual(['certified', 'extended']);
  });

  it('records the expiry at 00:00 JST after the last valid day (Arts. 9.1, 11.3)', async () => {
    t = await testApp({ now: NOW });
    const w = await lifecycle(t).everyStatus();
    const s = (await publicServiceView(t.database.db, w.expired.id, t.clock))!;
    const expiry = s.history.find((e) => e.type === 'expired')!;
    expect(expiry).toMatchObject({ type: 'expired', lastDay: '2025-07-01', on: '2025-07-02' });
    expect(expiry.at.toISOString()).toBe('2025-07-01T15:00:00.000Z');
    expect(s.expiredAfter).toBe('2025-07-01');
  });

  it('gives the revocation ground and reason but not the written notice (Art. 17.2, 17.3)', async () => {
    t = await testApp({ now: NOW });
    const w = await lifecycle(t).everyStatus();
    const s = (await publicServiceView(t.database.db, w.revoked.id, t.clock))!;
    expect(s.revocation).toMatchObject({ ground: 3, reason: '認定マークを改変して使用した' });
    expect(JSON.stringify(s)).not.toContain('書面で通知した');
  });
});

describe('what stays confidential in the public view (Arts. 11.2, 16.2, 20)', () => {
  it('hides an application under review after an expiry: the public sees the expired certification and its old content', async () => {
    t = await testApp({ now: NOW });
    const life = lifecycle(t);
    const { id } = await life.certified({ certifiedOn: '2023-07-01', items: [item('overview', '旧版の内容')] });
    life.at('2026-03-01T01:00:00Z');
    await apply(life.ctx, id, { documents: ['申請書A'], feePaid: true, items: [item('overview', '再申請中の内容')] });
    life.at(NOW);
    const s = (await publicServiceView(t.database.db, id, t.clock))!;
    expect(s.status).toBe('expired');
    expect(s.disclosure!.items.map((i) => i.value.ja)).toEqual(['旧版の内容']);
    expect(JSON.stringify(s)).not.toContain('再申請中');
    expect(s.history.map((e) => e.type)).toEqual(['certified', 'expired']);
  });

  it('publishes the new content once the new application is certified, without announcing the application', async () => {
    t = await testApp({ now: NOW });
    const life = lifecycle(t);
    const { id } = await life.certified({ certifiedOn: '2023-07-01', items: [item('overview', '旧版の内容')] });
    life.at('2026-03-01T01:00:00Z');
    await apply(life.ctx, id, { documents: ['申請書A'], feePaid: true, items: [item('overview', '新しい内容')] });
    life.at('2026-03-10T01:00:00Z');
    await decide(life.ctx, id, { outcome: 'certify', notice: 'n', reason: null, committeeOpinion: null, decidedOn: null });
    life.at(NOW);
    const s = (await publicServiceView(t.database.db, id, t.clock))!;
    expect(s.status).toBe('certified');
    expect(s.disclosure).toMatchObject({ version: 2, items: [{ value: { ja: '新しい内容' } }] });
    expect(s.history.map((e) => e.type)).toEqual(['certified', 'expired', 'certified']);
  });

  it('lists a change of content as "version N" and never shows a withheld item (Arts. 11.2, 13.1)', async () => {
    t = await testApp({ now: NOW });
    const life = lifecycle(t);
    const { id } = await life.certified({
      certifiedOn: '2025-06-10',
      items: [item('overview', '概要'), item('secret', '秘密の構成', { withheld: true, withheldReason: '安全のため' })],
    });
    life.at('2026-01-10T01:00:00Z');
    await changeDisclosure(life.ctx, id, {
      items: [item('overview', '新しい概要'), item('secret', '新しい秘密', { withheld: true, withheldReason: '安全のため' })],
      note: '概要を変更した（社内メモ）',
    });
    life.at(NOW);
    const s = (await publicServiceView(t.database.db, id, t.clock))!;
    expect(s.disclosure).toEqual({
      version: 2,
      items: [{ key: 'overview', label: { ja: 'overview の項目', en: 'overview item' }, value: { ja: '新しい概要', en: '新しい概要 (en)' } }],
    });
    expect(s.history.find((e) => e.type === 'disclosure_updated')).toMatchObject({ version: 2 });
    const text = JSON.stringify(s);
    for (const secret of ['秘密', '安全のため', '社内メモ', 'secret']) expect(text).not.toContain(secret);
  });

  it('shows improvement requests only once published (Art. 16.2), never investigations or emergencies', async () => {
    t = await testApp({ now: NOW });
    const life = lifecycle(t);
    const { id } = await life.certified({ certifiedOn: '2025-06-10' });
    life.at('2026-02-01T01:00:00Z');
    const hidden = await requestImprovement(life.ctx, id, {
      investigationId: (await requestInvestigation(life.ctx, id, { subject: '標章の使用について', dueOn: '2026-05-01' })).id,
      content: '非公開の改善要請',
      dueOn: '2026-05-01',
      publish: false,
    });
    await requestImprovement(life.ctx, id, {
      investigationId: (await requestInvestigation(life.ctx, id, { subject: '標章の使用について', dueOn: '2026-05-01' })).id,
      content: '公表する改善要請',
      dueOn: '2026-05-01',
      publish: true,
    });
    await requestInvestigation(life.ctx, id, { subject: '調査の対象', dueOn: '2026-05-01' });
    await reportEmergency(life.ctx, id, { kind: 'leak', summary: '漏えいの概要' });
    life.at(NOW);
    let s = (await publicServiceView(t.database.db, id, t.clock))!;
    expect(s.improvements.map((i) => i.content)).toEqual(['公表する改善要請']);
    expect(JSON.stringify(s)).not.toMatch(/非公開の改善要請|調査の対象|漏えいの概要/);
    await publishImprovement(life.ctx, id, hidden.id);
    s = (await publicServiceView(t.database.db, id, t.clock))!;
    expect(s.improvements.map((i) => i.content)).toEqual(['公表する改善要請', '非公開の改善要請']);
  });
});

describe('the registry read model (Art. 11)', () => {
  it('builds every service exactly as publicServiceView does, so HTML, JSON, CSV and feed agree', async () => {
    t = await testApp({ now: NOW });
    const w = await lifecycle(t).everyStatus();
    const snapshot = await buildSnapshot(t.database.db, t.clock.now(), 'k');
    expect(snapshot.services).toHaveLength(7);
    for (const key of ['certified', 'renewal_pending', 'extended', 'expired', 'revoked', 'terminated', 'lapsed'] as const) {
      expect(snapshot.byNumber.get(w[key].number)).toEqual(await publicServiceView(t.database.db, w[key].id, t.clock));
    }
  });

  it('is rebuilt when an event is appended and when the JST day turns, and reused otherwise', async () => {
    t = await testApp({ now: '2026-06-10T14:59:00Z' });
    const life = lifecycle(t, '2026-06-10T14:59:00Z');
    const { id, number } = await life.certified({ certifiedOn: '2024-06-10' });
    const publication = createPublication(t.database, t.clock);
    const first = await publication.snapshot();
    expect(await publication.snapshot()).toBe(first);
    expect(first.byNumber.get(number)!.status).toBe('certified'); // 23:59 JST on the last day
    t.clock.set('2026-06-10T15:00:00Z'); // 00:00 JST the day after
    expect((await publication.service(number))!.status).toBe('expired');
    life.at('2026-06-10T15:00:00Z');
    await requestImprovement(life.ctx, id, {
      investigationId: (await requestInvestigation(life.ctx, id, { subject: '標章の使用について', dueOn: '2026-07-01' })).id,
      content: '公表する',
      dueOn: '2026-07-01',
      publish: true,
    });
    expect((await publication.service(number))!.improvements).toHaveLength(1);
  });

  it('finds services by Japanese or English name, vendor and number, folding full-width letters', async () => {
    t = await testApp({ now: NOW });
    const life = lifecycle(t);
    const a = await life.certified({
      nameJa: 'さくら電子カルテ',
      nameEn: 'Sakura EMR',
      vendorJa: '桜医療株式会社',
      vendorEn: 'Sakura Medical',
      certifiedOn: '2025-06-10',
    });
    const b = await life.certified({
      nameJa: '予約クラウド',
      nameEn: 'Booking Cloud',
      vendorJa: '青空システム',
      vendorEn: 'Aozora Systems',
      certifiedOn: '2025-06-11',
    });
    const snapshot = await buildSnapshot(t.database.db, t.clock.now(), 'k');
    const find = (q: string) => searchRegistry(snapshot, { q, status: 'all', after: null, limit: 10 }).items.map((s) => s.number);
    expect(find('カルテ')).toEqual([a.number]);
    expect(find('booking')).toEqual([b.number]);
    expect(find('ＳＡＫＵＲＡ')).toEqual([a.number]);
    expect(find('青空')).toEqual([b.number]);
    expect(find(b.number.toLowerCase())).toEqual([b.number]);
    expect(find('sakura cloud')).toEqual([]);
    expect(find('cloud aozora')).toEqual([b.number]);
  });

  it('pages by certification number, so a service added meanwhile neither repeats nor skips a row', async () => {
    t = await testApp({ now: NOW });
    const life = lifecycle(t);
    const numbers: string[] = [];
    for (let i = 0; i < 5; i++) numbers.push((await life.certified({ certifiedOn: '2025-06-10' })).number);
    const page = async (after: string | null) =>
      searchRegistry(await buildSnapshot(t.database.db, t.clock.now(), 'k'), { q: null, status: 'all', after, limit: 2 });
    const p1 = await page(null);
    expect(p1.items.map((s) => s.number)).toEqual(numbers.slice(0, 2));
    await life.certified({ certifiedOn: '2025-07-01' });
    const p2 = await page(decodeCursor(p1.next!));
    expect(p2.items.map((s) => s.number)).toEqual(numbers.slice(2, 4));
    const p3 = await page(decodeCursor(p2.next!));
    expect(p3.items.map((s) => s.number)).toEqual([numbers[4], expect.any(String)]);
    expect(p3.total).toBe(6);
  });

  it('filters by status, in_force meaning certified or renewal_pending', async () => {
    t = await testApp({ now: NOW });
    const w = await lifecycle(t).everyStatus();
    const snapshot = await buildSnapshot(t.database.db, t.clock.now(), 'k');
    const only = (status: Parameters<typeof searchRegistry>[1]['status']) =>
      searchRegistry(snapshot, { q: null, status, after: null, limit: 50 })
        .items.map((s) => s.number)
        .sort();
    expect(only('in_force')).toEqual([w.certified.number, w.renewal_pending.number, w.extended.number].sort());
    expect(only('revoked')).toEqual([w.revoked.number]);
    expect(only('all')).toHaveLength(7);
  });
});

describe('a renewal refused after the last day (Art. 12.2)', () => {
  it('ends the extension at the refusal and records the expiry then', async () => {
    t = await testApp({ now: NOW });
    const life = lifecycle(t);
    const { id } = await life.certified({ certifiedOn: '2024-03-20' });
    life.at('2026-02-10T01:00:00Z');
    await fileRenewal(life.ctx, id, { selfDeclaration: { usedMarkCorrectly: true, statement: 's' }, overrideReason: null });
    life.at('2026-03-15T01:00:00Z');
    await extend(life.ctx, id, { until: '2026-06-30', reason: 'r' });
    life.at('2026-03-25T01:00:00Z');
    await decide(life.ctx, id, { outcome: 'refuse', notice: '更新しない', reason: '基準に適合しない', committeeOpinion: null, decidedOn: null });
    life.at(NOW);
    const s = (await publicServiceView(t.database.db, id, t.clock))!;
    expect(s.status).toBe('expired');
    expect(s.history.at(-1)).toMatchObject({ type: 'expired', on: '2026-03-25' });
    expect(JSON.stringify(s)).not.toContain('基準に適合しない');
  });
});
