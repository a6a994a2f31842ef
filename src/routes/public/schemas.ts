import { z } from '@hono/zod-openapi';
import { PUBLIC_STATUSES } from '../../publication/timeline';
import { STATUS_FILTERS } from '../../publication/registry';

const Bilingual = z.object({ ja: z.string(), en: z.string().nullable() });
const Day = z.string().openapi({ format: 'date', description: 'calendar day in Asia/Tokyo' });

export const NumberParam = z.object({
  number: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'number', in: 'path' }, example: 'MD-0042-2411', description: 'the certification number' }),
});

export const ServiceSummary = z
  .object({
    number: z.string(),
    name: Bilingual,
    vendor: z.object({ name: Bilingual }),
    status: z.enum(PUBLIC_STATUSES),
    markServed: z.boolean().openapi({ description: 'Art. 10.1: whether the official mark is served now' }),
    firstCertifiedOn: Day,
    certifiedOn: Day.openapi({ description: 'first day of the current certification period' }),
    validThrough: Day.openapi({ description: 'Art. 9.1: last day of the current period' }),
    inForceThrough: Day.openapi({ description: 'last day in force, an Art. 12.2 extension included' }),
    verificationUrl: z.string(),
    apiUrl: z.string(),
    qrUrl: z.string(),
  })
  .openapi('PublicServiceSummary');

const HistoryEntry = z.looseObject({ id: z.string(), type: z.string(), at: z.string(), on: Day, article: z.string() }).openapi('PublicHistoryEntry', {
  description:
    'certified, renewed, extended, disclosure_updated, improvement_published, improvement_completed, revoked, terminated, lapsed or expired, with its facts',
});

export const PublicServiceSchema = ServiceSummary.extend({
  renewal: z.object({ filedOn: Day }).nullable(),
  extension: z.object({ until: Day, grantedOn: Day }).nullable(),
  revocation: z.object({ revokedAt: z.string(), revokedOn: Day, ground: z.number().int(), article: z.string(), reason: z.string() }).nullable(),
  termination: z.object({ terminatedAt: z.string(), terminatedOn: Day }).nullable(),
  lapse: z.object({ lapsedAt: z.string(), lapsedOn: Day, cause: z.string() }).nullable(),
  expiredAfter: Day.nullable(),
  periods: z.array(z.object({ kind: z.enum(['initial', 'renewal']), certifiedOn: Day, validThrough: Day })),
  disclosure: z.object({ version: z.number().int(), items: z.array(z.object({ key: z.string(), label: Bilingual, value: Bilingual })) }).nullable(),
  origins: z.array(z.string()),
  improvementRequests: z.array(z.object({ publishedAt: z.string(), dueOn: Day, content: z.string(), completedOn: Day.nullable(), overdue: z.boolean() })),
  history: z.array(HistoryEntry),
  checkedAt: z.string(),
}).openapi('PublicService');

export const RegistryQuerySchema = z.object({
  q: z.string().max(200).optional().openapi({ description: 'free text: Japanese or English service or vendor name, or number; every word must match' }),
  status: z.enum(STATUS_FILTERS).optional().openapi({ description: 'in_force = certified or renewal_pending' }),
  cursor: z.string().max(64).optional().openapi({ description: 'the `next` of the previous page' }),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

export const RegistryPageSchema = z
  .object({ items: z.array(ServiceSummary), total: z.number().int(), next: z.string().nullable(), checkedAt: z.string() })
  .openapi('PublicRegistryPage');
