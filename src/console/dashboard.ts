/**
 * The console's dashboard: what needs a person today, composed from the reads the staff API already has (the
 * service list, overdue requests, cases, inquiries, dead letters). Confidential parts are audited where those
 * reads audit them (Art. 20). A delegate or committee member (Arts. 7, 19) sees its assigned services only, and
 * none of the desk-wide lists (inquiries, notices), which the staff API closes to them too.
 */
import { vendorRequestList, type VendorRequestView } from '../portal/vendor-requests';
import { jstDate, type CalendarDate } from '../domain/calendar';
import { auditConfidentialRead, type StaffReader } from '../domain/confidential';
import { oversightOf } from '../domain/lifecycle/oversight';
import { overdueRequests, staffServiceList, type StaffServiceSummary } from '../domain/lifecycle/staff-view';
import { renewalWindow } from '../domain/validity';
import type { Staff } from '../http/env';
import { noticesWithStatus, type NoticeView } from '../notices/staff';
import { inquirySummaries, type InquirySummary } from '../publication/inquiries';
import { allServiceEvents } from '../repositories/events';
import { casesForStaff } from '../sightings/cases';
import { revocationProposalsForStaff } from '../domain/lifecycle/revocation-proposals';

export interface ServiceRef {
  id: string;
  number: string | null;
  nameJa: string;
}

export interface Dashboard {
  today: CalendarDate;
  newApplications: StaffServiceSummary[];
  renewalsInWindow: StaffServiceSummary[];
  renewalsOverdue: StaffServiceSummary[];
  investigationsOverdue: (ServiceRef & { dueOn: string })[] | null;
  improvementsOverdue: (ServiceRef & { dueOn: string })[] | null;
  openCases: { finding: string; count: number }[] | null;
  newInquiries: InquirySummary[] | null;
  /** Art. 17 (four eyes): revocations proposed and awaiting a second admin; null for scoped roles. */
  revocationsAwaiting: (ServiceRef & { proposalId: string })[] | null;
  emergencies: (ServiceRef & { kind: string; reportedAt: Date })[];
  deadLetters: NoticeView[] | null;
  /** Issue 15: requests vendors filed through the portal that await staff's decision (within the scope). */
  vendorRequests: VendorRequestView[];
}

const LIST_LIMIT = 200;

export async function dashboard(reader: StaffReader, staff: Staff): Promise<Dashboard> {
  const now = reader.clock.now();
  const today = jstDate(now);
  const scoped = staff.scope !== null;
  const services = await staffServiceList(reader.db, now, { scope: staff.scope });
  const inWindow = (s: StaffServiceSummary) => {
    if (s.status !== 'certified' || !s.validThrough) return false;
    const w = renewalWindow(s.validThrough);
    return w.opensOn <= today && today <= w.closesOn;
  };
  const overdue = (s: StaffServiceSummary) => s.status === 'expired' || (s.status === 'renewal_pending' && s.validThrough !== null && s.validThrough < today);
  const scopeIds = new Set(services.map((s) => s.id));

  // Art. 14: emergencies not closed, named by service and kind only; the reports stay on the service's page.
  const events = await allServiceEvents(reader.db);
  const emergencies: Dashboard['emergencies'] = [];
  for (const s of services) {
    for (const e of oversightOf(events.get(s.id) ?? [], today).emergencies) {
      if (!e.closedAt) emergencies.push({ id: s.id, number: s.number, nameJa: s.nameJa, kind: e.kind, reportedAt: e.reportedAt });
    }
  }
  for (const id of new Set(emergencies.map((e) => e.id))) await auditConfidentialRead(reader, id, ['emergency list']);

  let investigationsOverdue: Dashboard['investigationsOverdue'] = null;
  let improvementsOverdue: Dashboard['improvementsOverdue'] = null;
  if (!scoped) {
    const o = await overdueRequests(reader);
    const ref = (x: Record<string, unknown>) => ({
      id: String(x.serviceId),
      number: (x.number as string | null) ?? null,
      nameJa: String(x.nameJa),
      dueOn: String(x.dueOn),
    });
    investigationsOverdue = o.investigations.map(ref);
    improvementsOverdue = o.improvements.map(ref);
  }

  let openCases: Dashboard['openCases'] = null;
  if (staff.role !== 'committee') {
    const cases = await casesForStaff(
      reader,
      { status: 'open', finding: null, service: null, scope: staff.scope, limit: LIST_LIMIT, before: null },
      'dashboard: open cases',
    );
    const byFinding = new Map<string, number>();
    for (const c of cases) if (!scoped || (c.service_id && scopeIds.has(c.service_id))) byFinding.set(c.finding, (byFinding.get(c.finding) ?? 0) + 1);
    openCases = [...byFinding].map(([finding, count]) => ({ finding, count })).sort((a, b) => b.count - a.count || a.finding.localeCompare(b.finding));
  }

  return {
    today,
    newApplications: services.filter((s) => s.status === 'applied'),
    renewalsInWindow: services.filter(inWindow),
    renewalsOverdue: services.filter(overdue),
    investigationsOverdue,
    improvementsOverdue,
    openCases,
    revocationsAwaiting: scoped
      ? null
      : (await revocationProposalsForStaff(reader, { status: 'pending', serviceId: null, limit: LIST_LIMIT }, 'dashboard: revocations awaiting')).map((p) => ({
          id: p.serviceId,
          number: p.serviceNumber,
          nameJa: p.serviceNameJa,
          proposalId: p.id,
        })),
    newInquiries: scoped ? null : (await inquirySummaries(reader.db, { limit: LIST_LIMIT, before: null, status: 'new' })).page,
    emergencies,
    deadLetters: scoped ? null : await noticesWithStatus(reader, 'dead', LIST_LIMIT),
    vendorRequests: await pendingVendorRequests(reader, staff.scope),
  };
}

/** The requests vendors filed that wait for staff (Art. 20: the dashboard's read of them is audited). */
async function pendingVendorRequests(reader: StaffReader, scope: ReadonlySet<string> | null) {
  const pending = (await vendorRequestList(reader.db, scope)).filter((r) => r.status === 'pending');
  if (pending.length > 0) await auditConfidentialRead(reader, 'dashboard: vendor requests', ['vendor request list']);
  return pending;
}
