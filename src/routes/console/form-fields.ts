/**
 * Reading the back office's form fields (cases, revocations, inquiries): the same limits as the staff API's
 * schemas (src/routes/admin/schemas.ts `text`, `optionalText`, `CalendarDate`), refused as 400 with the field
 * named, never a 500. Ids in paths are checked before they reach a query.
 */
import { isCalendarDate, isEnteredDate } from '../../domain/calendar';
import { AppError } from '../../errors';
import type { ConsoleCtx } from './context';

export type FormBody = Record<string, unknown>;

export async function formBody(c: ConsoleCtx): Promise<FormBody> {
  return (await c.req.parseBody()) as FormBody;
}

const raw = (f: FormBody, name: string): string => {
  const v = f[name];
  return typeof v === 'string' ? v : '';
};

/** A required text: trimmed, not empty, at most `max` characters, no NUL. */
export function requiredText(f: FormBody, name: string, max: number): string {
  const v = raw(f, name).trim();
  if (!v) throw new AppError('invalid', `${name}: must not be empty`, { field: name });
  return checked(v, name, max);
}

/** An optional text: null when empty. */
export function optionalText(f: FormBody, name: string, max: number): string | null {
  const v = raw(f, name).trim();
  return v ? checked(v, name, max) : null;
}

function checked(v: string, name: string, max: number): string {
  if (v.length > max) throw new AppError('invalid', `${name}: must be at most ${max} characters`, { field: name });
  if (v.includes('\u0000')) throw new AppError('invalid', `${name}: must not contain NUL characters`, { field: name });
  return v;
}

/** A calendar date (YYYY-MM-DD, Asia/Tokyo) as a date input sends it. */
export function calendarDate(f: FormBody, name: string): string {
  const v = raw(f, name).trim();
  if (!isCalendarDate(v) || !isEnteredDate(v)) throw new AppError('invalid', `${name}: must be a calendar date (YYYY-MM-DD)`, { field: name });
  return v;
}

/** One of the values allowed. */
export function oneOf<T extends string>(f: FormBody, name: string, allowed: readonly T[], fallback?: T): T {
  const v = raw(f, name);
  if ((allowed as readonly string[]).includes(v)) return v as T;
  if (fallback !== undefined && v === '') return fallback;
  throw new AppError('invalid', `${name}: must be one of ${allowed.join(', ')}`, { field: name });
}

/** The raw value, for showing a form again after an error. */
export const keep = (f: FormBody, name: string, max = 20_000) => raw(f, name).slice(0, max);

/** An id from a path: a plain token, else it names nothing (404, never a query with odd bytes). */
export function pathId(c: ConsoleCtx, name: string, what: string): string {
  const v = c.req.param(name) ?? '';
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(v)) throw new AppError('not_found', `no such ${what}`);
  return v;
}

/** The errors a form shows again on its page (others answer the console's error page: 403, 404). */
export const FORM_ERRORS = new Set(['invalid', 'conflict', 'unprocessable', 'forbidden_transition']);

export function formError(err: unknown): AppError | null {
  return err instanceof AppError && FORM_ERRORS.has(err.kind) ? err : null;
}
