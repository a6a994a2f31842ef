import { AppError, invalid } from '../../errors';
import type { CalendarDate } from '../calendar';
import { newId, onService, requireStatus, type LifecycleContext, enteredDay } from './context';
import type { FiledAttachment, LifecycleEvent } from './events';

const SUPERVISED = ['certified', 'renewal_pending', 'expired'] as const;

export interface Emergency {
  id: string;
  kind: string;
  summary: string;
  reportedAt: Date;
  reports: { at: Date; report: string }[];
  closedAt: Date | null;
}
/** What the vendor filed in answer to a request (Arts. 15.1, 16.1), through the portal: confidential (Art. 20). */
export interface VendorResponse {
  at: Date;
  actor: string;
  text: string;
  documents: FiledAttachment[];
}
export interface Investigation {
  id: string;
  subject: string;
  dueOn: CalendarDate;
  requestedAt: Date;
  /** The vendor's answers so far; with no `answer` yet, they await staff's judgement. */
  responses: VendorResponse[];
  answer: { at: Date; summary: string; satisfactory: boolean } | null;
  overdue: boolean;
}
export interface Improvement {
  id: string;
  investigationId: string | null;
  content: string;
  dueOn: CalendarDate;
  requestedAt: Date;
  publishedAt: Date | null;
  /** The vendor's reports of what was done; with no `completedAt` yet, they await staff's judgement. */
  reports: VendorResponse[];
  completedAt: Date | null;
  overdue: boolean;
}

/** An open request the vendor has answered: received, awaiting staff's judgement (Arts. 15.1, 16.1). */
export const awaitingJudgement = (r: Investigation | Improvement): boolean =>
  'subject' in r ? !r.answer && r.responses.length > 0 : !r.completedAt && r.reports.length > 0;

/** Art. 14–16, folded from the events. Confidential except improvements with publishedAt (Art. 16.2). */
export function oversightOf(events: readonly LifecycleEvent[], today: CalendarDate) {
  const emergencies = new Map<string, Emergency>();
  const investigations = new Map<string, Investigation>();
  const improvements = new Map<string, Improvement>();
  for (const e of events) {
    switch (e.type) {
      case 'emergency.reported':
        emergencies.set(e.payload.emergencyId, {
          id: e.payload.emergencyId,
          kind: e.payload.kind,
          summary: e.payload.summary,
          reportedAt: e.at,
          reports: [],
          closedAt: null,
        });
        break;
      case 'emergency.progress':
      case 'emergency.closed': {
        const em = emergencies.get(e.payload.emergencyId);
        if (!em) break;
        em.reports.push({ at: e.at, report: e.payload.report });
        if (e.type === 'emergency.closed') em.closedAt = e.at;
        break;
      }
      case 'investigation.requested':
        investigations.set(e.payload.investigationId, {
          id: e.payload.investigationId,
          subject: e.payload.subject,
          dueOn: e.payload.dueOn,
          requestedAt: e.at,
          responses: [],
          answer: null,
          overdue: false,
        });
        break;
      case 'investigation.response_filed': {
        const inv = investigations.get(e.payload.investigationId);
        if (inv) inv.responses.push({ at: e.at, actor: e.actor, text: e.payload.text, documents: e.payload.documents });
        break;
      }
      case 'investigation.answered': {
        const inv = investigations.get(e.payload.investigationId);
        if (inv) inv.answer = { at: e.at, summary: e.payload.summary, satisfactory: e.payload.satisfactory };
        break;
      }
      case 'improvement.requested':
        improvements.set(e.payload.improvementId, {
          id: e.payload.improvementId,
          investigationId: e.payload.investigationId ?? null,
          content: e.payload.content,
          dueOn: e.payload.dueOn,
          requestedAt: e.at,
          publishedAt: e.payload.publish ? e.at : null,
          reports: [],
          completedAt: null,
          overdue: false,
        });
        break;
      case 'improvement.published': {
        const imp = improvements.get(e.payload.improvementId);
        if (imp && !imp.publishedAt) imp.publishedAt = e.at;
        break;
      }
      case 'improvement.report_filed': {
        const imp = improvements.get(e.payload.improvementId);
        if (imp) imp.reports.push({ at: e.at, actor: e.actor, text: e.payload.text, documents: e.payload.documents });
        break;
      }
      case 'improvement.completed': {
        const imp = improvements.get(e.payload.improvementId);
        if (imp) imp.completedAt = e.at;
        break;
      }
      default:
    }
  }
  // Art. 15: overdue requests are visible; one the vendor has answered waits on staff, not on the vendor.
  for (const inv of investigations.values()) inv.overdue = !inv.answer && inv.responses.length === 0 && today > inv.dueOn;
  for (const imp of improvements.values()) imp.overdue = !imp.completedAt && imp.reports.length === 0 && today > imp.dueOn;
  return { emergencies: [...emergencies.values()], investigations: [...investigations.values()], improvements: [...improvements.values()] };
}

function dueNotPast(dueOn: CalendarDate, today: CalendarDate) {
  if (dueOn < today) throw invalid('dueOn', 'the due date has already passed');
}

/** Art. 14: notice of an outage, a leak or another incident. */
export async function reportEmergency(
  ctx: LifecycleContext,
  serviceId: string,
  input: { kind: 'outage' | 'leak' | 'other'; summary: string; receivedOn?: CalendarDate | null },
) {
  const emergencyId = newId(ctx);
  const r = await onService(ctx, serviceId, (v) => {
    requireStatus(v, SUPERVISED, 'Art. 14', 'an emergency notice');
    const receivedOn = enteredDay(v, input.receivedOn, 'receivedOn', 'the day the emergency notice arrived');
    return { events: [{ type: 'emergency.reported', payload: { emergencyId, kind: input.kind, summary: input.summary, receivedOn } }] };
  });
  return { id: emergencyId, ...r };
}

/** Art. 14: progress reports until the emergency is closed. */
export async function reportEmergencyProgress(ctx: LifecycleContext, serviceId: string, emergencyId: string, input: { report: string; close: boolean }) {
  return onService(ctx, serviceId, (v) => {
    const em = oversightOf(v.events, v.today).emergencies.find((x) => x.id === emergencyId);
    if (!em) throw new AppError('not_found', `no emergency ${emergencyId} for this service`, { field: 'emergency' });
    if (em.closedAt) throw new AppError('forbidden_transition', 'the emergency is already closed', { article: 'Art. 14' });
    return { events: [{ type: input.close ? 'emergency.closed' : 'emergency.progress', payload: { emergencyId, report: input.report } }] };
  });
}

/** Art. 15.1: a request for explanations or materials, with a due date. */
export async function requestInvestigation(ctx: LifecycleContext, serviceId: string, input: { subject: string; dueOn: CalendarDate }) {
  const investigationId = newId(ctx);
  const r = await onService(ctx, serviceId, (v) => {
    requireStatus(v, SUPERVISED, 'Art. 15', 'an investigation request');
    dueNotPast(input.dueOn, v.today);
    return { events: [{ type: 'investigation.requested', payload: { investigationId, ...input } }] };
  });
  return { id: investigationId, ...r };
}

export async function recordInvestigationAnswer(
  ctx: LifecycleContext,
  serviceId: string,
  investigationId: string,
  input: { summary: string; satisfactory: boolean },
) {
  return onService(ctx, serviceId, (v) => {
    const inv = oversightOf(v.events, v.today).investigations.find((x) => x.id === investigationId);
    if (!inv) throw new AppError('not_found', `no investigation ${investigationId} for this service`, { field: 'investigation' });
    if (inv.answer) throw new AppError('conflict', 'the investigation has already been answered', { article: 'Art. 15' });
    return { events: [{ type: 'investigation.answered', payload: { investigationId, ...input } }] };
  });
}

/**
 * Art. 16.1: an improvement request follows "the result of the investigation of the preceding article", so it
 * names an investigation of the same service; with a due date. Art. 16.2: staff may publish it.
 */
export async function requestImprovement(
  ctx: LifecycleContext,
  serviceId: string,
  input: { investigationId: string; content: string; dueOn: CalendarDate; publish: boolean },
) {
  const improvementId = newId(ctx);
  const r = await onService(ctx, serviceId, (v) => {
    requireStatus(v, SUPERVISED, 'Art. 16.1', 'an improvement request');
    dueNotPast(input.dueOn, v.today);
    if (!oversightOf(v.events, v.today).investigations.some((i) => i.id === input.investigationId)) {
      throw new AppError(
        'unprocessable',
        `no investigation ${input.investigationId} of this service: an improvement request follows an investigation (Art. 15)`,
        {
          field: 'investigationId',
          article: 'Art. 16.1',
        },
      );
    }
    return { events: [{ type: 'improvement.requested', payload: { improvementId, ...input } }] };
  });
  return { id: improvementId, ...r };
}

export async function publishImprovement(ctx: LifecycleContext, serviceId: string, improvementId: string) {
  return onService(ctx, serviceId, (v) => {
    const imp = oversightOf(v.events, v.today).improvements.find((x) => x.id === improvementId);
    if (!imp) throw new AppError('not_found', `no improvement request ${improvementId} for this service`, { field: 'improvement' });
    if (imp.publishedAt) throw new AppError('conflict', 'the improvement request is already published', { article: 'Art. 16.2' });
    return { events: [{ type: 'improvement.published', payload: { improvementId } }] };
  });
}

export async function completeImprovement(ctx: LifecycleContext, serviceId: string, improvementId: string, input: { note: string }) {
  return onService(ctx, serviceId, (v) => {
    const imp = oversightOf(v.events, v.today).improvements.find((x) => x.id === improvementId);
    if (!imp) throw new AppError('not_found', `no improvement request ${improvementId} for this service`, { field: 'improvement' });
    if (imp.completedAt) throw new AppError('conflict', 'the improvement request is already completed', { article: 'Art. 16.1' });
    return { events: [{ type: 'improvement.completed', payload: { improvementId, note: input.note } }] };
  });
}

/**
 * Art. 15.1: the vendor's explanation or materials in answer to an open investigation request (`documents`: PDFs
 * already filed for the service in the same transaction). Staff judge it afterwards (`recordInvestigationAnswer`).
 */
export async function fileInvestigationResponse(
  ctx: LifecycleContext,
  serviceId: string,
  investigationId: string,
  input: { text: string; documents: FiledAttachment[] },
) {
  return onService(ctx, serviceId, (v) => {
    const inv = oversightOf(v.events, v.today).investigations.find((x) => x.id === investigationId);
    if (!inv) throw new AppError('not_found', `no investigation ${investigationId} for this service`, { field: 'request' });
    if (inv.answer) throw new AppError('conflict', 'the investigation has already been judged', { article: 'Art. 15' });
    return { events: [{ type: 'investigation.response_filed', payload: { investigationId, text: input.text, documents: input.documents } }] };
  });
}

/** Art. 16.1: the vendor's report of the improvement made, while the request is open. Staff close it (`completeImprovement`). */
export async function fileImprovementReport(
  ctx: LifecycleContext,
  serviceId: string,
  improvementId: string,
  input: { text: string; documents: FiledAttachment[] },
) {
  return onService(ctx, serviceId, (v) => {
    const imp = oversightOf(v.events, v.today).improvements.find((x) => x.id === improvementId);
    if (!imp) throw new AppError('not_found', `no improvement request ${improvementId} for this service`, { field: 'request' });
    if (imp.completedAt) throw new AppError('conflict', 'the improvement request is already completed', { article: 'Art. 16.1' });
    return { events: [{ type: 'improvement.report_filed', payload: { improvementId, text: input.text, documents: input.documents } }] };
  });
}
