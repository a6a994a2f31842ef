import { createRoute, z } from '@hono/zod-openapi';
import { FINDING_ARTICLES } from '../../console/evidence-words';
import { AppError } from '../../errors';
import { newRouter } from '../../http/router';
import {
  actOnCase,
  caseAfterAction,
  caseForStaff,
  casesForStaff,
  dismissCase,
  sightingImageForStaff,
  type CaseActionDone,
  type CaseActionRow,
  type CaseView,
  type SightingRow,
} from '../../sightings/cases';
import type { Db } from '../../db/database';
import { addDays, jstDate } from '../../domain/calendar';
import { NOTICE_DELIVERIES } from '../../domain/lifecycle/events';
import { requireRole } from '../../http/staff-auth';
import { RevocationProposalOut } from './revocation-schemas';
import { FINDINGS } from '../../sightings/detect';
import { CalendarDate, cursorInstant, id, IdParam, optionalText } from './schemas';
import { jsonBody, jsonOk, lifecycleContext, problems, roleGuard, security, staffReader, TAG } from './shared';

const SIGHTINGS_SHOWN = 100;
const CaseParam = IdParam('case', 'the case id');
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

const CaseOut = z
  .object({
    id: z.string(),
    serviceId: z.string().nullable(),
    serviceNumber: z.string().nullable(),
    pageUrl: z.string(),
    pageOrigin: z.string(),
    finding: z.enum(FINDINGS),
    article: z.string(),
    status: z.enum(['open', 'dismissed', 'actioned']),
    sightingsCount: z.number(),
    firstSeenAt: z.string(),
    lastSeenAt: z.string(),
    closedAt: z.string().nullable(),
    closeReason: z.string().nullable(),
    action: z.record(z.string(), z.unknown()).nullable(),
    seenSinceClosed: z.boolean().openapi({ description: 'the page was seen again with this finding after the case was closed' }),
    awaiting: z
      .enum(['investigation', 'improvement', 'revocation'])
      .nullable()
      .openapi({ description: 'what the open case waits for: a request until its due date, or a second admin’s decision on a revocation' }),
    dueOn: z.string().nullable().openapi({ description: 'the due date of the request awaited (JST); a sighting after it reopens the case' }),
    repeatCount: z.number().int().openapi({ description: 'sightings after the first' }),
    reopenCount: z.number().int().openapi({ description: 'times the case reopened: seen again after the due date of its request' }),
  })
  .openapi('MisuseCase');
const HistoryEntry = z
  .object({
    id: z.string(),
    at: z.string(),
    by: z.string(),
    kind: z.enum([
      'dismissed',
      'investigation',
      'improvement',
      'revocation_proposal',
      'reopened',
      'revocation_approved',
      'revocation_rejected',
      'revocation_withdrawn',
    ]),
    details: z.record(z.string(), z.unknown()),
    eventIds: z.array(z.number().int()).openapi({ description: 'the events this action caused, on the chain' }),
  })
  .openapi('CaseHistoryEntry');
const CaseWithHistory = CaseOut.extend({ history: z.array(HistoryEntry) }).openapi('MisuseCaseWithHistory');
const CaseActed = CaseWithHistory.extend({
  actionId: z.string().openapi({ description: 'the entry this action added to the case’s history' }),
  eventIds: z.array(z.number().int()).openapi({ description: 'the events this action caused' }),
}).openapi('MisuseCaseActedOn');
const SightingOut = z
  .object({
    id: z.string(),
    seenAt: z.string(),
    receivedAt: z.string(),
    crawlerKeyId: z.string(),
    pageUrl: z.string(),
    linkHref: z.string().nullable(),
    token: z.string().nullable(),
    imageSha256: z.string().nullable(),
    findings: z.array(z.string()),
    evidence: z.record(z.string(), z.unknown()),
  })
  .openapi('Sighting');
const CaseDetail = CaseWithHistory.extend({ sightings: z.array(SightingOut), revocationProposals: z.array(RevocationProposalOut) }).openapi(
  'MisuseCaseWithSightings',
);
const CaseList = z.object({ cases: z.array(CaseOut), nextCursor: z.string().nullable() }).openapi('MisuseCases');
const CaseQuery = z.object({
  status: z.enum(['open', 'dismissed', 'actioned']).optional(),
  queue: z
    .enum(['review', 'awaiting'])
    .optional()
    .openapi({ description: 'open cases that need a person now (`review`), or that wait for a request or a decision (`awaiting`)' }),
  finding: z.enum(FINDINGS).optional(),
  service: id().optional().openapi({ description: 'a service id or certification number' }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
const Dismissal = z.object({ reason: text(2000) }).openapi('CaseDismissal');
const Action = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('investigation'), subject: text(5000), dueOn: CalendarDate }),
    z.object({
      kind: z.literal('improvement'),
      investigationId: text(100).optional().openapi({ description: 'Art. 16.1: the investigation it follows; without it, one is opened for the case' }),
      content: text(5000),
      dueOn: CalendarDate,
      publish: z.boolean().default(false),
    }),
    z.object({
      kind: z.literal('revocation_proposal'),
      reason: text(5000),
      notice: optionalText(5000).openapi({ description: 'Art. 17.2: the text of the written notice to be sent' }),
      noticeSentBy: z.enum(NOTICE_DELIVERIES).optional(),
    }),
  ])
  .openapi('CaseAction');

const caseOut = (c: CaseView) => ({
  id: c.id,
  serviceId: c.service_id,
  serviceNumber: c.service_number,
  pageUrl: c.page_url,
  pageOrigin: c.page_origin,
  finding: c.finding as (typeof FINDINGS)[number],
  article: FINDING_ARTICLES[c.finding] ?? 'Art. 10',
  status: c.status,
  sightingsCount: c.sightings_count,
  firstSeenAt: iso(c.first_seen_at)!,
  lastSeenAt: iso(c.last_seen_at)!,
  closedAt: iso(c.closed_at),
  closeReason: c.close_reason,
  action: c.action,
  seenSinceClosed: c.closed_at !== null && new Date(c.last_seen_at) > new Date(c.closed_at),
  awaiting: c.awaiting,
  dueOn: c.awaiting_until === null ? null : addDays(jstDate(new Date(c.awaiting_until)), -1),
  repeatCount: c.sightings_count - 1,
  reopenCount: c.reopen_count,
});
const historyOut = (h: CaseActionRow) => ({ id: h.id, at: iso(h.at)!, by: h.actor, kind: h.kind, details: h.details, eventIds: h.event_ids });
const sightingOut = (s: SightingRow) => ({
  id: s.id,
  seenAt: iso(s.seen_at)!,
  receivedAt: iso(s.created_at)!,
  crawlerKeyId: s.crawler_key_id,
  pageUrl: s.page_url,
  linkHref: s.link_href,
  token: s.token,
  imageSha256: s.image_sha256,
  findings: s.findings,
  evidence: s.evidence,
});

const cursorOf = (c: CaseView) => Buffer.from(JSON.stringify([iso(c.last_seen_at), c.id])).toString('base64url');
function parseCursor(cursor: string | undefined): { lastSeenAt: Date; id: string } | null {
  if (!cursor) return null;
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    const lastSeenAt = cursorInstant(at);
    if (typeof id !== 'string' || !lastSeenAt) throw new Error('bad cursor');
    return { lastSeenAt, id };
  } catch {
    throw new AppError('invalid', 'cursor is not one this API gave', { field: 'cursor' });
  }
}

async function acted(db: Db, id: string, done: CaseActionDone) {
  const { found, history } = await caseAfterAction(db, id);
  return { ...caseOut(found), history: history.map(historyOut), actionId: done.actionId, eventIds: done.eventIds };
}

/** Misuse cases raised from crawler sightings, for staff (confidential, Art. 20: every read of one is audited). */
export function caseRoutes() {
  const r = newRouter();
  const writers = [roleGuard('admin', 'reviewer')];

  r.openapi(
    createRoute({
      method: 'get',
      path: '/cases',
      tags: [TAG],
      security,
      summary: 'Misuse cases, last seen first; filter by status, finding and service (audited read, Art. 20)',
      request: { query: CaseQuery },
      responses: { 200: jsonOk(CaseList, 'the cases'), 400: problems[400], 401: problems[401], 404: problems[404] },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const filter = {
        status: q.status ?? null,
        awaiting: q.queue === undefined ? null : q.queue === 'awaiting',
        finding: q.finding ?? null,
        service: q.service ?? null,
        scope: c.get('staff').scope,
        limit: q.limit,
        before: parseCursor(q.cursor),
      };
      const rows = await casesForStaff(staffReader(c), filter, new URL(c.req.url).search);
      return c.json({ cases: rows.map(caseOut), nextCursor: rows.length === q.limit ? cursorOf(rows.at(-1)!) : null }, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/cases/{case}',
      tags: [TAG],
      security,
      summary: 'One case with its sightings and their measured evidence (audited read, Art. 20)',
      request: { params: CaseParam },
      responses: { 200: jsonOk(CaseDetail, 'the case'), 401: problems[401], 404: problems[404] },
    }),
    async (c) => {
      const { case: id } = c.req.valid('param') as { case: string };
      const { found, sightings, history, proposals } = await caseForStaff(staffReader(c), id, SIGHTINGS_SHOWN);
      return c.json({ ...caseOut(found), history: history.map(historyOut), sightings: sightings.map(sightingOut), revocationProposals: proposals }, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/sighting-images/{sha256}',
      tags: [TAG],
      security,
      summary: 'An image a crawler sent, as stored: PNG or JPEG without metadata (audited read, Art. 20)',
      request: {
        params: z.object({
          sha256: z
            .string()
            .regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hexadecimal digits')
            .openapi({ param: { name: 'sha256', in: 'path' } }),
        }),
      },
      responses: {
        200: {
          content: { 'image/png': { schema: z.string().openapi({ format: 'binary' }) }, 'image/jpeg': { schema: z.string().openapi({ format: 'binary' }) } },
          description: 'the image',
        },
        401: problems[401],
        404: problems[404],
      },
    }),
    async (c) => {
      const { sha256 } = c.req.valid('param');
      const image = await sightingImageForStaff(staffReader(c), sha256);
      return c.body(new Uint8Array(image.bytes), 200, { 'Content-Type': image.contentType, 'Cache-Control': 'private, no-store' });
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/cases/{case}/dismissal',
      tags: [TAG],
      security,
      middleware: writers,
      summary: 'Close an open case as dismissed, with the reason',
      request: { params: CaseParam, ...jsonBody(Dismissal) },
      responses: { 200: jsonOk(CaseActed, 'dismissed'), 400: problems[400], 401: problems[401], 403: problems[403], 404: problems[404], 409: problems[409] },
    }),
    async (c) => {
      const { case: id } = c.req.valid('param') as { case: string };
      const done = await dismissCase(lifecycleContext(c), id, c.req.valid('json').reason);
      return c.json(await acted(c.get('deps').database.db, id, done), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/cases/{case}/actions',
      tags: [TAG],
      security,
      middleware: writers,
      summary: 'Act on an open case: an investigation request (Art. 15), an improvement request (Art. 16) or a revocation proposal (Art. 17.1(3))',
      description:
        'The case stays open and waits for the request’s due date (a sighting after it reopens the case) or for the decision on the revocation proposed; it may be escalated meanwhile. A revocation proposal is an admin’s, and another admin approves it (`/revocation-proposals`).',
      request: { params: CaseParam, ...jsonBody(Action) },
      responses: {
        200: jsonOk(CaseActed, 'acted on'),
        400: problems[400],
        401: problems[401],
        403: problems[403],
        404: problems[404],
        409: problems[409],
        422: problems[422],
      },
    }),
    async (c) => {
      const { case: id } = c.req.valid('param') as { case: string };
      const action = c.req.valid('json');
      if (action.kind === 'revocation_proposal') requireRole(c, 'admin'); // Art. 17: revocation is the admins'
      const done = await actOnCase(lifecycleContext(c), id, action);
      return c.json(await acted(c.get('deps').database.db, id, done), 200);
    },
  );

  return r;
}
