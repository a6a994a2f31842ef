/**
 * The one error type. Domain code throws it with a kind that says what went wrong in the rules' terms;
 * the HTTP layer (src/http/problem.ts) maps the kind to a status and an RFC 9457 body. Nothing here knows HTTP.
 */
export type ErrorKind =
  | 'invalid' // input does not have the required shape (field names the culprit)
  | 'not_found'
  | 'conflict' // the request contradicts the current state (e.g. a concurrent change, a duplicate)
  | 'forbidden_transition' // the rules do not allow this operation now (article names the rule)
  | 'unprocessable' // well-formed, but names something the register does not hold for it (an unregistered origin)
  | 'unauthenticated'
  | 'forbidden'
  | 'too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'idempotency_conflict' // same Idempotency-Key, request still in flight
  | 'idempotency_mismatch' // same Idempotency-Key, another body
  | 'unavailable';

export interface AppErrorOptions {
  /** The input field at fault, as a JSON pointer-ish dotted path (`items.0.value`). */
  field?: string;
  /** The article of the rules that the operation runs against (`Art. 12.1`). */
  article?: string;
  /** Extra facts safe to show the caller. Never confidential material. */
  extra?: Record<string, unknown>;
  cause?: unknown;
}

export class AppError extends Error {
  readonly kind: ErrorKind;
  readonly field: string | undefined;
  readonly article: string | undefined;
  readonly extra: Record<string, unknown> | undefined;

  constructor(kind: ErrorKind, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.kind = kind;
    this.field = options.field;
    this.article = options.article;
    this.extra = options.extra;
  }
}

export const invalid = (field: string, message: string) => new AppError('invalid', message, { field });
export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const notAllowed = (article: string, message: string) => new AppError('forbidden_transition', message, { article });
