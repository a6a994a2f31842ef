import { apply, decide, registerService, registerVendor } from '../../src/domain/lifecycle/application';
import type { LifecycleContext } from '../../src/domain/lifecycle/context';
import { issueEmbedToken } from '../../src/tokens/issue';
import type { TestApp } from '../support/app';

/** What the mark, badge and token tests share: a certified service of their own with a token. */
export const SITE = 'https://clinic-cloud.example.jp';
export const OTHER_SITE = 'https://copycat.example.com';

export function lifecycle(t: TestApp, actor = 'test'): LifecycleContext {
  return { db: t.deps.database.db, clock: t.clock, actor };
}

export async function newService(t: TestApp, options: { nameJa?: string; nameEn?: string | null; origins?: string[] } = {}) {
  const ctx = lifecycle(t);
  const vendor = await registerVendor(ctx, { nameJa: '株式会社テスト医療', nameEn: 'Test Medical K.K.', contact: {} });
  const { id } = await registerService(ctx, {
    vendorId: vendor.id,
    nameJa: options.nameJa ?? 'テストカルテ',
    nameEn: options.nameEn === undefined ? 'Test Karte' : options.nameEn,
    origins: options.origins ?? [SITE],
  });
  await apply(ctx, id, { documents: ['申請書A', '申請書B'], feePaid: true, items: [] });
  return id;
}

/** A service certified today (t.clock), with one token for `origins` (default SITE). */
export async function certifiedWithToken(t: TestApp, options: { origins?: string[]; nameJa?: string; nameEn?: string | null } = {}) {
  const id = await newService(t, options);
  const decided = await decide(lifecycle(t), id, { outcome: 'certify', notice: '認定', reason: null, committeeOpinion: null, decidedOn: null });
  const number = (decided.result as { number: string }).number;
  const issued = await issueEmbedToken({ db: t.deps.database.db, clock: t.clock, keys: t.deps.keys, base: t.config.publicBaseUrl }, id, {
    origins: options.origins ?? null,
  });
  return { id, number, token: issued.token, jti: issued.jti, validThrough: (decided.result as { validThrough: string }).validThrough };
}

export const get = (t: TestApp, path: string, headers: Record<string, string> = {}) => t.app.request(path, { headers });
export const bytesOf = async (r: Response) => Buffer.from(await r.arrayBuffer());
