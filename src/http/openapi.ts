/**
 * What every route says of its errors in /openapi.json: one Problem schema (the body src/http/problem.ts writes)
 * and one helper for the error answers of an operation.
 */
import { z } from '@hono/zod-openapi';

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().optional().openapi({ description: 'what went wrong, e.g. invalid, not_found, forbidden_transition, unavailable' }),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    field: z.string().optional().openapi({ description: 'the input field at fault' }),
    article: z.string().optional().openapi({ description: 'the article of the rules the request runs against, e.g. Art. 12.1' }),
    extra: z.record(z.string(), z.unknown()).optional().openapi({ description: 'further facts, such as the issues of a validation failure' }),
  })
  .openapi('Problem');

export const problemContent = { 'application/problem+json': { schema: Problem } };

const DEFAULT_DESCRIPTIONS = {
  400: 'invalid input; `field` names it',
  401: 'no valid bearer token',
  403: 'the token’s role may not do this',
  404: 'not found',
  409: 'not allowed by the rules now, or a conflict; `article` names the rule',
  410: 'gone',
  413: 'too large',
  415: 'unsupported media type',
  422: 'unprocessable',
  429: 'too many requests; see Retry-After',
  503: 'the registry cannot be read right now; see Retry-After',
} as const;
type ErrorStatus = keyof typeof DEFAULT_DESCRIPTIONS;

/**
 * The error answers of an operation, each a Problem: a status alone takes the default description, `[status,
 * description]` its own. Every operation may answer 503 (the database away), so it is always included.
 */
export function errorResponses<const S extends ErrorStatus>(...answers: (S | readonly [S, string])[]): Record<S | 503, ErrorResponse> {
  const out: Partial<Record<ErrorStatus, ErrorResponse>> = {};
  for (const a of [...answers, 503 as const]) {
    const [status, description] = typeof a === 'number' ? [a, DEFAULT_DESCRIPTIONS[a]] : a;
    out[status] ??= { description, content: problemContent };
  }
  return out as Record<S | 503, ErrorResponse>;
}

interface ErrorResponse {
  description: string;
  content: typeof problemContent;
}

type Operation = { operationId?: string; security?: unknown[]; responses?: Record<string, unknown> };
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** `get /api/v1/admin/services/{service}/status` → `getAdminServicesServiceStatus`. */
function operationIdOf(method: string, path: string): string {
  const words = path
    .replace(/^\/api\/v1\//, '/')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return method + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

/**
 * What the routes leave implicit, made explicit once for the whole document: an operationId for every operation,
 * `security: []` on those open to anyone (the staff and crawler routes name their scheme), and the error answers
 * of the few that declare none (any request may be refused as a problem).
 */
export function completeDocument<D extends object>(document: D): D {
  const ids = new Set<string>();
  const paths = (document as { paths?: Record<string, Record<string, unknown>> }).paths ?? {};
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const op = item[method] as Operation | undefined;
      if (!op) continue;
      let id = op.operationId ?? operationIdOf(method, path);
      for (let n = 2; ids.has(id); n++) id = `${operationIdOf(method, path)}${n}`;
      ids.add(id);
      op.operationId = id;
      op.security ??= [];
      op.responses ??= {};
      if (!Object.keys(op.responses).some((s) => s.startsWith('4'))) {
        op.responses['4XX'] = {
          description: 'the request cannot be answered as sent',
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        };
      }
    }
  }
  return document;
}
