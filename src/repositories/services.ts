import type { Db, Tx } from '../db/database';
import type { DisclosureItemRow, PeriodRow, ServiceRow, VendorRow } from '../db/schema';

export interface DisclosureItemInput {
  key: string;
  labelJa: string;
  labelEn: string | null;
  valueJa: string;
  valueEn: string | null;
  withheld: boolean;
  withheldReason: string | null;
}

/** A stored disclosure item as the domain speaks of it. */
export function disclosureItemOf(i: DisclosureItemRow): DisclosureItemInput {
  return {
    key: i.key,
    labelJa: i.label_ja,
    labelEn: i.label_en,
    valueJa: i.value_ja,
    valueEn: i.value_en,
    withheld: i.withheld,
    withheldReason: i.withheld_reason,
  };
}

export async function insertVendor(
  tx: Tx,
  v: { id: string; nameJa: string; nameEn: string | null; contact: Record<string, unknown>; noticeEmails?: string[]; language?: 'ja' | 'en'; at: Date },
) {
  await tx
    .insertInto('vendors')
    .values({
      id: v.id,
      name_ja: v.nameJa,
      name_en: v.nameEn,
      contact: JSON.stringify(v.contact) as never,
      notice_emails: JSON.stringify(v.noticeEmails ?? []),
      language: v.language ?? 'ja',
      created_at: v.at,
    })
    .execute();
}

export async function findVendor(db: Db, id: string): Promise<VendorRow | undefined> {
  return db.selectFrom('vendors').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listVendors(db: Db): Promise<VendorRow[]> {
  return db.selectFrom('vendors').selectAll().orderBy('created_at').orderBy('id').execute();
}

/** Every service of a vendor, oldest first. */
export async function vendorServices(db: Db, vendorId: string): Promise<ServiceRow[]> {
  return db.selectFrom('services').selectAll().where('vendor_id', '=', vendorId).orderBy('created_at').orderBy('id').execute();
}

export async function insertService(tx: Tx, s: { id: string; vendorId: string; nameJa: string; nameEn: string | null; at: Date }) {
  await tx
    .insertInto('services')
    .values({ id: s.id, vendor_id: s.vendorId, name_ja: s.nameJa, name_en: s.nameEn, serial: null, number: null, created_at: s.at })
    .execute();
}

export async function findService(db: Db, id: string): Promise<ServiceRow | undefined> {
  return db.selectFrom('services').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A service with its vendor's names (the read model's facts). */
export async function findServiceWithVendor(db: Db, id: string) {
  return db
    .selectFrom('services')
    .innerJoin('vendors', 'vendors.id', 'services.vendor_id')
    .select([
      'services.id',
      'services.number',
      'services.name_ja',
      'services.name_en',
      'vendors.name_ja as vendor_name_ja',
      'vendors.name_en as vendor_name_en',
    ])
    .where('services.id', '=', id)
    .executeTakeFirst();
}

export async function findServiceByNumber(db: Db, number: string): Promise<ServiceRow | undefined> {
  return db.selectFrom('services').selectAll().where('number', '=', number).executeTakeFirst();
}

/** Locks the service row for the transaction: operations on one service are serialised. */
export async function lockService(tx: Tx, id: string): Promise<ServiceRow | undefined> {
  return tx.selectFrom('services').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function listServices(db: Db): Promise<ServiceRow[]> {
  return db.selectFrom('services').selectAll().orderBy('created_at').orderBy('id').execute();
}

/**
 * The next serial of a certification number. Two first certifications at once would read the same maximum, so the
 * event chain head (which every write locks anyway, after its service) is locked first: serials are handed out
 * one transaction at a time.
 */
export async function nextSerial(tx: Tx): Promise<number> {
  await tx.selectFrom('event_chain_head').select('id').where('id', '=', 1).forUpdate().execute();
  const r = await tx
    .selectFrom('services')
    .select((eb) => eb.fn.max('serial').as('max'))
    .executeTakeFirst();
  return Number(r?.max ?? 0) + 1;
}

export async function assignNumber(tx: Tx, id: string, serial: number, number: string) {
  await tx.updateTable('services').set({ serial, number }).where('id', '=', id).execute();
}

export async function insertPeriod(tx: Tx, p: Omit<PeriodRow, 'id'> & { id: string }) {
  await tx.insertInto('periods').values(p).execute();
}

export async function servicePeriods(db: Db, serviceId: string): Promise<PeriodRow[]> {
  return db.selectFrom('periods').selectAll().where('service_id', '=', serviceId).orderBy('seq').execute();
}

export async function origins(db: Db, serviceId: string): Promise<string[]> {
  const rows = await db.selectFrom('service_origins').select('origin').where('service_id', '=', serviceId).orderBy('origin').execute();
  return rows.map((r) => r.origin);
}

/** The origins become `list`: those that stay keep when and how they were verified (issue 15); new ones are staff's. */
export async function replaceOrigins(tx: Tx, serviceId: string, list: readonly string[], at: Date) {
  const unique = [...new Set(list)]; // (service, origin) is the key: a repeat must not fail the operation
  await tx
    .deleteFrom('service_origins')
    .where('service_id', '=', serviceId)
    .$if(unique.length > 0, (q) => q.where('origin', 'not in', unique))
    .execute();
  if (unique.length > 0) {
    await tx
      .insertInto('service_origins')
      .values(unique.map((origin) => ({ service_id: serviceId, origin, added_at: at })))
      .onConflict((oc) => oc.columns(['service_id', 'origin']).doNothing())
      .execute();
  }
}

export async function latestDisclosureVersion(db: Db, serviceId: string): Promise<number> {
  const r = await db
    .selectFrom('disclosure_items')
    .select((eb) => eb.fn.max('version').as('v'))
    .where('service_id', '=', serviceId)
    .executeTakeFirst();
  return Number(r?.v ?? 0);
}

/** Art. 13.1: every change is a new version; earlier versions stay. */
export async function insertDisclosureVersion(tx: Tx, serviceId: string, version: number, items: readonly DisclosureItemInput[], eventId: number) {
  if (items.length === 0) return;
  await tx
    .insertInto('disclosure_items')
    .values(
      items.map((it, position) => ({
        service_id: serviceId,
        version,
        position,
        key: it.key,
        label_ja: it.labelJa,
        label_en: it.labelEn,
        value_ja: it.valueJa,
        value_en: it.valueEn,
        withheld: it.withheld,
        withheld_reason: it.withheldReason,
        event_id: eventId,
      })),
    )
    .execute();
}

/** All items of one version (staff view: withheld ones included). */
export async function disclosureItems(db: Db, serviceId: string, version?: number): Promise<DisclosureItemRow[]> {
  const v = version ?? (await latestDisclosureVersion(db, serviceId));
  return db.selectFrom('disclosure_items').selectAll().where('service_id', '=', serviceId).where('version', '=', v).orderBy('position').execute();
}

/** Art. 11.2: the public view. Withheld items are filtered in SQL, so they never leave the database. */
export async function publishedDisclosureItems(db: Db, serviceId: string): Promise<DisclosureItemRow[]> {
  const v = await latestDisclosureVersion(db, serviceId);
  return db
    .selectFrom('disclosure_items')
    .selectAll()
    .where('service_id', '=', serviceId)
    .where('version', '=', v)
    .where('withheld', '=', false)
    .orderBy('position')
    .execute();
}

export async function disclosureHistory(db: Db, serviceId: string): Promise<DisclosureItemRow[]> {
  return db.selectFrom('disclosure_items').selectAll().where('service_id', '=', serviceId).orderBy('version').orderBy('position').execute();
}

/** Where a vendor's notices go and in which language; false when there is no such vendor. */
export async function updateVendorNoticeSettings(tx: Tx, id: string, v: { noticeEmails: string[]; language: 'ja' | 'en' }): Promise<boolean> {
  const r = await tx
    .updateTable('vendors')
    .set({ notice_emails: JSON.stringify(v.noticeEmails), language: v.language })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
