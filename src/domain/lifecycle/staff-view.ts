import type { Clock } from '../../clock';
import type { Db } from '../../db/database';
import type { DisclosureItemRow, ServiceRow, VendorRow } from '../../db/schema';
import { AppError } from '../../errors';
import { allServiceEvents, serviceEvents } from '../../repositories/events';
import * as services from '../../repositories/services';
import { auditConfidentialRead, type StaffReader } from '../confidential';
import { daysBetween, jstDate, type CalendarDate } from '../calendar';
import { renewalWindow } from '../validity';
import { NUMBER_PATTERN } from './application';
import type { LifecycleEvent } from './events';
import { oversightOf } from './oversight';
import { currentPeriod, foldEvents, inForceThrough, servesMark, statusOf, type ServiceState, type Status } from './state';

/** What staff see of services. Confidential material (Art. 20) is here, so every read of it is audited. */

const iso = (d: Date) => d.toISOString();

export async function resolveService(db: Db, idOrNumber: string): Promise<ServiceRow> {
  const row = NUMBER_PATTERN.test(idOrNumber) ? await services.findServiceByNumber(db, idOrNumber) : await services.findService(db, idOrNumber);
  if (!row) throw new AppError('not_found', `no service ${idOrNumber}`, { field: 'service' });
  return row;
}

export function eventOut(e: LifecycleEvent) {
  return { id: e.id, type: e.type, at: iso(e.at), actor: e.actor, article: e.article, payload: e.payload as unknown as Record<string, unknown> };
}

export function summaryOf(row: ServiceRow, vendorNameJa: string, state: ServiceState, now: Date) {
  const status = statusOf(state, now);
  const period = currentPeriod(state);
  return {
    id: row.id,
    number: row.number,
    nameJa: row.name_ja,
    nameEn: row.name_en,
    vendorId: row.vendor_id,
    vendorNameJa,
    status,
    servesMark: servesMark(status),
    certifiedOn: period?.certifiedOn ?? null,
    validThrough: period?.validThrough ?? null,
    inForceThrough: inForceThrough(state),
  };
}

export type StaffServiceSummary = ReturnType<typeof summaryOf>;

/** Every service with its status now, derived from its events; optionally filtered by status or text. */
export async function staffServiceList(
  db: Db,
  now: Date,
  filter: { status?: Status | undefined; q?: string | undefined; scope?: ReadonlySet<string> | null } = {},
): Promise<StaffServiceSummary[]> {
  const [rows, vendors, events] = await Promise.all([services.listServices(db), services.listVendors(db), allServiceEvents(db)]);
  const vendorName = new Map(vendors.map((v) => [v.id, v.name_ja]));
  const q = filter.q?.toLowerCase();
  return rows
    .map((r) => summaryOf(r, vendorName.get(r.vendor_id) ?? '', foldEvents(events.get(r.id) ?? [], now), now))
    .filter((s) => !filter.scope || filter.scope.has(s.id)) // Arts. 7, 19: a scoped role lists its services only
    .filter((s) => !filter.status || s.status === filter.status)
    .filter((s) => !q || [s.number, s.nameJa, s.nameEn, s.vendorNameJa, s.id].some((f) => f?.toLowerCase().includes(q)));
}

/** statusAt(service, instant), for staff and the CLI. */
export async function staffStatusAt(db: Db, service: ServiceRow, at: Date) {
  const status = statusOf(foldEvents(await serviceEvents(db, service.id), at), at);
  return { id: service.id, number: service.number, at: iso(at), status, servesMark: servesMark(status) };
}

const itemOut = services.disclosureItemOf;

function versionsOf(rows: DisclosureItemRow[], events: LifecycleEvent[]) {
  const byEvent = new Map<number, DisclosureItemRow[]>();
  for (const r of rows) byEvent.set(r.event_id, [...(byEvent.get(r.event_id) ?? []), r]);
  return events.flatMap((e) =>
    e.type === 'disclosure.changed'
      ? [
          {
            version: e.payload.version,
            eventId: e.id,
            at: iso(e.at),
            note: e.payload.note,
            changedKeys: e.payload.changedKeys,
            items: (byEvent.get(e.id) ?? []).map(itemOut),
          },
        ]
      : [],
  );
}

function lastOf<T extends LifecycleEvent['type']>(events: LifecycleEvent[], type: T) {
  return events.findLast((e) => e.type === type) as Extract<LifecycleEvent, { type: T }> | undefined;
}

/**
 * A service's full staff view: status now, periods, current disclosure items (withheld ones with their reasons),
 * version history (Art. 13.1), origins, oversight (Art. 14–16) and events. Art. 20: the confidential parts read
 * (vendor contact, application documents, emergencies, investigation answers) are written to the audit log.
 */
export async function staffServiceView(db: Db, clock: Clock, staffId: string, service: ServiceRow) {
  const now = clock.now();
  const [vendor, events, periods, items, history, origins] = await Promise.all([
    services.findVendor(db, service.vendor_id),
    serviceEvents(db, service.id),
    services.servicePeriods(db, service.id),
    services.disclosureItems(db, service.id),
    services.disclosureHistory(db, service.id),
    services.origins(db, service.id),
  ]);
  if (!vendor) throw new AppError('not_found', 'the vendor of this service no longer exists', { field: 'service' });
  const state = foldEvents(events);
  const oversight = oversightOf(events, jstDate(now));
  const applied = state.application ? lastOf(events, 'service.applied') : undefined;
  const renewalFiled = state.renewal ? lastOf(events, 'renewal.filed') : undefined;
  const extended = state.extension ? lastOf(events, 'renewal.extended') : undefined;
  const period = currentPeriod(state);
  const view = {
    ...summaryOf(service, vendor.name_ja, state, now),
    createdAt: iso(service.created_at),
    checkedAt: iso(now),
    vendor: vendorWithContact(vendor),
    periods: periods.map((p) => ({ seq: p.seq, kind: p.kind, certifiedOn: p.certified_on, validThrough: p.valid_through })),
    renewalWindow: period && !state.closure ? renewalWindow(period.validThrough) : null,
    application: applied ? { appliedOn: applied.payload.appliedOn, documents: applied.payload.documents } : null,
    refusal: state.refusal ? { at: iso(state.refusal.at), reason: state.refusal.reason, kind: state.refusal.kind } : null,
    renewal: renewalFiled
      ? { filedOn: renewalFiled.payload.filedOn, selfDeclaration: renewalFiled.payload.selfDeclaration, overrideReason: renewalFiled.payload.overrideReason }
      : null,
    extension: extended ? { until: extended.payload.until, reason: extended.payload.reason } : null,
    closure: state.closure ? { ...state.closure, at: iso(state.closure.at) } : null,
    disclosure: { version: items[0]?.version ?? 0, items: items.map(itemOut) },
    versions: versionsOf(history, events),
    origins,
    oversight: {
      emergencies: oversight.emergencies.map((e) => ({
        ...e,
        reportedAt: iso(e.reportedAt),
        closedAt: e.closedAt && iso(e.closedAt),
        reports: e.reports.map((r) => ({ ...r, at: iso(r.at) })),
      })),
      investigations: oversight.investigations.map((i) => ({
        ...i,
        requestedAt: iso(i.requestedAt),
        answer: i.answer && { ...i.answer, at: iso(i.answer.at) },
      })),
      improvements: oversight.improvements.map((i) => ({
        ...i,
        requestedAt: iso(i.requestedAt),
        publishedAt: i.publishedAt && iso(i.publishedAt),
        completedAt: i.completedAt && iso(i.completedAt),
      })),
    },
    events: events.map(eventOut),
  };
  // Art. 20: every staff read of confidential material is audited, before the material leaves.
  await auditConfidentialRead({ db, clock, staffId }, service.id, [
    'vendor contact',
    ...(events.some((e) => e.type === 'service.applied') ? ['application documents'] : []),
    ...(oversight.emergencies.length ? ['emergency reports'] : []),
    ...(oversight.investigations.some((i) => i.answer) ? ['investigation answers'] : []),
  ]);
  return view;
}

const vendorOut = (v: VendorRow) => ({ id: v.id, nameJa: v.name_ja, nameEn: v.name_en, createdAt: new Date(v.created_at).toISOString() });

/** A vendor with its contact people and where its notices go: confidential (Art. 20). */
function vendorWithContact(v: VendorRow) {
  const noticeEmails = typeof v.notice_emails === 'string' ? (JSON.parse(v.notice_emails) as string[]) : v.notice_emails;
  return { ...vendorOut(v), contact: v.contact, noticeEmails, language: v.language };
}

/** Every vendor, without contact details. */
export async function vendorList(db: Db) {
  return (await services.listVendors(db)).map(vendorOut);
}

/** One vendor with its contact people: confidential (Art. 20), so the read is audited. */
export async function staffVendorView(reader: StaffReader, id: string) {
  const vendor = await services.findVendor(reader.db, id);
  if (!vendor) throw new AppError('not_found', `no vendor ${id}`, { field: 'vendor' });
  await auditConfidentialRead(reader, `vendor:${vendor.id}`, ['vendor contact']);
  return vendorWithContact(vendor);
}

/** A service's number and status now (the answer of every lifecycle operation). */
export async function serviceStatusNow(db: Db, clock: Clock, serviceId: string): Promise<{ id: string; number: string | null; status: Status | null }> {
  const service = await services.findService(db, serviceId);
  const now = clock.now();
  return { id: serviceId, number: service?.number ?? null, status: statusOf(foldEvents(await serviceEvents(db, serviceId), now), now) };
}

/** A service's events, for staff. Their payloads hold confidential material, so the read is audited. */
export async function staffServiceEvents(db: Db, clock: Clock, staffId: string, service: ServiceRow) {
  const events = await serviceEvents(db, service.id);
  await auditConfidentialRead({ db, clock, staffId }, service.id, ['events']);
  return events.map(eventOut);
}

/** Art. 15, 16: requests past their due date and not yet answered or completed, across every service. */
export async function overdueRequests(reader: StaffReader) {
  const { db } = reader;
  const today = jstDate(reader.clock.now());
  const [rows, events] = await Promise.all([services.listServices(db), allServiceEvents(db)]);
  const investigations: Record<string, unknown>[] = [];
  const improvements: Record<string, unknown>[] = [];
  for (const row of rows) {
    const o = oversightOf(events.get(row.id) ?? [], today);
    const ref = { serviceId: row.id, number: row.number, nameJa: row.name_ja };
    for (const i of o.investigations.filter((x) => x.overdue))
      investigations.push({ ...ref, id: i.id, subject: i.subject, dueOn: i.dueOn, requestedAt: iso(i.requestedAt) });
    for (const i of o.improvements.filter((x) => x.overdue))
      improvements.push({ ...ref, id: i.id, content: i.content, dueOn: i.dueOn, requestedAt: iso(i.requestedAt) });
  }
  // Art. 20: investigation subjects and improvement texts are confidential; the list is a read of each.
  for (const row of rows) {
    const kinds = [
      ...(investigations.some((i) => i.serviceId === row.id) ? ['investigation subjects'] : []),
      ...(improvements.some((i) => i.serviceId === row.id) ? ['improvement requests'] : []),
    ];
    if (kinds.length) await auditConfidentialRead(reader, row.id, kinds);
  }
  return { investigations, improvements };
}

export interface OutstandingCertificate {
  serviceId: string;
  number: string | null;
  nameJa: string;
  /** How the certification ended. */
  status: 'revoked' | 'terminated' | 'lapsed';
  endedOn: CalendarDate;
  /** Days since it ended (JST days). */
  ageDays: number;
}

/** Art. 10.8, 13.3: certificates not returned after a revocation, termination or lapse, oldest first. */
export async function outstandingCertificates(db: Db, clock: Clock): Promise<OutstandingCertificate[]> {
  const today = jstDate(clock.now());
  const [rows, events] = await Promise.all([services.listServices(db), allServiceEvents(db)]);
  const out: OutstandingCertificate[] = [];
  for (const row of rows) {
    const closure = foldEvents(events.get(row.id) ?? []).closure;
    if (!closure || closure.certificateReturned) continue;
    const endedOn = jstDate(closure.at);
    out.push({ serviceId: row.id, number: row.number, nameJa: row.name_ja, status: closure.status, endedOn, ageDays: daysBetween(endedOn, today) });
  }
  return out.sort((a, b) => b.ageDays - a.ageDays || (a.number ?? '').localeCompare(b.number ?? ''));
}
