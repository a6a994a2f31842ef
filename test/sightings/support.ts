import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { apply, decide, registerService, registerVendor } from '../../src/domain/lifecycle/application';
import type { LifecycleContext } from '../../src/domain/lifecycle/context';
import { loadMarkMasters } from '../../src/mark/masters';
import { createMarkRenderer, type MarkRenderer } from '../../src/mark/render';
import { makeCrawlerKey } from '../../src/access/crawler-keys';
import { BASE, type TestApp } from '../support/app';

let renderer: MarkRenderer | null = null;

/** An official rendering of the mark, as a vendor would copy it. */
export async function markPng(variant: 'colour' | 'mono' = 'colour', width = 128): Promise<Buffer> {
  renderer ??= createMarkRenderer(await loadMarkMasters());
  return renderer.png(variant, width);
}

/** The colour mark with its hues turned: a recoloured copy (Art. 10.5). */
export async function recolouredPng(width = 128): Promise<Buffer> {
  return sharp(await markPng('colour', width))
    .modulate({ hue: 120 })
    .png()
    .toBuffer();
}

/** Something that is not the mark at all. */
export async function unrelatedPng(): Promise<Buffer> {
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60"><rect width="120" height="60" fill="#d7263d"/><text x="10" y="40" font-size="28" fill="#fff">ACME</text></svg>';
  return sharp(Buffer.from(svg)).png().toBuffer();
}

export async function crawlerKey(t: TestApp, name = 'test crawler'): Promise<{ id: string; key: string }> {
  const { id, key } = await makeCrawlerKey({ db: t.database.db, clock: t.clock, actor: 'test' }, { name });
  return { id, key };
}

export const ctxOf = (t: TestApp): LifecycleContext => ({ db: t.database.db, clock: t.clock, actor: 'test' });

let sites = 0;
/** An origin no other test has registered (tests share one database per file). */
export const uniqueOrigin = () => `https://vendor-${process.pid}-${++sites}.example`;

/** A vendor and a service certified now (the test's clock) on a site of its own (or the origins given). */
export async function certifiedService(
  t: TestApp,
  origins: string[] = [uniqueOrigin()],
): Promise<{ id: string; number: string; origin: string; page: string }> {
  const ctx = ctxOf(t);
  const vendor = await registerVendor(ctx, { nameJa: 'ベンダー', nameEn: 'Vendor', contact: {} });
  const service = await registerService(ctx, { vendorId: vendor.id, nameJa: 'サービス', nameEn: 'Service', origins });
  await apply(ctx, service.id, { documents: ['registry-certificate'], feePaid: true, items: [] });
  const d = await decide(ctx, service.id, { outcome: 'certify', notice: 'certified', reason: null, committeeOpinion: null, decidedOn: null });
  return { id: service.id, number: d.result!.number, origin: origins[0]!, page: `${origins[0]}/` };
}

export const verifyUrl = (number: string) => `${BASE}/verify/${number}`;

export interface SightingFields {
  pageUrl?: string;
  seenAt?: string;
  image?: Buffer | null;
  imageSha256?: string;
  linkHref?: string;
  token?: string;
  fileName?: string;
  fileType?: string;
}

export function sightingForm(f: SightingFields): FormData {
  const form = new FormData();
  form.set('pageUrl', f.pageUrl ?? 'https://vendor.example/');
  form.set('seenAt', f.seenAt ?? '2026-04-01T03:00:00Z');
  if (f.image) form.set('image', new File([new Uint8Array(f.image)], f.fileName ?? 'mark.png', { type: f.fileType ?? 'image/png' }));
  if (f.imageSha256) form.set('imageSha256', f.imageSha256);
  if (f.linkHref !== undefined) form.set('linkHref', f.linkHref);
  if (f.token !== undefined) form.set('token', f.token);
  return form;
}

export async function postSighting(t: TestApp, key: string, f: SightingFields, idempotencyKey: string = randomUUID()) {
  return t.app.request('/api/v1/sightings', {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Idempotency-Key': idempotencyKey },
    body: sightingForm(f),
  });
}

/** Rows in the tables a sighting writes; compare before and after. */
export async function countRows(t: TestApp) {
  const n = async (table: 'images' | 'sightings' | 'misuse_cases') =>
    Number(
      (
        await t.database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { images: await n('images'), sightings: await n('sightings'), cases: await n('misuse_cases') };
}
