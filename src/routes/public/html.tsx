import type { Context } from 'hono';
import { requestLogger } from '../../http/middleware';
import { HTTPException } from 'hono/http-exception';
import { z } from '@hono/zod-openapi';
import { AppError } from '../../errors';
import type { AppEnv } from '../../http/env';
import { asKnownError, handleError, problemStatus, retryAfterOf } from '../../http/problem';
import { ErrorPage, type ErrorStatus } from '../../views/error-page';
import { pickLang, type Lang } from '../../views/i18n';
import { renderPage } from '../../views/layout';

export const LangQuery = z.enum(['ja', 'en']).optional().openapi({ description: 'Page language; Accept-Language decides when absent (Japanese by default).' });

/** The page language: a valid ?lang= wins, then Accept-Language; an invalid ?lang= is ignored here (the route refuses it). */
export function langOf(c: Context<AppEnv>): Lang {
  const q = c.req.query('lang');
  return pickLang(q === 'ja' || q === 'en' ? q : undefined, c.req.header('accept-language'));
}

export async function htmlPage(
  c: Context<AppEnv>,
  node: { toString(): string | Promise<string> },
  status: 200 | ErrorStatus = 200,
  headers: Record<string, string> = {},
): Promise<Response> {
  return c.body(await renderPage(node), status, { 'Content-Type': 'text/html; charset=utf-8', ...headers });
}

function errorStatus(err: Error): { status: ErrorStatus; fields: string[] } {
  if (err instanceof AppError) {
    const s = problemStatus(err.kind);
    const status: ErrorStatus = s === 404 || s === 413 || s === 415 || s === 429 || s === 503 ? s : s >= 500 ? 500 : 400;
    const issues = (err.extra?.issues as { field: string }[] | undefined) ?? [];
    const fields = [...new Set([...(err.field ? [err.field] : []), ...issues.map((i) => i.field)])];
    return { status, fields };
  }
  if (err instanceof HTTPException) {
    const s = err.status;
    return { status: s === 404 || s === 413 || s === 415 || s === 429 ? s : s >= 500 ? 500 : 400, fields: [] };
  }
  return { status: 500, fields: [] };
}

/** The HTML pages: the registry, a verification page, the inquiry form and its receipt. */
const PAGE_PATH = /^\/(registry|verify\/[^/]+|inquiry|inquiry\/received)\/?$/;

/** An error answer that must be a page (the deadline's 503, say): GET on one of the pages. */
export function wantsPage(c: Context<AppEnv>): boolean {
  return c.req.method === 'GET' && PAGE_PATH.test(c.req.path);
}

/** onError of the HTML pages: an HTML page in the reader's language that never echoes the request. */
export async function htmlError(err: Error, c: Context<AppEnv>): Promise<Response> {
  const known = asKnownError(err);
  const { status, fields } = errorStatus(known ?? err);
  if (status === 500) requestLogger(c).error({ err }, 'unhandled error on a public page');
  if (status === 503 && known !== err) requestLogger(c).warn({ err }, 'the database is unavailable');
  const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
  const retryAfter = known ? retryAfterOf(known) : null;
  if (retryAfter !== null) headers['Retry-After'] = String(retryAfter);
  return htmlPage(c, <ErrorPage lang={langOf(c)} status={status} fields={fields} certifier={c.var.deps.config.certifier} />, status, headers);
}

/**
 * onError of the public JSON routes: the project's problem+json, with `instance` naming the route
 * (`/api/v1/services/:number`) rather than the path asked for, so that no error answer repeats the request.
 */
export async function publicProblem(err: Error, c: Context<AppEnv>): Promise<Response> {
  const res = handleError(err, c);
  const body = (await res.json()) as Record<string, unknown>;
  body.instance = c.req.routePath;
  const headers = new Headers(res.headers);
  return new Response(JSON.stringify(body), { status: res.status, headers });
}
