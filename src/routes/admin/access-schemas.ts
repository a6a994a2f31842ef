import { z } from '@hono/zod-openapi';
import { CalendarDate, id, optionalText, text } from './schemas';

/** Schemas of the scoped roles (Arts. 7, 19): delegated bodies, assignments, committee opinions. */

export const OpinionRequest = z.object({ opinion: text(5000).openapi({ description: 'Art. 7: the committee member’s opinion' }) }).openapi('Opinion');

export const DelegateRequest = z
  .object({
    nameJa: text(200).openapi({ description: 'Art. 19.2: the name published (氏名又は名称)' }),
    nameEn: optionalText(200),
    scopeJa: text(1000).openapi({ description: 'the work delegated, as published' }),
    scopeEn: optionalText(1000),
    delegatedOn: CalendarDate.nullable().default(null).openapi({ description: 'from when (today when absent; never in the future)' }),
  })
  .openapi('NewDelegate');

export const DelegateEndRequest = z
  .object({ endedOn: CalendarDate.nullable().default(null).openapi({ description: 'the last day of the delegation (today when absent)' }) })
  .openapi('DelegateEnd');

export const DelegateOut = z
  .object({
    id: z.string(),
    nameJa: z.string(),
    nameEn: z.string().nullable(),
    scopeJa: z.string(),
    scopeEn: z.string().nullable(),
    delegatedOn: z.string(),
    endedOn: z.string().nullable(),
  })
  .openapi('Delegate');

export const AssignmentRequest = z.object({ service: id().openapi({ description: 'the service id or its certification number' }) }).openapi('NewAssignment');

export const AssignmentOut = z.object({ id: z.string(), service: z.string(), assignedAt: z.string(), endedAt: z.string().nullable() }).openapi('Assignment');
