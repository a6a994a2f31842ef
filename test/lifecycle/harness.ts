import { fixedClock } from '../../src/clock';
import type { Database } from '../../src/db/database';
import { apply, decide, registerService, registerVendor } from '../../src/domain/lifecycle/application';
import type { LifecycleContext } from '../../src/domain/lifecycle/context';
import { statusAt } from '../../src/domain/lifecycle/state';
import type { DisclosureItemInput } from '../../src/repositories/services';
import { serviceEvents } from '../../src/repositories/events';
import { testDatabase } from '../support/db';

/** The lifecycle commands on a real database with a clock the test sets: what each rule test needs. */
export async function lifecycleHarness() {
  const database: Database = await testDatabase();
  const clock = fixedClock('2024-01-01T01:00:00Z');
  const ctx: LifecycleContext = { db: database.db, clock, actor: 'rule-test' };
  /** Sets the clock to a wall-clock time in Japan, e.g. `jst('2026-04-01 23:59')`. */
  const jst = (local: string) => clock.set(`${local.replace(' ', 'T')}${local.length <= 10 ? 'T10:00' : ''}:00+09:00`);

  const item = (key: string, over: Partial<DisclosureItemInput> = {}): DisclosureItemInput => ({
    key,
    labelJa: key,
    labelEn: null,
    valueJa: `${key}の内容`,
    valueEn: null,
    withheld: false,
    withheldReason: null,
    ...over,
  });

  async function newService() {
    const vendor = await registerVendor(ctx, { nameJa: 'ベンダー', nameEn: null, contact: {} });
    return (await registerService(ctx, { vendorId: vendor.id, nameJa: 'サービス', nameEn: null, origins: [] })).id;
  }

  async function applied(items: DisclosureItemInput[] = [item('service.overview')]) {
    const id = await newService();
    await apply(ctx, id, { documents: ['申請書'], feePaid: true, items });
    return id;
  }

  const certify = (id: string) => decide(ctx, id, { outcome: 'certify', notice: '認定を実施', reason: null, committeeOpinion: null, decidedOn: null });

  /** A service certified on the clock's current day. */
  async function certified() {
    const id = await applied();
    const r = await certify(id);
    return { id, ...r.result! };
  }

  const statusOn = async (id: string, instant: string) => statusAt(await serviceEvents(database.db, id), new Date(instant));

  return { database, clock, ctx, jst, item, newService, applied, certify, certified, statusOn, close: () => database.close() };
}

export type Harness = Awaited<ReturnType<typeof lifecycleHarness>>;
