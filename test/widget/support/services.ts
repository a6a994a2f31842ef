/** Services in each status, made through the real lifecycle operations, and embed tokens for them. */
import { fixedClock } from '../../../src/clock';
import { addDays, jstDate, startOfJstDay } from '../../../src/domain/calendar';
import { apply, decide, registerService, registerVendor } from '../../../src/domain/lifecycle/application';
import { lapse, revoke, terminate } from '../../../src/domain/lifecycle/closure';
import type { LifecycleContext } from '../../../src/domain/lifecycle/context';
import { fileRenewal } from '../../../src/domain/lifecycle/renewal';
import { findService } from '../../../src/repositories/services';
import { issueEmbedToken } from '../../../src/tokens/issue';
import type { Certmark } from './servers';

export type BadgeCase = 'certified' | 'renewal_pending' | 'expired' | 'revoked' | 'terminated' | 'lapsed';

let serial = 0;

/** Operations dated `daysAgo` days before the app's now (10:00 JST that day). */
function at(c: Certmark) {
  const now = c.t.clock.now();
  const clock = fixedClock(now);
  const ctx: LifecycleContext = { db: c.t.database.db, clock, actor: 'test' };
  const on = (daysAgo: number) => clock.set(new Date(startOfJstDay(addDays(jstDate(now), -daysAgo)).getTime() + 10 * 3600_000));
  return { ctx, on, now: () => clock.set(now) };
}

/** A service certified `certifiedDaysAgo` days ago, its badge allowed on `origins`. */
export async function certifiedService(c: Certmark, o: { origins: string[]; certifiedDaysAgo?: number; nameJa?: string; nameEn?: string | null }) {
  const { ctx, on, now } = at(c);
  const days = o.certifiedDaysAgo ?? 100;
  const n = ++serial;
  on(days + 20);
  const vendor = await registerVendor(ctx, { nameJa: '株式会社テストメディカル', nameEn: 'Test Medical Co.', contact: {} });
  const s = await registerService(ctx, {
    vendorId: vendor.id,
    nameJa: o.nameJa ?? `テストカルテ${n}`,
    nameEn: o.nameEn === undefined ? `Test Karte ${n}` : o.nameEn,
    origins: o.origins,
  });
  const items = [
    { key: 'service.overview', labelJa: '概要', labelEn: 'Overview', valueJa: '電子カルテ', valueEn: 'Records', withheld: false, withheldReason: null },
  ];
  await apply(ctx, s.id, { documents: ['申請書A', '申請書B', '登記事項証明書'], feePaid: true, items });
  on(days);
  await decide(ctx, s.id, { outcome: 'certify', notice: '認定 (Art. 6.4)', reason: null, committeeOpinion: null, decidedOn: null });
  now();
  const row = await findService(c.t.database.db, s.id);
  return { id: s.id, number: row!.number! };
}

/** An embed token for the service, issued now, for `origins`. */
export async function tokenFor(c: Certmark, number: string, origins: string[]): Promise<string> {
  const issued = await issueEmbedToken({ db: c.t.database.db, clock: c.t.clock, keys: c.t.deps.keys, base: c.base }, number, { origins });
  return issued.token;
}

/** Revokes the service now (Art. 17.1(3)). */
export async function revokeNow(c: Certmark, id: string) {
  await revoke({ db: c.t.database.db, clock: c.t.clock, actor: 'test' }, id, {
    ground: 3,
    reason: '認定マークの改変使用 (Art. 10.5)',
    notice: '書面にて通知',
    noticeSentBy: 'post',
  });
}

/** A service in status `status` now with a token for `origins` (issued while the service was in force). */
export async function serviceIn(c: Certmark, status: BadgeCase, origins: string[]) {
  const certifiedDaysAgo = status === 'expired' ? 800 : status === 'renewal_pending' ? 730 - 45 : 100;
  const s = await certifiedService(c, { origins, certifiedDaysAgo });
  const token = await tokenFor(c, s.number, origins);
  const ctx = { db: c.t.database.db, clock: c.t.clock, actor: 'test' };
  if (status === 'renewal_pending')
    await fileRenewal(ctx, s.id, { selfDeclaration: { usedMarkCorrectly: true, statement: '規程のとおり使用' }, overrideReason: null });
  if (status === 'revoked') await revokeNow(c, s.id);
  if (status === 'terminated') await terminate(ctx, s.id, { certificateReturned: true });
  if (status === 'lapsed') await lapse(ctx, s.id, { cause: 'merger', note: '吸収合併 (Art. 9.2)' });
  return { ...s, token };
}
