import { NOTICE_DELIVERIES } from '../../domain/lifecycle/events';
import { z } from '@hono/zod-openapi';
import { ENTERED_DATES, isCalendarDate, isEnteredDate } from '../../domain/calendar';
import { STATUSES } from '../../domain/lifecycle/state';

/** Shared request and response schemas of the staff API. Validation failures name the field (src/http/router.ts). */

/** PostgreSQL text cannot hold NUL: refused here as bad input, never a failed insert (a 500). */
const NO_NUL = /^[^\u0000]*$/;
export const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`).regex(NO_NUL, 'must not contain NUL characters');
/** An id in a path, a query or a body: no control characters (a NUL never reaches the database). */
export const id = () =>
  z
    .string()
    .min(1)
    .max(100)
    .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters');
export const optionalText = (max: number) => text(max).nullable().default(null);

export const CalendarDate = z
  .string()
  .refine(isCalendarDate, 'must be a calendar date (YYYY-MM-DD, Asia/Tokyo)')
  .refine(isEnteredDate, `must lie between ${ENTERED_DATES.min} and ${ENTERED_DATES.max}`)
  .openapi({ format: 'date', example: '2026-04-01' });

export const Instant = z.iso.datetime({ offset: true, message: 'must be an RFC 3339 date-time' }).openapi({ example: '2026-04-01T14:59:00Z' });

/**
 * The instant in a page cursor, only as this API writes it (Date#toISOString, a four-digit year): a cursor made
 * up with a far year (+275760-09-13T00:00:00.000Z) would otherwise reach the database as a timestamp it cannot
 * read, a 500.
 */
export function cursorInstant(at: unknown): Date | null {
  if (typeof at !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(at)) return null;
  const instant = new Date(at);
  return Number.isNaN(instant.getTime()) || instant.toISOString() !== at ? null : instant;
}

export const ServiceParam = z.object({
  service: id().openapi({ param: { name: 'service', in: 'path' }, description: 'the service id or its certification number', example: 'MD-0042-2411' }),
});

export const IdParam = (name: string, description: string) => z.object({ [name]: id().openapi({ param: { name, in: 'path' }, description }) });

/** A web origin as the browser sends it in `Origin`: scheme, host and port, nothing else (Art. 10.2). */
export const Origin = z
  .string()
  .max(255)
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === s;
    } catch {
      return false;
    }
  }, 'must be a web origin such as https://clinic.example.jp (no path, no trailing slash)')
  .openapi({ example: 'https://clinic-cloud.example.jp' });

export const Origins = z
  .array(Origin)
  .max(50)
  .refine((list) => new Set(list).size === list.length, 'origins must not repeat');

/** Art. 11.1(1), 11.2: one item of the application content (form B); withheld items need their reason. */
export const DisclosureItem = z
  .object({
    key: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be a key such as service.overview (a-z, 0-9, . _ -)'),
    labelJa: text(200),
    labelEn: optionalText(200),
    valueJa: text(10_000),
    valueEn: optionalText(10_000),
    withheld: z.boolean().default(false),
    withheldReason: optionalText(2000),
  })
  .refine((i) => !i.withheld || i.withheldReason !== null, {
    message: 'a withheld item needs the reason for withholding it (Art. 11.2)',
    path: ['withheldReason'],
  })
  .openapi('DisclosureItem');

export const DisclosureItems = z
  .array(DisclosureItem)
  .min(1, 'at least one item of the application content is needed')
  .max(200)
  .superRefine((items, ctx) => {
    const seen = new Set<string>();
    items.forEach((it, i) => {
      if (seen.has(it.key)) ctx.addIssue({ code: 'custom', message: `the key ${it.key} appears twice`, path: [i, 'key'] });
      seen.add(it.key);
    });
  });

// Requests

export const NewVendor = z
  .object({
    nameJa: text(200),
    nameEn: optionalText(200),
    contact: z
      .record(z.string().max(100), z.unknown())
      .refine((c) => !JSON.stringify(c).includes('\\u0000'), 'must not contain NUL characters')
      .refine((c) => JSON.stringify(c).length <= 20_000, 'must be at most 20,000 characters as JSON')
      .default({}),
    noticeEmails: z
      .array(z.email('must be an e-mail address').max(254))
      .max(10, 'at most 10 addresses')
      .default([])
      .openapi({ description: 'where written notices go (Arts. 6.4, 15.1, 16.1, 17.2 …)' }),
    language: z.enum(['ja', 'en']).default('ja').openapi({ description: 'the language of its notices' }),
  })
  .openapi('NewVendor');

export const NewService = z
  .object({
    vendorId: id(),
    nameJa: text(200),
    nameEn: optionalText(200),
    origins: Origins.default([]),
    continues: id().nullish().openapi({
      description:
        'Art. 8 on the offering: the earlier service of the vendor this one continues, or null for a new offering. Required (409 listing the candidates) when the vendor had a similar service revoked within the year',
    }),
  })
  .openapi('NewService');

/** The day a filing arrived (JST): today when absent; never in the future, never before the service's last event. */
const ReceivedOn = (what: string) => CalendarDate.nullish().openapi({ description: `the day ${what} arrived (JST); today when absent` });
/** The day an event took effect (JST): today when absent; same bounds. */
const EffectiveOn = (what: string) => CalendarDate.nullish().openapi({ description: `${what} (JST); today when absent` });

export const ApplicationRequest = z
  .object({
    documents: z.array(text(500)).min(1, 'list the documents submitted (Art. 4)').max(50),
    feePaid: z.literal(true, 'the examination fee must be paid with the application (Art. 5)'),
    items: DisclosureItems,
    receivedOn: ReceivedOn('the application'),
  })
  .openapi('Application');

export const DecisionRequest = z
  .object({
    outcome: z.enum(['certify', 'refuse']),
    notice: text(5000).openapi({ description: 'Art. 6.4: what was notified to the applicant' }),
    reason: optionalText(5000).openapi({ description: 'Art. 6.4: required when refusing' }),
    committeeOpinion: optionalText(5000).openapi({ description: 'Art. 7: the committee opinion, if heard' }),
    decidedOn: CalendarDate.nullable().default(null),
  })
  .refine((d) => d.outcome !== 'refuse' || d.reason !== null, { message: 'a refusal needs the reason notified to the applicant (Art. 6.4)', path: ['reason'] })
  .openapi('Decision');

export const RenewalRequest = z
  .object({
    selfDeclaration: z.object({ usedMarkCorrectly: z.boolean(), statement: text(5000) }).openapi({ description: 'Art. 10.7' }),
    overrideReason: optionalText(2000).openapi({ description: 'staff accept a renewal outside the Art. 12.1 window for this reason' }),
    receivedOn: ReceivedOn('the renewal (the Art. 12.1 window is judged on this day)'),
  })
  .openapi('Renewal');

export const ExtensionRequest = z.object({ until: CalendarDate, reason: text(2000) }).openapi('Extension');

export const ChangeRequest = z.object({ items: DisclosureItems, note: text(2000), receivedOn: ReceivedOn('the change notice') }).openapi('ChangeNotice');

export const OriginsRequest = z.object({ origins: Origins }).openapi('Origins');

export const TerminationRequest = z
  .object({
    certificateReturned: z.boolean().openapi({ description: 'Art. 13.3: the certificate came with the notice; if not, it is listed as outstanding' }),
    terminatedOn: EffectiveOn('the day the service ended'),
    receivedOn: ReceivedOn('the termination notice'),
  })
  .openapi('Termination');

export const LapseRequest = z
  .object({
    cause: z.enum(['transfer', 'merger', 'split', 'inheritance']),
    note: text(2000),
    effectiveOn: EffectiveOn('Art. 9.2: the day of the transfer, merger, split or inheritance; the mark stops when the lapse is entered'),
  })
  .openapi('Lapse');

export const RevocationRequest = z
  .object({
    ground: z.number().int().min(1, 'must be one of the grounds of Art. 17.1, 1 to 9').max(9, 'must be one of the grounds of Art. 17.1, 1 to 9'),
    reason: text(5000),
    notice: optionalText(5000).openapi({ description: 'Art. 17.2: the text of the written notice, when one was sent' }),
    noticeSentBy: z
      .enum(NOTICE_DELIVERIES)
      .optional()
      .openapi({ description: 'Art. 17.2: how the written notice went out; `not_sent` (the default) records that none was sent yet' }),
  })
  .openapi('Revocation');

export const EmergencyRequest = z
  .object({ kind: z.enum(['outage', 'leak', 'other']), summary: text(5000), receivedOn: ReceivedOn('the emergency notice') })
  .openapi('Emergency');
export const EmergencyReportRequest = z.object({ report: text(5000), close: z.boolean().default(false) }).openapi('EmergencyReport');
export const InvestigationRequest = z.object({ subject: text(5000), dueOn: CalendarDate }).openapi('Investigation');
export const InvestigationAnswerRequest = z.object({ summary: text(5000), satisfactory: z.boolean() }).openapi('InvestigationAnswer');
export const ImprovementRequest = z
  .object({
    investigationId: text(100).openapi({ description: 'Art. 16.1: the investigation (Art. 15) whose result this follows' }),
    content: text(5000),
    dueOn: CalendarDate,
    publish: z.boolean().default(false),
  })
  .openapi('Improvement');
export const ImprovementCompletionRequest = z.object({ note: text(2000) }).openapi('ImprovementCompletion');

/** Arts. 7, 19: `delegate` and `committee` tokens reach only the services assigned to them. */
export const StaffRole = z.enum(['admin', 'reviewer', 'auditor', 'delegate', 'committee']);

export const StaffTokenRequest = z
  .object({
    name: text(100),
    role: StaffRole,
    delegate: id().nullable().default(null).openapi({ description: 'Art. 19: the delegated body a delegate token works for (required for delegates only)' }),
  })
  .openapi('NewStaffToken');

// Responses

export const Status = z.enum(STATUSES);
const Json = z.record(z.string(), z.unknown());

export const Created = z.object({ id: z.string() }).openapi('Created');

export const Vendor = z.object({ id: z.string(), nameJa: z.string(), nameEn: z.string().nullable(), createdAt: z.string() }).openapi('Vendor');
export const VendorWithContact = Vendor.extend({ contact: Json, noticeEmails: z.array(z.string()), language: z.enum(['ja', 'en']) }).openapi(
  'VendorWithContact',
);

/** Where a vendor's written notices go, and in which language. */
export const NoticeSettingsRequest = z
  .object({
    noticeEmails: z.array(z.email('must be an e-mail address').max(254)).max(10, 'at most 10 addresses'),
    language: z.enum(['ja', 'en']),
  })
  .openapi('VendorNoticeSettings');

export const ServiceSummary = z
  .object({
    id: z.string(),
    number: z.string().nullable(),
    nameJa: z.string(),
    nameEn: z.string().nullable(),
    vendorId: z.string(),
    vendorNameJa: z.string(),
    status: Status.nullable(),
    servesMark: z.boolean(),
    certifiedOn: z.string().nullable(),
    validThrough: z.string().nullable(),
    inForceThrough: z.string().nullable(),
  })
  .openapi('ServiceSummary');

export const StatusReport = z
  .object({ id: z.string(), number: z.string().nullable(), at: z.string(), status: Status.nullable(), servesMark: z.boolean() })
  .openapi('StatusReport');

export const EventOut = z
  .object({ id: z.number(), type: z.string(), at: z.string(), actor: z.string(), article: z.string().nullable(), payload: Json })
  .openapi('Event');

export const ItemOut = z.object({
  key: z.string(),
  labelJa: z.string(),
  labelEn: z.string().nullable(),
  valueJa: z.string(),
  valueEn: z.string().nullable(),
  withheld: z.boolean(),
  withheldReason: z.string().nullable(),
});

export const ServiceView = ServiceSummary.extend({
  createdAt: z.string(),
  checkedAt: z.string(),
  vendor: VendorWithContact,
  periods: z.array(z.object({ seq: z.number(), kind: z.enum(['initial', 'renewal']), certifiedOn: z.string(), validThrough: z.string() })),
  renewalWindow: z.object({ opensOn: z.string(), closesOn: z.string() }).nullable(),
  application: z.object({ appliedOn: z.string(), documents: z.array(z.string()) }).nullable(),
  refusal: z.object({ at: z.string(), reason: z.string(), kind: z.enum(['initial', 'renewal']) }).nullable(),
  renewal: z
    .object({
      filedOn: z.string(),
      selfDeclaration: z.object({ usedMarkCorrectly: z.boolean(), statement: z.string() }),
      overrideReason: z.string().nullable(),
    })
    .nullable(),
  extension: z.object({ until: z.string(), reason: z.string() }).nullable(),
  closure: Json.nullable(),
  disclosure: z.object({ version: z.number(), items: z.array(ItemOut) }),
  versions: z.array(
    z.object({ version: z.number(), eventId: z.number(), at: z.string(), note: z.string(), changedKeys: z.array(z.string()), items: z.array(ItemOut) }),
  ),
  origins: z.array(z.string()),
  oversight: z.object({ emergencies: z.array(Json), investigations: z.array(Json), improvements: z.array(Json) }),
  events: z.array(EventOut),
}).openapi('StaffServiceView');

export const OperationResult = z
  .object({
    service: z.object({ id: z.string(), number: z.string().nullable(), status: Status.nullable() }),
    events: z.array(EventOut),
    result: Json.nullable(),
  })
  .openapi('OperationResult');

export const OverdueList = z.object({ investigations: z.array(Json), improvements: z.array(Json) }).openapi('Overdue');

export const ChainReport = z
  .object({
    ok: z.boolean(),
    checked: z.number().openapi({ description: 'events whose hashes were recomputed' }),
    firstBadEventId: z.number().nullable(),
    problem: z.string().nullable(),
    records: z
      .object({
        checked: z.number(),
        problems: z.array(z.object({ table: z.string(), record: z.string(), problem: z.enum(['not on the chain', 'changed outside certmark', 'deleted']) })),
      })
      .openapi({ description: 'records kept beside the chain (tokens, keys, cases, inquiries, disclosure items) against their fingerprints' }),
  })
  .openapi('ChainCheck');

export const StaffTokenOut = z
  .object({ id: z.string(), name: z.string(), role: StaffRole, delegate: z.string().nullable(), createdAt: z.string(), revokedAt: z.string().nullable() })
  .openapi('StaffToken');
export const IssuedStaffToken = StaffTokenOut.extend({ token: z.string().openapi({ description: 'shown once; stored only as a hash' }) }).openapi(
  'IssuedStaffToken',
);
