import { problemContent } from '../http/openapi';
import { createHash } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { AppError } from '../errors';
import type { AppEnv } from '../http/env';
import { sealedResponse } from '../http/middleware';
import { problemResponse } from '../http/problem';
import { newRouter } from '../http/router';
import { badgePng, noticeBadgeSvg, validBadgeSvg } from '../mark/badge-image';
import { strongEtag } from '../mark/render';
import { inForceThroughFromFacts, type ServiceFacts } from '../standing/facts';
import type { VerifiedToken } from '../tokens/verify';
import { markVerdict, statusHeader, type MarkVerdict } from '../standing/verdict';
import { imageHeaders, imageQuery, ImageQuery, notModified, PNG_TYPE, splitFile, SVG_TYPE } from './mark';
import { markUrl, reportUrl, verifyUrl } from '../urls';

export const BADGE_STATUSES = ['certified', 'renewal_pending', 'expired', 'revoked', 'terminated', 'lapsed', 'unknown'] as const;
type BadgeStatus = (typeof BADGE_STATUSES)[number];

const Names = z.object({ ja: z.string(), en: z.string().nullable() });
export const Badge = z
  .object({
    status: z.enum(BADGE_STATUSES),
    showMark: z.boolean().openapi({ description: 'the service serves the mark now and the requesting site is allowed' }),
    siteAllowed: z.boolean().openapi({ description: 'the request’s Origin (else Referer) is one of the token’s origins, or none was sent' }),
    number: z.string(),
    serviceName: Names,
    vendorName: Names,
    validThrough: z
      .string()
      .nullable()
      .openapi({ description: 'last day in force (JST), an Art. 12.2 extension included; null once revoked, terminated or lapsed' }),
    verifyUrl: z.string(),
    markUrl: z.string().nullable().openapi({ description: 'only when showMark' }),
    reportUrl: z.string(),
    checkedAt: z.string().openapi({ description: 'the instant of this check (ISO 8601)' }),
  })
  .openapi('Badge');
export type Badge = z.infer<typeof Badge>;

const TokenParam = z.object({ token: z.string().openapi({ param: { name: 'token', in: 'path' }, description: 'the embed token' }) });

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'Certification-Status, ETag',
  'Cross-Origin-Resource-Policy': 'cross-origin',
  Vary: 'Origin',
} as const;

const ENDED_EARLY = new Set(['revoked', 'terminated', 'lapsed']);

/** The widget's view of a verdict (the shape is fixed: widget/ builds against it). */
export function badgeBody(v: Exclude<MarkVerdict, { code: 404 }>, base: string, now: Date): Badge {
  const status: BadgeStatus = (BADGE_STATUSES as readonly string[]).includes(v.status ?? '') ? (v.status as BadgeStatus) : 'unknown';
  const showMark = v.code === 200;
  const number = v.token.number;
  return {
    status,
    showMark,
    siteAllowed: v.siteAllowed,
    number,
    serviceName: v.facts.name,
    vendorName: v.facts.vendorName,
    validThrough: ENDED_EARLY.has(status) || status === 'unknown' ? null : inForceThroughFromFacts(v.facts, now),
    verifyUrl: verifyUrl(base, number),
    markUrl: showMark ? markUrl(base, v.token.token) : null,
    reportUrl: reportUrl(base, number),
    checkedAt: now.toISOString(),
  };
}

interface BadgeJsonEntry {
  facts: ServiceFacts;
  key: string;
  /** The JSON of everything but checkedAt, without its closing brace. */
  head: string;
  etag: string;
}

/** Per verified token (the token cache's object): the last badge JSON head and its ETag. */
const badgeJsonHeads = new WeakMap<VerifiedToken, BadgeJsonEntry>();

/**
 * The badge JSON and its ETag. The ETag covers everything but the instant, so a revalidation that finds the same
 * facts answers 304; both are computed once per token and facts, not per request (the widget polls).
 */
export function badgeJson(v: Exclude<MarkVerdict, { code: 404 }>, base: string, now: Date): { json: string; etag: string } {
  const body = badgeBody(v, base, now);
  const key = `${base}|${body.status}|${body.showMark}|${body.siteAllowed}|${body.validThrough}`;
  let entry = badgeJsonHeads.get(v.token);
  if (!entry || entry.facts !== v.facts || entry.key !== key) {
    const head = JSON.stringify({ ...body, checkedAt: undefined }).slice(0, -1);
    entry = { facts: v.facts, key, head, etag: `"${createHash('sha256').update(head).digest('base64url').slice(0, 27)}"` };
    badgeJsonHeads.set(v.token, entry);
  }
  return { json: `${entry.head},"checkedAt":${JSON.stringify(body.checkedAt)}}`, etag: entry.etag };
}

async function verdictFor(c: Context<AppEnv>, token: string) {
  const deps = c.get('deps');
  const now = deps.clock.now();
  return { now, v: await markVerdict(deps, token, c.req.header('origin'), c.req.header('referer'), now) };
}

/**
 * `GET /api/v1/badge/{token}`: what the badge script needs, with CORS for every site. And the self-dating
 * badge image `GET /badge/{token}.svg|.png` for places without script.
 */
export function badgeRoutes() {
  const r = newRouter();

  r.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/v1/badge/{token}',
    tags: ['mark'],
    summary: 'What the badge script shows for a token, checked now',
    description: '`Access-Control-Allow-Origin: *` without credentials; `Cache-Control: no-cache` with an ETag; `Certification-Status` header.',
    request: { params: TokenParam },
    responses: {
      200: { description: 'the badge facts', content: { 'application/json': { schema: Badge } } },
      304: { description: 'not modified' },
      404: { description: 'the token does not verify', content: problemContent },
    },
  });
  // Any string is a token to look up (a malformed one answers 404): nothing to validate before markVerdict.
  r.get('/api/v1/badge/:token', async (c) => {
    const { now, v } = await verdictFor(c, c.req.param('token'));
    const headers = { ...CORS, 'Certification-Status': statusHeader(v), 'Cache-Control': 'no-cache' };
    if (v.code === 404) {
      for (const [k, value] of Object.entries(headers)) c.header(k, value);
      return problemResponse(c, new AppError('not_found', 'not a valid embed token'));
    }
    const { json, etag } = badgeJson(v, c.get('deps').config.publicBaseUrl, now);
    if (notModified(c, etag)) return sealedResponse(c, null, 304, { ...headers, ETag: etag });
    return sealedResponse(c, Buffer.from(json), 200, { ...headers, ETag: etag, 'Content-Type': 'application/json' });
  });

  r.options('/api/v1/badge/:token', (c) =>
    c.body(null, 204, {
      ...CORS,
      'Access-Control-Allow-Methods': 'GET, OPTIONS',
      'Access-Control-Allow-Headers': 'Content-Type, If-None-Match',
      'Access-Control-Max-Age': '600',
    }),
  );

  for (const format of ['svg', 'png'] as const) {
    r.openAPIRegistry.registerPath({
      method: 'get',
      path: `/badge/{token}.${format}`,
      tags: ['mark'],
      summary: 'The self-dating badge image: the mark beside name, number, valid-through and the checked minute (JST)',
      description: 'Same status and site rules and headers as /mark/{token}.svg; when the mark must not be shown, a notice in the same frame.',
      request: { params: TokenParam, query: ImageQuery },
      responses: {
        200: { description: 'the badge', content: { [format === 'svg' ? 'image/svg+xml' : 'image/png']: { schema: z.string() } } },
        304: { description: 'not modified' },
        403: { description: 'not registered for this site: a notice badge' },
        404: { description: 'the token does not verify: a notice badge' },
        410: { description: 'not valid: a notice badge saying why' },
      },
    });
  }

  r.get('/badge/:file{[^/]+\\.(?:svg|png)}', async (c) => {
    const { token, format } = splitFile(c.req.param('file'));
    const q = imageQuery(c);
    const { now, v } = await verdictFor(c, token);
    const status = statusHeader(v);
    const lang = q.lang ?? 'ja';
    const type = format === 'png' ? PNG_TYPE : SVG_TYPE;
    const send = async (code: 200 | 403 | 404 | 410, svg: string, extra: Record<string, string>) => {
      const bytes = format === 'png' ? await badgePng(svg) : Buffer.from(svg);
      return sealedResponse(c, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) as Uint8Array<ArrayBuffer>, code, {
        ...imageHeaders(status, type),
        ...extra,
      });
    };
    if (v.code === 404) return send(404, noticeBadgeSvg('unknown', null, now, lang), { 'Cache-Control': 'no-store' });
    const facts = { number: v.token.number, name: v.facts.name, validThrough: inForceThroughFromFacts(v.facts, now), checkedAt: now };
    if (v.code !== 200) return send(v.code, noticeBadgeSvg(v.reason ?? 'unknown', facts, now, lang), { 'Cache-Control': 'no-store' });
    const svg = validBadgeSvg(c.get('deps').mark.svg(q.variant ?? 'colour'), facts, lang);
    const etag = strongEtag(Buffer.from(`${format}:${svg}`));
    const headers = { ETag: etag, 'Cache-Control': 'public, max-age=60' };
    if (notModified(c, etag)) return sealedResponse(c, null, 304, { ...imageHeaders(status, type), ...headers });
    return send(200, svg, headers);
  });

  return r;
}
