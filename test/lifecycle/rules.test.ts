import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../src/domain/lifecycle/application';
import { changeDisclosure } from '../../src/domain/lifecycle/changes';
import { lapse, revoke } from '../../src/domain/lifecycle/closure';
import type { LapseCause, RevocationGround } from '../../src/domain/lifecycle/events';
import { extend, fileRenewal } from '../../src/domain/lifecycle/renewal';
import { servesMark } from '../../src/domain/lifecycle/state';
import { AppError } from '../../src/errors';
import { serviceEvents } from '../../src/repositories/events';
import { disclosureHistory, servicePeriods } from '../../src/repositories/services';
import { lifecycleHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await lifecycleHarness();
});
afterAll(async () => h.close());

const declaration = { usedMarkCorrectly: true, statement: '規程どおり使用しました' };

/** The rejection the rules give: an AppError naming the article. */
async function refusedWith(p: Promise<unknown>, article: string, kind = 'forbidden_transition') {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect(err).toMatchObject({ kind, article });
}

describe('validity (Art. 9.1, Civil Code Arts. 140 and 143, days in Asia/Tokyo)', () => {
  it('a certification made on 2024-04-01 is valid through 2026-04-01 (the first day is not counted)', async () => {
    h.jst('2024-04-01');
    const s = await h.certified();
    expect(s).toMatchObject({ certifiedOn: '2024-04-01', validThrough: '2026-04-01' });
    expect((await servicePeriods(h.database.db, s.id))[0]).toMatchObject({ certified_on: '2024-04-01', valid_through: '2026-04-01' });
  });

  it('a certification made on 2024-02-29 is valid through 2026-02-28', async () => {
    h.jst('2024-02-29');
    expect(await h.certified()).toMatchObject({ certifiedOn: '2024-02-29', validThrough: '2026-02-28' });
  });

  it('counts the day of certification in Japan: 2024-03-31T15:30Z is already 2024-04-01 in Tokyo', async () => {
    h.clock.set('2024-03-31T15:30:00Z');
    expect(await h.certified()).toMatchObject({ certifiedOn: '2024-04-01', validThrough: '2026-04-01' });
  });

  it('serves the mark at 23:59 JST on 2026-04-01 and no longer at 00:00 JST on 2026-04-02 (= 2026-04-01T15:00Z)', async () => {
    h.jst('2024-04-01');
    const { id } = await h.certified();
    const before = await h.statusOn(id, '2026-04-01T23:59:00+09:00');
    const lastMs = await h.statusOn(id, '2026-04-01T14:59:59.999Z');
    const after = await h.statusOn(id, '2026-04-01T15:00:00Z');
    expect([before, servesMark(before)]).toEqual(['certified', true]);
    expect([lastMs, servesMark(lastMs)]).toEqual(['certified', true]);
    expect([after, servesMark(after)]).toEqual(['expired', false]);
  });
});

describe('refusal within one year of a revocation (Art. 8)', () => {
  async function revokedOn(day: string) {
    h.jst('2024-01-10');
    const { id } = await h.certified();
    h.jst(`${day} 09:00`);
    await revoke(h.ctx, id, { ground: 3, reason: 'マークの改変', notice: '書面で通知', noticeSentBy: 'post' });
    return id;
  }

  it('refuses an application filed within one year of the revocation, with that reason, and it cannot then be certified', async () => {
    const id = await revokedOn('2025-04-11');
    h.jst('2026-04-10');
    const r = await apply(h.ctx, id, { documents: ['申請書'], feePaid: true, items: [h.item('service.overview')] });
    expect(r.result).toEqual({ refusedUnderArt8: true });
    const refusal = (await serviceEvents(h.database.db, id)).at(-1)!;
    expect(refusal).toMatchObject({ type: 'service.refused', article: 'Art. 8' });
    expect((refusal.payload as { reason: string }).reason).toContain('within one year');
    expect(await h.statusOn(id, '2026-04-10T12:00:00+09:00')).toBe('refused');
    await refusedWith(h.certify(id), 'Art. 8');
  });

  it('counts the application day itself: a revocation on 2025-04-10 no longer bars an application on 2026-04-10', async () => {
    const id = await revokedOn('2025-04-10');
    h.jst('2026-04-10');
    const r = await apply(h.ctx, id, { documents: ['申請書'], feePaid: true, items: [h.item('service.overview')] });
    expect(r.result).toEqual({ refusedUnderArt8: false });
    expect((await h.certify(id)).result).toMatchObject({ certifiedOn: '2026-04-10' });
  });
});

describe('lapse (Art. 9.2)', () => {
  it.each<LapseCause>(['transfer', 'merger', 'split', 'inheritance'])('a %s ends the certification at once: the mark is no longer served', async (cause) => {
    h.jst('2025-01-10');
    const { id } = await h.certified();
    h.clock.set('2025-06-01T03:00:00.000Z');
    await lapse(h.ctx, id, { cause, note: '事業の承継' });
    expect(await h.statusOn(id, '2025-06-01T02:59:59.999Z')).toBe('certified');
    expect(await h.statusOn(id, '2025-06-01T03:00:00.000Z')).toBe('lapsed');
    expect(servesMark(await h.statusOn(id, '2026-01-01T00:00:00Z'))).toBe(false);
  });

  it('cannot lapse a certification that has already expired', async () => {
    h.jst('2022-01-10');
    const { id } = await h.certified();
    h.jst('2024-02-01');
    await refusedWith(lapse(h.ctx, id, { cause: 'merger', note: '' }), 'Art. 9.2');
  });
});

describe('renewal window (Art. 12.1: from 60 to 30 days before expiry)', () => {
  // Certified 2024-04-01: valid through 2026-04-01.
  it.each([
    [61, '2026-01-30', false],
    [60, '2026-01-31', true],
    [30, '2026-03-02', true],
    [29, '2026-03-03', false],
  ])('a renewal filed %i days before expiry (%s) is %s', async (_days, day, accepted) => {
    h.jst('2024-04-01');
    const { id } = await h.certified();
    h.jst(day);
    const filing = fileRenewal(h.ctx, id, { selfDeclaration: declaration, overrideReason: null });
    if (accepted) {
      await filing;
      expect(await h.statusOn(id, `${day}T12:00:00+09:00`)).toBe('renewal_pending');
    } else {
      await refusedWith(filing, 'Art. 12.1');
    }
  });

  it('accepts a renewal outside the window when staff record an override reason, and keeps the Art. 10.7 self-declaration', async () => {
    h.jst('2024-04-01');
    const { id } = await h.certified();
    h.jst('2025-12-01');
    await fileRenewal(h.ctx, id, { selfDeclaration: declaration, overrideReason: '審査日程の都合' });
    const filed = (await serviceEvents(h.database.db, id)).at(-1)!;
    expect(filed).toMatchObject({ type: 'renewal.filed', payload: { selfDeclaration: declaration, overrideReason: '審査日程の都合' } });
  });

  it('a renewal decided before expiry continues the period from the old last day', async () => {
    h.jst('2024-04-01');
    const { id } = await h.certified();
    h.jst('2026-02-15');
    await fileRenewal(h.ctx, id, { selfDeclaration: declaration, overrideReason: null });
    h.jst('2026-03-20');
    expect((await h.certify(id)).result).toMatchObject({ certifiedOn: '2026-04-01', validThrough: '2028-04-01' });
    expect(await h.statusOn(id, '2026-04-02T00:00:00+09:00')).toBe('certified');
  });
});

describe('extension (Art. 12.2)', () => {
  async function renewalFiled() {
    h.jst('2024-04-01');
    const { id } = await h.certified();
    h.jst('2026-02-15');
    await fileRenewal(h.ctx, id, { selfDeclaration: declaration, overrideReason: null });
    return id;
  }

  it('keeps the mark served past expiry through the extension’s last day, then the certification expires', async () => {
    const id = await renewalFiled();
    h.jst('2026-03-25');
    await extend(h.ctx, id, { until: '2026-05-31', reason: '委員会の開催待ち' });
    expect(await h.statusOn(id, '2026-04-02T00:00:00+09:00')).toBe('renewal_pending');
    expect(servesMark(await h.statusOn(id, '2026-05-31T23:59:00+09:00'))).toBe(true);
    expect(await h.statusOn(id, '2026-06-01T00:00:00+09:00')).toBe('expired');
  });

  it('without an extension a pending renewal does not keep the certification past 2026-04-01', async () => {
    const id = await renewalFiled();
    expect(await h.statusOn(id, '2026-04-01T23:59:00+09:00')).toBe('renewal_pending');
    expect(await h.statusOn(id, '2026-04-02T00:00:00+09:00')).toBe('expired');
  });

  it('cannot revive a certification that has already expired', async () => {
    const id = await renewalFiled();
    h.jst('2026-04-02');
    await refusedWith(extend(h.ctx, id, { until: '2026-05-31', reason: '遅延' }), 'Art. 12.2');
  });

  it('needs a renewal filed: a certified service cannot be extended', async () => {
    h.jst('2024-04-01');
    const { id } = await h.certified();
    h.jst('2026-03-25');
    await refusedWith(extend(h.ctx, id, { until: '2026-05-31', reason: '' }), 'Art. 12.2');
  });

  it('an application after a renewal left undecided at expiry is decided as a new application, not as the old renewal', async () => {
    const id = await renewalFiled();
    h.jst('2026-05-01');
    await apply(h.ctx, id, { documents: ['申請書'], feePaid: true, items: [h.item('service.overview')] });
    const r = await h.certify(id);
    expect((await serviceEvents(h.database.db, id)).at(-1)).toMatchObject({
      type: 'service.certified',
      payload: { kind: 'initial', certifiedOn: '2026-05-01' },
    });
    expect(r.result).toMatchObject({ validThrough: '2028-05-01' });
  });
});

describe('versions of the application content (Art. 13.1)', () => {
  it('each change notice makes a new version; earlier versions and withheld reasons are kept', async () => {
    h.jst('2025-01-10');
    const id = await h.applied([h.item('service.overview'), h.item('security.network', { withheld: true, withheldReason: 'Art. 11.2: 安全上の理由' })]);
    await h.certify(id);
    h.jst('2025-03-01');
    const v2 = await changeDisclosure(h.ctx, id, {
      items: [h.item('service.overview', { valueJa: '新しい概要' }), h.item('security.network', { withheld: true, withheldReason: 'Art. 11.2: 安全上の理由' })],
      note: '概要の変更',
    });
    expect(v2.result).toEqual({ version: 2 });
    expect(v2.events[0]).toMatchObject({ type: 'disclosure.changed', article: 'Art. 13.1', payload: { version: 2, changedKeys: ['service.overview'] } });
    const v3 = await changeDisclosure(h.ctx, id, { items: [h.item('service.overview', { valueJa: '新しい概要' })], note: '項目の削除' });
    expect(v3.events[0]!.payload).toMatchObject({ version: 3, changedKeys: ['security.network'] });
    const history = await disclosureHistory(h.database.db, id);
    expect(history.map((r) => [r.version, r.key, r.value_ja])).toEqual([
      [1, 'service.overview', 'service.overviewの内容'],
      [1, 'security.network', 'security.networkの内容'],
      [2, 'service.overview', '新しい概要'],
      [2, 'security.network', 'security.networkの内容'],
      [3, 'service.overview', '新しい概要'],
    ]);
    expect(history.filter((r) => r.withheld).map((r) => r.withheld_reason)).toEqual(['Art. 11.2: 安全上の理由', 'Art. 11.2: 安全上の理由']);
  });

  it('refuses an item key given twice before writing anything', async () => {
    const id = await h.applied();
    const err = await changeDisclosure(h.ctx, id, { items: [h.item('a'), h.item('a')], note: '' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'invalid', field: 'items.1.key' });
  });
});

describe('revocation grounds (Art. 17.1)', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9] as RevocationGround[])(
    'revokes on ground (%i), records Art. 17.1(%i) and stops the mark at that instant',
    async (ground) => {
      h.jst('2025-01-10');
      const { id } = await h.certified();
      h.clock.set('2025-07-01T05:00:00.000Z');
      const r = await revoke(h.ctx, id, { ground, reason: `事由 ${ground}`, notice: '書面で通知 (Art. 17.2)', noticeSentBy: 'post' });
      expect(r.events[0]).toMatchObject({ type: 'service.revoked', article: `Art. 17.1(${ground})`, payload: { ground, reason: `事由 ${ground}` } });
      expect(servesMark(await h.statusOn(id, '2025-07-01T04:59:59.999Z'))).toBe(true);
      expect(await h.statusOn(id, '2025-07-01T05:00:00.000Z')).toBe('revoked');
    },
  );

  it.each([0, 10, 3.5])('refuses the ground %s, which Art. 17.1 does not have', async (ground) => {
    const { id } = await h.certified();
    const err = await revoke(h.ctx, id, { ground: ground as RevocationGround, reason: '理由', notice: '' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'invalid', field: 'ground', article: 'Art. 17.1' });
  });

  it('cannot revoke what was never certified', async () => {
    const id = await h.applied();
    await refusedWith(revoke(h.ctx, id, { ground: 1, reason: '理由', notice: '' }), 'Art. 17.1');
  });
});

describe('the written notice of a revocation (Art. 17.2)', () => {
  it('records the notice and how it went out only when one was produced', async () => {
    const { id } = await h.certified();
    const r = await revoke(h.ctx, id, { ground: 3, reason: '改変使用', notice: '認定取消通知書', noticeSentBy: 'email' });
    expect(r.events[0]!.payload).toEqual({ ground: 3, reason: '改変使用', notice: '認定取消通知書', noticeSentBy: 'email' });
  });

  it('records that no notice was sent when staff state none, and claims no written notice', async () => {
    const { id } = await h.certified();
    const r = await revoke(h.ctx, id, { ground: 3, reason: '改変使用' });
    expect(r.events[0]!.payload).toEqual({ ground: 3, reason: '改変使用', notice: null, noticeSentBy: 'not_sent' });
    expect(JSON.stringify(r.events[0]!.payload)).not.toContain('書面');
  });

  it('refuses a notice said to be sent without its text, and a text without how it was sent, writing nothing', async () => {
    const { id } = await h.certified();
    await expect(revoke(h.ctx, id, { ground: 3, reason: '改変使用', noticeSentBy: 'post' })).rejects.toMatchObject({
      kind: 'invalid',
      field: 'notice',
      article: 'Art. 17.2',
    });
    await expect(revoke(h.ctx, id, { ground: 3, reason: '改変使用', notice: '通知書' })).rejects.toMatchObject({
      kind: 'invalid',
      field: 'noticeSentBy',
      article: 'Art. 17.2',
    });
    expect(await h.statusOn(id, h.clock.now().toISOString())).toBe('certified');
  });
});

describe('an improvement request follows an investigation (Art. 16.1)', () => {
  it('names an investigation of the same service; another service’s, or none, is refused and writes nothing', async () => {
    const { requestImprovement, requestInvestigation } = await import('../../src/domain/lifecycle/oversight');
    h.jst('2025-01-10');
    const { id } = await h.certified();
    const other = await h.certified();
    const theirs = await requestInvestigation(h.ctx, other.id, { subject: '説明', dueOn: '2025-02-01' });
    const before = (await serviceEvents(h.database.db, id)).length;
    await expect(requestImprovement(h.ctx, id, { investigationId: theirs.id, content: '改善', dueOn: '2025-02-10', publish: false })).rejects.toMatchObject({
      kind: 'unprocessable',
      field: 'investigationId',
      article: 'Art. 16.1',
    });
    await expect(requestImprovement(h.ctx, id, { investigationId: 'none', content: '改善', dueOn: '2025-02-10', publish: false })).rejects.toMatchObject({
      field: 'investigationId',
    });
    expect(await serviceEvents(h.database.db, id)).toHaveLength(before);
    const ours = await requestInvestigation(h.ctx, id, { subject: '説明', dueOn: '2025-02-01' });
    const r = await requestImprovement(h.ctx, id, { investigationId: ours.id, content: '改善', dueOn: '2025-02-10', publish: false });
    expect(r.events[0]!.payload).toMatchObject({ investigationId: ours.id });
  });
});

describe('received and effective dates (issue 12)', () => {
  it('Art. 9.2: a lapse entered late records its effective date, and the mark stops when it is entered', async () => {
    h.jst('2025-01-10');
    const { id } = await h.certified();
    h.jst('2025-06-10 15:00');
    const r = await lapse(h.ctx, id, { cause: 'merger', note: '吸収合併 (6月5日)', effectiveOn: '2025-06-05' });
    expect(r.events[0]!.payload).toMatchObject({ effectiveOn: '2025-06-05' });
    expect(await h.statusOn(id, '2025-06-10T15:00:00+09:00')).toBe('lapsed');
    expect(await h.statusOn(id, '2025-06-10T14:59:59+09:00')).toBe('certified'); // what was served was served
    const { publicServiceView } = await import('../../src/publication/public-service');
    expect((await publicServiceView(h.database.db, id, h.clock))?.lapse).toMatchObject({ on: '2025-06-05', cause: 'merger' });
  });

  it('Art. 9.2: an effective date in the future, or before the service’s last event, is refused and nothing is written', async () => {
    h.jst('2025-01-10');
    const { id } = await h.certified();
    h.jst('2025-06-10');
    const before = (await serviceEvents(h.database.db, id)).length;
    await expect(lapse(h.ctx, id, { cause: 'merger', note: 'n', effectiveOn: '2025-06-11' })).rejects.toMatchObject({ kind: 'invalid', field: 'effectiveOn' });
    await expect(lapse(h.ctx, id, { cause: 'merger', note: 'n', effectiveOn: '2025-01-09' })).rejects.toMatchObject({
      kind: 'invalid',
      field: 'effectiveOn',
      extra: { earliest: '2025-01-10' },
    });
    expect(await serviceEvents(h.database.db, id)).toHaveLength(before);
  });

  it('Art. 12.1: the renewal window is judged on the day the renewal arrived, not the day it was entered', async () => {
    h.jst('2024-04-01');
    const { id, validThrough } = await h.certified();
    const { renewalWindow } = await import('../../src/domain/validity');
    const { addDays } = await import('../../src/domain/calendar');
    const window = renewalWindow(validThrough);
    // the renewal arrived on the window's last day and is entered three days later
    h.jst(addDays(window.closesOn, 3));
    const declaration = { usedMarkCorrectly: true, statement: '適正に使用' };
    await expect(fileRenewal(h.ctx, id, { selfDeclaration: declaration, overrideReason: null })).rejects.toMatchObject({ article: 'Art. 12.1' });
    const r = await fileRenewal(h.ctx, id, { selfDeclaration: declaration, overrideReason: null, receivedOn: window.closesOn });
    expect(r.events[0]!.payload).toMatchObject({ filedOn: window.closesOn });
    expect(await h.statusOn(id, h.clock.now().toISOString())).toBe('renewal_pending');
  });

  it('Art. 12.1: a received date in the future is refused', async () => {
    h.jst('2024-04-01');
    const { id } = await h.certified();
    h.jst('2026-02-10');
    await expect(
      fileRenewal(h.ctx, id, { selfDeclaration: { usedMarkCorrectly: true, statement: 's' }, overrideReason: null, receivedOn: '2026-02-11' }),
    ).rejects.toMatchObject({
      kind: 'invalid',
      field: 'receivedOn',
    });
  });

  it('Art. 8: the one-year look-back runs from the day the application arrived', async () => {
    h.jst('2024-01-10');
    const { id } = await h.certified();
    h.jst('2025-04-11 09:00');
    await revoke(h.ctx, id, { ground: 3, reason: 'マークの改変' });
    h.jst('2026-04-15'); // entered after the year, but it arrived within it
    const r = await apply(h.ctx, id, { documents: ['申請書'], feePaid: true, items: [h.item('service.overview')], receivedOn: '2026-04-09' });
    expect(r.result).toEqual({ refusedUnderArt8: true });
    expect(r.events[0]!.payload).toMatchObject({ appliedOn: '2026-04-09' });
  });
});

describe('Art. 8 applies to the offering, not the database row', () => {
  async function revokedOffering(nameJa: string) {
    const app = await import('../../src/domain/lifecycle/application');
    h.jst('2024-01-10');
    const vendor = await app.registerVendor(h.ctx, { nameJa: '継続性テスト株式会社', nameEn: null, contact: {} });
    const { id } = await app.registerService(h.ctx, { vendorId: vendor.id, nameJa, nameEn: null, origins: [] });
    await apply(h.ctx, id, { documents: ['申請書'], feePaid: true, items: [h.item('service.overview')] });
    await h.certify(id);
    h.jst('2025-04-11 09:00');
    await revoke(h.ctx, id, { ground: 3, reason: 'マークの改変' });
    h.jst('2026-04-01');
    return { app, vendorId: vendor.id, revokedId: id };
  }

  it('asks whether a service of the same vendor with a similar name continues the revoked one (409 listing it), writing nothing', async () => {
    const { app, vendorId, revokedId } = await revokedOffering('メディカルカルテ');
    const before = (await h.database.db.selectFrom('services').select('id').where('vendor_id', '=', vendorId).execute()).length;
    const err = await app.registerService(h.ctx, { vendorId, nameJa: 'メディカル カルテ（クラウド版）', nameEn: null, origins: [] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'conflict', field: 'continues', article: 'Art. 8', extra: { candidates: [expect.objectContaining({ id: revokedId })] } });
    expect((await h.database.db.selectFrom('services').select('id').where('vendor_id', '=', vendorId).execute()).length).toBe(before);
  });

  it('follows the link: an application for the continuing service within the year of the revocation is refused under Art. 8', async () => {
    const { app, vendorId, revokedId } = await revokedOffering('予約システム');
    const { id } = await app.registerService(h.ctx, { vendorId, nameJa: '予約システム', nameEn: null, origins: [], continues: revokedId });
    const r = await apply(h.ctx, id, { documents: ['申請書'], feePaid: true, items: [h.item('service.overview')] });
    expect(r.result).toEqual({ refusedUnderArt8: true });
    expect((await serviceEvents(h.database.db, id))[0]!.payload).toEqual({ vendorId, continues: revokedId });
  });

  it('a new offering confirmed by staff (continues: null) is examined as any other', async () => {
    const { app, vendorId } = await revokedOffering('検査連携');
    const { id } = await app.registerService(h.ctx, { vendorId, nameJa: '検査連携', nameEn: null, origins: [], continues: null });
    const r = await apply(h.ctx, id, { documents: ['申請書'], feePaid: true, items: [h.item('service.overview')] });
    expect(r.result).toEqual({ refusedUnderArt8: false });
  });

  it('does not ask about unrelated names or other vendors, and refuses a link to another vendor’s service (422)', async () => {
    const { app, revokedId } = await revokedOffering('画像保管');
    const other = await app.registerVendor(h.ctx, { nameJa: '別会社', nameEn: null, contact: {} });
    await expect(app.registerService(h.ctx, { vendorId: other.id, nameJa: '画像保管', nameEn: null, origins: [] })).resolves.toMatchObject({
      id: expect.any(String),
    });
    await expect(app.registerService(h.ctx, { vendorId: other.id, nameJa: '画像保管', nameEn: null, origins: [], continues: revokedId })).rejects.toMatchObject(
      {
        kind: 'unprocessable',
        field: 'continues',
      },
    );
  });
});
