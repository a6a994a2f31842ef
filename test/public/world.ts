import type { CalendarDate } from '../../src/domain/calendar';
import { apply, decide, registerService, registerVendor } from '../../src/domain/lifecycle/application';
import { lapse, revoke, terminate } from '../../src/domain/lifecycle/closure';
import type { LifecycleContext } from '../../src/domain/lifecycle/context';
import { fileRenewal, extend } from '../../src/domain/lifecycle/renewal';
import type { DisclosureItemInput } from '../../src/repositories/services';
import type { TestApp } from '../support/app';

/** Every test app starts at this instant (2026-04-01 12:00 JST). */
export const NOW = '2026-04-01T03:00:00Z';

export function item(key: string, valueJa: string, options: Partial<DisclosureItemInput> = {}): DisclosureItemInput {
  return {
    key,
    labelJa: `${key} の項目`,
    labelEn: `${key} item`,
    valueJa,
    valueEn: options.valueEn ?? `${valueJa} (en)`,
    withheld: false,
    withheldReason: null,
    ...options,
  };
}

export interface ServiceSpec {
  nameJa?: string;
  nameEn?: string | null;
  vendorJa?: string;
  vendorEn?: string | null;
  contact?: Record<string, unknown>;
  origins?: string[];
  items?: DisclosureItemInput[];
  documents?: string[];
}

/** Drives the real lifecycle operations on the test app's clock, then puts the clock back at NOW. */
export function lifecycle(t: TestApp, now: string = NOW) {
  const ctx: LifecycleContext = { db: t.database.db, clock: t.clock, actor: 'test' };
  const at = (iso: string) => t.clock.set(iso);
  let n = 0;

  async function registered(spec: ServiceSpec = {}) {
    n++;
    const vendor = await registerVendor(ctx, {
      nameJa: spec.vendorJa ?? `テスト事業者${n}`,
      nameEn: spec.vendorEn === undefined ? `Test Vendor ${n}` : spec.vendorEn,
      contact: spec.contact ?? { person: 'テスト 太郎' },
    });
    const service = await registerService(ctx, {
      vendorId: vendor.id,
      nameJa: spec.nameJa ?? `テストサービス${n}`,
      nameEn: spec.nameEn === undefined ? `Test Service ${n}` : spec.nameEn,
      origins: spec.origins ?? ['https://vendor.example'],
    });
    return service.id;
  }

  /** Applies on `appliedAt` and is certified on `certifiedAt` (dates JST, operations at 10:00 JST). */
  async function certified(spec: ServiceSpec & { appliedOn?: CalendarDate; certifiedOn: CalendarDate }) {
    const id = await registered(spec);
    at(`${spec.appliedOn ?? spec.certifiedOn}T01:00:00Z`);
    await apply(ctx, id, { documents: spec.documents ?? ['申請書A', '申請書B'], feePaid: true, items: spec.items ?? [item('overview', '概要です')] });
    at(`${spec.certifiedOn}T01:00:00Z`);
    const r = await decide(ctx, id, { outcome: 'certify', notice: '認定しました', reason: null, committeeOpinion: null, decidedOn: null });
    at(now);
    return { id, number: r.result!.number };
  }

  return {
    ctx,
    at,
    registered,
    certified,
    /** One service in each public status, and two that were never certified. */
    async everyStatus(spec: (status: string) => ServiceSpec = () => ({})) {
      const certifiedNow = await certified({ ...spec('certified'), certifiedOn: '2025-06-10' });
      const pending = await certified({ ...spec('renewal_pending'), certifiedOn: '2024-05-16' });
      at('2026-03-20T01:00:00Z');
      await fileRenewal(ctx, pending.id, { selfDeclaration: { usedMarkCorrectly: true, statement: '正しく使用しました' }, overrideReason: null });
      const extended = await certified({ ...spec('extended'), certifiedOn: '2024-03-20' });
      at('2026-02-10T01:00:00Z');
      await fileRenewal(ctx, extended.id, { selfDeclaration: { usedMarkCorrectly: true, statement: '正しく使用しました' }, overrideReason: null });
      at('2026-03-15T01:00:00Z');
      await extend(ctx, extended.id, { until: '2026-06-30', reason: '審査中' });
      const expired = await certified({ ...spec('expired'), certifiedOn: '2023-07-01' });
      const revoked = await certified({ ...spec('revoked'), certifiedOn: '2025-01-10' });
      at('2026-03-01T01:00:00Z');
      await revoke(ctx, revoked.id, { ground: 3, reason: '認定マークを改変して使用した', notice: '書面で通知した', noticeSentBy: 'post' });
      const terminated = await certified({ ...spec('terminated'), certifiedOn: '2025-02-01' });
      at('2026-02-01T01:00:00Z');
      await terminate(ctx, terminated.id, { certificateReturned: true });
      const lapsed = await certified({ ...spec('lapsed'), certifiedOn: '2025-03-01' });
      at('2026-03-10T01:00:00Z');
      await lapse(ctx, lapsed.id, { cause: 'merger', note: '合併' });
      const appliedId = await registered(spec('applied'));
      at('2026-03-25T01:00:00Z');
      await apply(ctx, appliedId, { documents: ['申請書A'], feePaid: true, items: [item('overview', '審査中の申請')] });
      const refusedId = await registered(spec('refused'));
      await apply(ctx, refusedId, { documents: ['申請書A'], feePaid: true, items: [item('overview', '拒否された申請')] });
      await decide(ctx, refusedId, { outcome: 'refuse', notice: '認定しない', reason: '審査基準に適合しない', committeeOpinion: null, decidedOn: null });
      at(now);
      return { certified: certifiedNow, renewal_pending: pending, extended, expired, revoked, terminated, lapsed, appliedId, refusedId };
    },
  };
}

export type World = Awaited<ReturnType<ReturnType<typeof lifecycle>['everyStatus']>>;
