import type { Context } from 'hono';
import { requestLogger } from './middleware';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError, type ErrorKind } from '../errors';
import { isDatabaseUnavailable } from '../db/faults';
import type { AppEnv } from './env';

const STATUS: Record<ErrorKind, ContentfulStatusCode> = {
  invalid: 400,
  not_found: 404,
  conflict: 409,
  forbidden_transition: 409,
  unprocessable: 422,
  unauthenticated: 401,
  forbidden: 403,
  too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  idempotency_conflict: 409,
  idempotency_mismatch: 422,
  unavailable: 503,
};

const TITLES: Record<ErrorKind, string> = {
  invalid: 'Invalid request',
  not_found: 'Not found',
  conflict: 'Conflict',
  forbidden_transition: 'Not allowed by the rules',
  unprocessable: 'Not held by the register',
  unauthenticated: 'Authentication required',
  forbidden: 'Forbidden',
  too_large: 'Too large',
  unsupported_media_type: 'Unsupported media type',
  rate_limited: 'Too many requests',
  idempotency_conflict: 'Request with this Idempotency-Key is still being processed',
  idempotency_mismatch: 'Idempotency-Key reused with a different request',
  unavailable: 'Service unavailable',
};

export function problemStatus(kind: ErrorKind): ContentfulStatusCode {
  return STATUS[kind];
}

/** The one body shape of every JSON error: RFC 9457 problem details. */
export function problemResponse(c: Context<AppEnv>, err: AppError): Response {
  const status = STATUS[err.kind];
  const body: Record<string, unknown> = {
    type: `about:blank`,
    title: TITLES[err.kind],
    status,
    detail: err.message,
    code: err.kind,
    instance: c.req.path,
    requestId: c.get('requestId'),
  };
  if (err.field) body.field = err.field;
  if (err.article) body.article = err.article;
  if (err.extra) Object.assign(body, { extra: err.extra });
  const headers: Record<string, string> = { 'Content-Type': 'application/problem+json; charset=utf-8' };
  if (status === 401) headers['WWW-Authenticate'] = 'Bearer';
  const retryAfter = retryAfterOf(err);
  if (retryAfter !== null) headers['Retry-After'] = String(retryAfter);
  if (status === 503) headers['Cache-Control'] = 'no-store';
  return c.body(JSON.stringify(body), status, headers);
}

/** Seconds a client should wait before trying again: a rate limit says how long; an outage, a moment. */
export function retryAfterOf(err: AppError): number | null {
  if (typeof err.extra?.retryAfter === 'number') return err.extra.retryAfter;
  return err.kind === 'unavailable' ? UNAVAILABLE_RETRY_AFTER_S : null;
}

const UNAVAILABLE_RETRY_AFTER_S = 2;

/** The database cannot be reached or did not answer in time: nothing is claimed, try again (never a 500). */
export const databaseUnavailable = (cause?: unknown) => new AppError('unavailable', 'the registry cannot be read right now; try again shortly', { cause });

/**
 * Errors that are not the caller's fault and not a bug: the database unreachable or slow. Every error handler
 * (JSON, pages) asks this first.
 */
export function asKnownError(err: Error): AppError | null {
  if (err instanceof AppError) return err;
  if (isDatabaseUnavailable(err)) return databaseUnavailable(err);
  return null;
}

/** onError: known errors become their problem; anything else a generic 500 that never echoes the error. */
export function handleError(err: Error, c: Context<AppEnv>): Response {
  const known0 = asKnownError(err);
  if (known0) {
    if (known0.kind === 'unavailable' && known0 !== err) requestLogger(c).warn({ err }, 'the database is unavailable');
    return problemResponse(c, known0);
  }
  if (err instanceof HTTPException) {
    const kind: ErrorKind =
      err.status === 413
        ? 'too_large'
        : err.status === 401
          ? 'unauthenticated'
          : err.status === 403
            ? 'forbidden'
            : err.status === 404
              ? 'not_found'
              : 'invalid';
    return problemResponse(c, new AppError(kind, err.status === 413 ? 'request body too large' : TITLES[kind]));
  }
  if (err instanceof SyntaxError) return problemResponse(c, new AppError('invalid', 'the body is not valid JSON'));
  const known = fromDatabaseError(err);
  if (known) {
    requestLogger(c).warn({ code: (err as { code?: string }).code }, 'the database refused the input');
    return problemResponse(c, known);
  }
  requestLogger(c).error({ err }, 'unhandled error');
  const body = {
    type: 'about:blank',
    title: 'Internal error',
    status: 500,
    detail: 'an internal error occurred; it has been logged',
    requestId: c.get('requestId'),
  };
  return c.body(JSON.stringify(body), 500, { 'Content-Type': 'application/problem+json; charset=utf-8' });
}

/**
 * Input the database itself refuses (a NUL character, text it cannot encode, a value out of range, a duplicate)
 * is the caller's fault: a 4xx naming no internals, never a 500 echoing the database's message.
 */
const DATABASE_INPUT_ERRORS: Record<string, [ErrorKind, string]> = {
  '22021': ['invalid', 'the input holds a character that cannot be stored (e.g. NUL)'],
  '22P05': ['invalid', 'the input holds a character that cannot be stored'],
  '22001': ['invalid', 'a value is too long'],
  '22003': ['invalid', 'a number is out of range'],
  '22007': ['invalid', 'a date or time is not valid'],
  '22008': ['invalid', 'a date or time is out of range'],
  '22P02': ['invalid', 'a value does not have the required form'],
  '23505': ['conflict', 'this conflicts with a record that exists already'],
  '40001': ['conflict', 'a concurrent change interfered; try again'],
  '40P01': ['conflict', 'a concurrent change interfered; try again'],
};

function fromDatabaseError(err: Error): AppError | null {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return null;
  const known = DATABASE_INPUT_ERRORS[code];
  if (known) return new AppError(known[0], known[1]);
  // class 22, data exception: any other value the database cannot take is the input's fault too
  return code.startsWith('22') ? new AppError('invalid', 'a value is not valid here') : null;
}

export function notFoundHandler(c: Context<AppEnv>): Response {
  const path = c.req.path.length > 200 ? `${c.req.path.slice(0, 200)}…` : c.req.path;
  return problemResponse(c, new AppError('not_found', `no route for ${c.req.method} ${path}`));
}
