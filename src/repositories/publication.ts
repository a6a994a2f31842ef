import type { Db } from '../db/database';
import type { DisclosureItemRow } from '../db/schema';

/**
 * Reads behind the public registry (Arts. 11, 16.2, 17.3, 19.2). Only columns that may be published are
 * selected: never vendors.contact, never a withheld disclosure item.
 */

/** The id of the last event: every change the public can see is an event, so this dates the registry. */
export async function lastEventId(db: Db): Promise<number> {
  const head = await db.selectFrom('event_chain_head').select('last_id').where('id', '=', 1).executeTakeFirst();
  return head?.last_id ?? 0;
}

export interface PublicServiceRow {
  id: string;
  number: string;
  name_ja: string;
  name_en: string | null;
  vendor_name_ja: string;
  vendor_name_en: string | null;
}

const serviceColumns = [
  'services.id',
  'services.number',
  'services.name_ja',
  'services.name_en',
  'vendors.name_ja as vendor_name_ja',
  'vendors.name_en as vendor_name_en',
] as const;

/** Services that have a certification number, i.e. were certified at least once. */
export async function numberedServices(db: Db): Promise<PublicServiceRow[]> {
  const rows = await db
    .selectFrom('services')
    .innerJoin('vendors', 'vendors.id', 'services.vendor_id')
    .select(serviceColumns)
    .where('services.number', 'is not', null)
    .orderBy('services.number')
    .execute();
  return rows as PublicServiceRow[];
}

export async function numberedServiceByNumber(db: Db, number: string): Promise<PublicServiceRow | undefined> {
  const row = await db
    .selectFrom('services')
    .innerJoin('vendors', 'vendors.id', 'services.vendor_id')
    .select(serviceColumns)
    .where('services.number', '=', number)
    .executeTakeFirst();
  return row as PublicServiceRow | undefined;
}

export async function numberedServiceById(db: Db, id: string): Promise<PublicServiceRow | undefined> {
  const row = await db
    .selectFrom('services')
    .innerJoin('vendors', 'vendors.id', 'services.vendor_id')
    .select(serviceColumns)
    .where('services.id', '=', id)
    .where('services.number', 'is not', null)
    .executeTakeFirst();
  return row as PublicServiceRow | undefined;
}

export type PublishedItemRow = Omit<DisclosureItemRow, 'withheld' | 'withheld_reason'>;

/** Art. 11.2: every version's items that are not withheld, filtered in SQL (withheld rows never leave the database). */
export async function publishedItemsOf(db: Db, serviceIds: readonly string[]): Promise<PublishedItemRow[]> {
  if (serviceIds.length === 0) return [];
  return db
    .selectFrom('disclosure_items')
    .select(['service_id', 'version', 'position', 'key', 'label_ja', 'label_en', 'value_ja', 'value_en', 'event_id'])
    .where('service_id', 'in', serviceIds)
    .where('withheld', '=', false)
    .orderBy('service_id')
    .orderBy('version')
    .orderBy('position')
    .execute();
}

export async function originsOf(db: Db, serviceIds: readonly string[]): Promise<{ service_id: string; origin: string }[]> {
  if (serviceIds.length === 0) return [];
  return db
    .selectFrom('service_origins')
    .select(['service_id', 'origin'])
    .where('service_id', 'in', serviceIds)
    .orderBy('service_id')
    .orderBy('origin')
    .execute();
}
