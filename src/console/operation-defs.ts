/**
 * The lifecycle operations the console offers as forms (issue 14): for each, its article, its form fields, the
 * staff API's own request schema (src/routes/admin/schemas.ts: no second set of rules), the roles that may act
 * (as the API: auditors and committee members never; revocation is the admin's) and the domain function it calls
 * (the very one the staff API calls). `offered` only decides which links a service page shows; the domain
 * decides what is allowed when the form is previewed and committed.
 */
import { z } from '@hono/zod-openapi';
import { decide, giveOpinion } from '../domain/lifecycle/application';
import { changeDisclosure, changeOrigins, SITES_MAY_CHANGE } from '../domain/lifecycle/changes';
import { lapse, returnCertificate, terminate } from '../domain/lifecycle/closure';
import type { LifecycleContext } from '../domain/lifecycle/context';
import { NOTICE_DELIVERIES, type RevocationGround } from '../domain/lifecycle/events';
import {
  completeImprovement,
  publishImprovement,
  recordInvestigationAnswer,
  reportEmergency,
  reportEmergencyProgress,
  requestImprovement,
  requestInvestigation,
} from '../domain/lifecycle/oversight';
import { extend, fileRenewal } from '../domain/lifecycle/renewal';
import { type Approvals, revokeOrPropose } from '../domain/lifecycle/revocation-proposals';
import type { Status } from '../domain/lifecycle/state';
import type { staffServiceView } from '../domain/lifecycle/staff-view';
import type { StaffRole } from '../http/env';
import {
  ChangeRequest,
  DecisionRequest,
  EmergencyReportRequest,
  EmergencyRequest,
  ExtensionRequest,
  id,
  ImprovementCompletionRequest,
  ImprovementRequest,
  InvestigationAnswerRequest,
  InvestigationRequest,
  LapseRequest,
  OriginsRequest,
  RenewalRequest,
  RevocationRequest,
  TerminationRequest,
} from '../routes/admin/schemas';
import { OpinionRequest } from '../routes/admin/access-schemas';

export type ServiceDetail = Awaited<ReturnType<typeof staffServiceView>>;

export type FieldKind = 'text' | 'textarea' | 'date' | 'checkbox' | 'select' | 'lines' | 'items';

export interface FieldDef {
  /** The form control's name, which is also the path of the value in the request body (`selfDeclaration.statement`). */
  name: string;
  kind: FieldKind;
  /** Empty means absent (null): the schema decides whether that is allowed. */
  optional?: boolean;
  /** Fixed choices of a select (words in operation-text.ts); dynamic ones (vendors, emergencies) come from the route. */
  options?: readonly string[];
  /** A select whose value is a number (the ground of Art. 17.1). */
  numeric?: boolean;
  /** The largest input the schema allows (maxlength, so the browser helps too). */
  max?: number;
}

export interface RunContext {
  approvals: Approvals;
}

export interface OpDef {
  op: string;
  /** The article the operation runs under, as the API names it (`Art. 12.1`). */
  article: string;
  roles: readonly StaffRole[];
  fields: readonly FieldDef[];
  schema: z.ZodType;
  /** Adds what the form does not ask (the decision's outcome) or drops what the choice made moot. */
  shape?: (body: Record<string, any>) => Record<string, any>;
  /** Where a domain error's field lies in the form (the new application nests the application's fields). */
  fieldOf?: (domainField: string) => string;
  /** Whether the service page offers the operation in the service's present state. */
  offered: (s: ServiceDetail) => boolean;
  /** Calls the domain; returns the service acted on (a new application makes one). */
  run: (ctx: LifecycleContext, serviceId: string, input: any, rc: RunContext) => Promise<{ serviceId?: string; proposed?: boolean }>;
}

const ACT = ['admin', 'reviewer', 'delegate'] as const;
const is =
  (...statuses: (Status | null)[]) =>
  (s: ServiceDetail) =>
    statuses.includes(s.status);
const SUPERVISED = is('certified', 'renewal_pending', 'expired');
const decisionOffered = (s: ServiceDetail) => s.status === 'applied' || (s.renewal !== null && s.closure === null);

const receivedOn: FieldDef = { name: 'receivedOn', kind: 'date', optional: true };
const decisionFields: FieldDef[] = [
  { name: 'notice', kind: 'textarea', max: 5000 },
  { name: 'committeeOpinion', kind: 'textarea', optional: true, max: 5000 },
  { name: 'decidedOn', kind: 'date', optional: true },
];

const done = async <T>(p: Promise<T>) => {
  await p;
  return {};
};

export const OPERATIONS: readonly OpDef[] = [
  {
    op: 'certify',
    article: 'Art. 6.1',
    roles: ACT,
    fields: decisionFields,
    schema: DecisionRequest,
    shape: (b) => ({ ...b, outcome: 'certify', reason: null }),
    offered: decisionOffered,
    run: (ctx, sid, input) => done(decide(ctx, sid, input)),
  },
  {
    // Art. 7: a committee member's opinion on the application or renewal awaiting a decision (their assigned ones)
    op: 'opinion',
    article: 'Art. 7',
    roles: ['committee'],
    fields: [{ name: 'opinion', kind: 'textarea', max: 5000 }],
    schema: OpinionRequest,
    offered: decisionOffered,
    run: (ctx, sid, input) => done(giveOpinion(ctx, sid, input)),
  },
  {
    op: 'refuse',
    article: 'Art. 6.4',
    roles: ACT,
    fields: [{ name: 'reason', kind: 'textarea', max: 5000 }, ...decisionFields],
    schema: DecisionRequest,
    shape: (b) => ({ ...b, outcome: 'refuse' }),
    offered: decisionOffered,
    run: (ctx, sid, input) => done(decide(ctx, sid, input)),
  },
  {
    op: 'renew',
    article: 'Art. 12.1',
    roles: ACT,
    fields: [
      { name: 'selfDeclaration.usedMarkCorrectly', kind: 'checkbox' },
      { name: 'selfDeclaration.statement', kind: 'textarea', max: 5000 },
      { name: 'overrideReason', kind: 'textarea', optional: true, max: 2000 },
      receivedOn,
    ],
    schema: RenewalRequest,
    offered: is('certified'),
    run: (ctx, sid, input) => done(fileRenewal(ctx, sid, input)),
  },
  {
    op: 'extend',
    article: 'Art. 12.2',
    roles: ACT,
    fields: [
      { name: 'until', kind: 'date' },
      { name: 'reason', kind: 'textarea', max: 2000 },
    ],
    schema: ExtensionRequest,
    offered: is('renewal_pending'),
    run: (ctx, sid, input) => done(extend(ctx, sid, input)),
  },
  {
    op: 'change',
    article: 'Art. 13.1',
    roles: ACT,
    fields: [{ name: 'items', kind: 'items' }, { name: 'note', kind: 'textarea', max: 2000 }, receivedOn],
    schema: ChangeRequest,
    offered: is('applied', 'certified', 'renewal_pending', 'expired'),
    run: (ctx, sid, input) => done(changeDisclosure(ctx, sid, input)),
  },
  {
    op: 'emergency',
    article: 'Art. 14',
    roles: ACT,
    fields: [{ name: 'kind', kind: 'select', options: ['outage', 'leak', 'other'] }, { name: 'summary', kind: 'textarea', max: 5000 }, receivedOn],
    schema: EmergencyRequest,
    offered: SUPERVISED,
    run: (ctx, sid, input) => done(reportEmergency(ctx, sid, input)),
  },
  {
    op: 'emergency-report',
    article: 'Art. 14',
    roles: ACT,
    fields: [
      { name: 'emergency', kind: 'select' },
      { name: 'report', kind: 'textarea', max: 5000 },
      { name: 'close', kind: 'checkbox' },
    ],
    schema: EmergencyReportRequest.extend({ emergency: id() }),
    offered: (s) => s.oversight.emergencies.some((e) => !e.closedAt),
    run: (ctx, sid, { emergency, ...input }) => done(reportEmergencyProgress(ctx, sid, emergency, input)),
  },
  {
    op: 'investigation',
    article: 'Art. 15',
    roles: ACT,
    fields: [
      { name: 'subject', kind: 'textarea', max: 5000 },
      { name: 'dueOn', kind: 'date' },
    ],
    schema: InvestigationRequest,
    offered: SUPERVISED,
    run: (ctx, sid, input) => done(requestInvestigation(ctx, sid, input)),
  },
  {
    op: 'improvement',
    article: 'Art. 16.1',
    roles: ACT,
    fields: [
      { name: 'investigationId', kind: 'select' },
      { name: 'content', kind: 'textarea', max: 5000 },
      { name: 'dueOn', kind: 'date' },
      { name: 'publish', kind: 'checkbox' },
    ],
    schema: ImprovementRequest,
    offered: (s) => SUPERVISED(s) && s.oversight.investigations.length > 0,
    run: (ctx, sid, input) => done(requestImprovement(ctx, sid, input)),
  },
  {
    op: 'investigation-answer',
    article: 'Art. 15',
    roles: ACT,
    fields: [
      { name: 'investigation', kind: 'select' },
      { name: 'summary', kind: 'textarea', max: 5000 },
      { name: 'satisfactory', kind: 'checkbox' },
    ],
    schema: InvestigationAnswerRequest.extend({ investigation: id() }),
    offered: (s) => s.oversight.investigations.some((i) => !i.answer),
    run: (ctx, sid, { investigation, ...input }) => done(recordInvestigationAnswer(ctx, sid, investigation, input)),
  },
  {
    op: 'improvement-publication',
    article: 'Art. 16.2',
    roles: ACT,
    fields: [{ name: 'improvement', kind: 'select' }],
    schema: z.object({ improvement: id() }),
    offered: (s) => s.oversight.improvements.some((i) => !i.publishedAt),
    run: (ctx, sid, input) => done(publishImprovement(ctx, sid, input.improvement)),
  },
  {
    op: 'improvement-completion',
    article: 'Art. 16.1',
    roles: ACT,
    fields: [
      { name: 'improvement', kind: 'select' },
      { name: 'note', kind: 'textarea', max: 2000 },
    ],
    schema: ImprovementCompletionRequest.extend({ improvement: id() }),
    offered: (s) => s.oversight.improvements.some((i) => !i.completedAt),
    run: (ctx, sid, { improvement, ...input }) => done(completeImprovement(ctx, sid, improvement, input)),
  },
  {
    op: 'origins',
    article: 'Art. 10.2',
    roles: ACT,
    fields: [{ name: 'origins', kind: 'lines' }],
    schema: OriginsRequest,
    offered: (s) => SITES_MAY_CHANGE.includes(s.status),
    run: (ctx, sid, input) => done(changeOrigins(ctx, sid, input.origins)),
  },
  {
    op: 'terminate',
    article: 'Art. 13.2',
    roles: ACT,
    fields: [{ name: 'certificateReturned', kind: 'checkbox' }, { name: 'terminatedOn', kind: 'date', optional: true }, receivedOn],
    schema: TerminationRequest,
    offered: SUPERVISED,
    run: (ctx, sid, input) => done(terminate(ctx, sid, input)),
  },
  {
    op: 'lapse',
    article: 'Art. 9.2',
    roles: ACT,
    fields: [
      { name: 'cause', kind: 'select', options: ['transfer', 'merger', 'split', 'inheritance'] },
      { name: 'note', kind: 'textarea', max: 2000 },
      { name: 'effectiveOn', kind: 'date', optional: true },
    ],
    schema: LapseRequest,
    offered: is('certified', 'renewal_pending'),
    run: (ctx, sid, input) => done(lapse(ctx, sid, input)),
  },
  {
    op: 'certificate-return',
    article: 'Art. 13.3',
    roles: ACT,
    fields: [],
    schema: z.object({}),
    offered: (s) => s.closure !== null && s.closure.certificateReturned === false,
    run: (ctx, sid) => done(returnCertificate(ctx, sid)),
  },
  {
    op: 'revoke',
    article: 'Art. 17.1',
    roles: ['admin'],
    fields: [
      { name: 'ground', kind: 'select', options: ['1', '2', '3', '4', '5', '6', '7', '8', '9'], numeric: true },
      { name: 'reason', kind: 'textarea', max: 5000 },
      { name: 'noticeSentBy', kind: 'select', options: NOTICE_DELIVERIES },
      { name: 'notice', kind: 'textarea', optional: true, max: 5000 },
    ],
    schema: RevocationRequest,
    offered: SUPERVISED,
    run: async (ctx, sid, input, rc) => {
      const r = await revokeOrPropose(ctx, sid, { ...input, ground: input.ground as RevocationGround }, rc.approvals);
      return { proposed: r.kind === 'proposed' };
    },
  },
];

export const operationOf = (op: string): OpDef | undefined => OPERATIONS.find((d) => d.op === op);

/** The operations a staff member may start on a service now (none for auditors and committee members). */
export function offeredOperations(role: StaffRole, s: ServiceDetail): OpDef[] {
  return OPERATIONS.filter((d) => d.roles.includes(role) && d.offered(s));
}
