/**
 * What a vendor user sees of their own vendor's services (issue 15): status and validity, the renewal window
 * with the days left (Art. 12.1), the requests addressed to them with due dates (Arts. 15, 16), the notices they
 * were sent (Art. 6.4 and the others in writing, PDFs included) and the misuse found on their pages. Nothing of
 * another vendor: every read takes the user's vendor and answers "not found" for any other service.
 */
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import type { ServiceRow } from '../db/schema';
import { daysBetween, jstDate, type CalendarDate } from '../domain/calendar';
import { auditConfidentialRead, vendorReader } from '../domain/confidential';
import { oversightOf } from '../domain/lifecycle/oversight';
import { resolveService, summaryOf } from '../domain/lifecycle/staff-view';
import { currentPeriod, foldEvents } from '../domain/lifecycle/state';
import { renewalWindow } from '../domain/validity';
import { AppError } from '../errors';
import { listCases } from '../repositories/cases';
import { allServiceEvents, serviceEvents } from '../repositories/events';
import { findNotice, noticeFiles, noticesOfService } from '../repositories/notices';
import * as services from '../repositories/services';
import type { VendorUser } from './sessions';
import { requestsOfService, vendorFilingsOf } from './vendor-requests';

/** The renewal window of the current period, and where today stands in it. */
export interface RenewalView {
  opensOn: CalendarDate;
  closesOn: CalendarDate;
  /** Days until the window opens (positive), or until it closes once open; null once closed. */
  daysToOpen: number | null;
  daysLeft: number | null;
  open: boolean;
}

function renewalOf(validThrough: CalendarDate | null, closed: boolean, today: CalendarDate): RenewalView | null {
  if (!validThrough || closed) return null;
  const w = renewalWindow(validThrough); // Art. 12.1
  const open = today >= w.opensOn && today <= w.closesOn;
  return {
    ...w,
    open,
    daysToOpen: today < w.opensOn ? daysBetween(today, w.opensOn) : null,
    daysLeft: today <= w.closesOn ? daysBetween(today, w.closesOn) : null,
  };
}

/** The vendor's services, each with its status now and its renewal window. */
export async function vendorServiceList(db: Db, now: Date, user: VendorUser) {
  const [rows, vendor, events] = await Promise.all([services.listServices(db), services.findVendor(db, user.vendorId), allServiceEvents(db)]);
  const today = jstDate(now);
  return rows
    .filter((r) => r.vendor_id === user.vendorId)
    .map((r) => {
      const state = foldEvents(events.get(r.id) ?? [], now);
      const s = summaryOf(r, vendor?.name_ja ?? '', state, now);
      return { ...s, renewal: renewalOf(s.validThrough, !!state.closure, today) };
    });
}

/** The user's vendor's service by its number or id; any other answers as unknown (isolation). */
export async function vendorServiceOf(db: Db, user: VendorUser, ref: string): Promise<ServiceRow> {
  const service = await resolveService(db, ref.slice(0, 100)).catch(() => null);
  if (!service || service.vendor_id !== user.vendorId) throw new AppError('not_found', 'no such service');
  return service;
}

export interface VendorNotice {
  id: string;
  kind: string;
  subject: string;
  createdAt: Date;
  sentAt: Date | null;
  attachments: { name: string; contentType: string; sha256: string; size: number }[];
}

const parsed = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;
/** Notices written to staff about a service (new case, emergency, dead letter) are staff's, not the vendor's. */
const toVendor = (kind: string) => !kind.startsWith('staff_');

/** One service as its vendor sees it (`service` from `vendorServiceOf`: the user's vendor's). */
export async function vendorServiceView(db: Db, clock: Clock, service: ServiceRow) {
  const now = clock.now();
  const today = jstDate(now);
  const [vendor, events, notices, cases, requests] = await Promise.all([
    services.findVendor(db, service.vendor_id),
    serviceEvents(db, service.id),
    noticesOfService(db, service.id),
    listCases(db, { status: null, finding: null, serviceId: service.id, limit: 100, before: null }),
    requestsOfService(db, service.id),
  ]);
  const state = foldEvents(events, now);
  const summary = summaryOf(service, vendor?.name_ja ?? '', state, now);
  const oversight = oversightOf(events, today);
  const period = currentPeriod(state);
  return {
    ...summary,
    renewal: renewalOf(period?.validThrough ?? null, !!state.closure, today),
    investigations: oversight.investigations.filter((i) => i.answer === null),
    improvements: oversight.improvements.filter((i) => i.completedAt === null),
    // Arts. 15.1, 16.1: the requests staff have judged, with the outcome (not staff's notes), newest first
    judged: [
      ...oversight.investigations.flatMap((i) =>
        i.answer
          ? [{ kind: 'investigation' as const, id: i.id, asked: i.subject, at: i.answer.at, satisfactory: i.answer.satisfactory as boolean | null }]
          : [],
      ),
      ...oversight.improvements.flatMap((i) =>
        i.completedAt ? [{ kind: 'improvement' as const, id: i.id, asked: i.content, at: i.completedAt, satisfactory: null }] : [],
      ),
    ].sort((a, b) => b.at.getTime() - a.at.getTime()),
    emergencies: oversight.emergencies.filter((e) => e.closedAt === null),
    filings: vendorFilingsOf(events),
    certificateOutstanding: !!state.closure && !state.closure.certificateReturned, // Arts. 10.8, 13.3
    vendorRequests: requests,
    notices: notices
      .filter((n) => toVendor(n.kind))
      .map(
        (n): VendorNotice => ({
          id: n.id,
          kind: n.kind,
          subject: n.subject,
          createdAt: new Date(n.created_at),
          sentAt: n.sent_at ? new Date(n.sent_at) : null,
          attachments: parsed(n.attachments),
        }),
      )
      .reverse(),
    cases: cases.map((k) => ({
      id: k.id,
      finding: k.finding,
      status: k.status,
      pageUrl: k.page_url,
      sightings: Number(k.sightings_count),
      firstSeenAt: new Date(k.first_seen_at),
      lastSeenAt: new Date(k.last_seen_at),
    })),
  };
}

export type VendorServiceView = Awaited<ReturnType<typeof vendorServiceView>>;

/** A notice the vendor was sent, in full, if it is about one of the vendor's services (an audited read, Art. 20). */
export async function vendorNotice(db: Db, clock: Clock, user: VendorUser, id: string) {
  const n = await noticeOfVendor(db, user, id);
  await auditConfidentialRead(vendorReader(db, clock, user), n.id, ['notice']);
  return n;
}

async function noticeOfVendor(db: Db, user: VendorUser, id: string) {
  const n = await findNotice(db, id.slice(0, 64));
  if (!n?.service_id || !toVendor(n.kind)) throw new AppError('not_found', 'no such notice');
  const service = await services.findService(db, n.service_id);
  if (service?.vendor_id !== user.vendorId) throw new AppError('not_found', 'no such notice');
  return {
    id: n.id,
    subject: n.subject,
    body: n.body,
    createdAt: new Date(n.created_at),
    sentAt: n.sent_at ? new Date(n.sent_at) : null,
    attachments: parsed<VendorNotice['attachments']>(n.attachments),
    service,
  };
}

/** A file attached to one of the vendor's notices (the letter or the certificate, PDF; an audited read, Art. 20). */
export async function vendorNoticeFile(db: Db, clock: Clock, user: VendorUser, noticeId: string, sha256: string) {
  const n = await noticeOfVendor(db, user, noticeId);
  const listed = n.attachments.find((a) => a.sha256 === sha256);
  if (!listed) throw new AppError('not_found', 'no such file');
  const [file] = await noticeFiles(db, [sha256]);
  if (!file) throw new AppError('not_found', 'no such file');
  await auditConfidentialRead(vendorReader(db, clock, user), `${n.id}/${sha256}`, ['notice file']);
  return { name: listed.name, contentType: file.content_type, bytes: Buffer.from(file.bytes) };
}
