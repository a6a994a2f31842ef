import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../http/env';
import { sealedResponse } from '../http/middleware';
import { newRouter, validationError } from '../http/router';
import type { MarkVariant } from '../mark/masters';
import { noticeSvg, type NoticeLang, type NoticeReason } from '../mark/notice';
import { MARK_WIDTHS } from '../mark/render';
import { markVerdict, statusHeader } from '../standing/verdict';

/** The query every image endpoint takes. */
export const ImageQuery = z.object({
  w: z.coerce
    .number()
    .int()
    .min(1)
    .max(4096)
    .optional()
    .openapi({ param: { name: 'w', in: 'query' }, description: `PNG width in pixels, snapped to one of ${MARK_WIDTHS.join(', ')}` }),
  variant: z
    .enum(['colour', 'mono'])
    .optional()
    .openapi({ param: { name: 'variant', in: 'query' }, description: 'the colour (default) or the monochrome master; both are official' }),
  lang: z
    .enum(['ja', 'en'])
    .optional()
    .openapi({ param: { name: 'lang', in: 'query' }, description: 'which language comes first on a notice (default ja)' }),
});
export type ImageQuery = z.infer<typeof ImageQuery>;

const TokenParam = z.object({ token: z.string().openapi({ param: { name: 'token', in: 'path' }, description: 'the embed token (compact JWS)' }) });

/** Parses the query only when there is one: the common request has none. */
export function imageQuery(c: Context<AppEnv>): ImageQuery {
  if (!c.req.url.includes('?')) return {};
  const parsed = ImageQuery.safeParse(c.req.query());
  if (!parsed.success) throw validationError(parsed.error, 'query');
  return parsed.data;
}

/** `{token}.svg` / `{token}.png` from the path. */
export function splitFile(file: string): { token: string; format: 'svg' | 'png' } {
  return { token: file.slice(0, -4), format: file.endsWith('.png') ? 'png' : 'svg' };
}

/** Headers every answer of a cross-origin image endpoint carries. */
export function imageHeaders(status: string, type: string): Record<string, string> {
  return {
    'Content-Type': type,
    'Certification-Status': status,
    Vary: 'Origin, Referer',
    'Cross-Origin-Resource-Policy': 'cross-origin',
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Expose-Headers': 'Certification-Status, ETag',
  };
}

export const SVG_TYPE = 'image/svg+xml; charset=utf-8';
export const PNG_TYPE = 'image/png';

const noticeSvgBytes = new Map<string, Uint8Array<ArrayBuffer>>();

/** A notice image (never the mark), not to be cached by anyone. */
export async function noticeResponse(
  c: Context<AppEnv>,
  code: 403 | 404 | 410,
  status: string,
  reason: NoticeReason,
  format: 'svg' | 'png',
  q: ImageQuery,
): Promise<Response> {
  const lang: NoticeLang = q.lang ?? 'ja';
  let bytes: Uint8Array<ArrayBuffer>;
  if (format === 'png') {
    bytes = new Uint8Array(await c.get('deps').mark.noticePng(reason, q.w ?? 480, lang));
  } else {
    const key = `${reason}:${lang}`;
    bytes = noticeSvgBytes.get(key) ?? new Uint8Array(Buffer.from(noticeSvg(reason, lang)));
    noticeSvgBytes.set(key, bytes);
  }
  return sealedResponse(c, bytes, code, { ...imageHeaders(status, format === 'png' ? PNG_TYPE : SVG_TYPE), 'Cache-Control': 'no-store' });
}

/** If-None-Match against one strong ETag (a list or `*` allowed). */
export function notModified(c: Context<AppEnv>, etag: string): boolean {
  const header = c.req.header('if-none-match');
  if (!header) return false;
  return header.trim() === '*' || header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

const describeAnswers = (type: string) => ({
  200: { description: 'the official mark; `ETag`; `Cache-Control: public, max-age=60`', content: { [type]: { schema: z.string() } } },
  304: { description: 'not modified (If-None-Match)' },
  400: { description: 'invalid query (problem+json)' },
  403: { description: 'the request’s Origin/Referer is not one of the token’s origins: a notice image', content: { [type]: { schema: z.string() } } },
  404: {
    description: 'the token is malformed, unsigned, signed by an unknown key, retired or names an unknown service: a notice image',
    content: { [type]: { schema: z.string() } },
  },
  410: { description: 'the service is expired, revoked, terminated or lapsed: a notice image saying why', content: { [type]: { schema: z.string() } } },
});

/**
 * `GET /mark/{token}.svg` and `GET /mark/{token}.png?w=N`: the official mark bound to the token's service,
 * served only while its status serves the mark (Art. 10.1, 10.6, 10.8) and only on its sites (Art. 10.2).
 */
export function markRoutes() {
  const r = newRouter();
  for (const format of ['svg', 'png'] as const) {
    r.openAPIRegistry.registerPath({
      method: 'get',
      path: `/mark/{token}.${format}`,
      tags: ['mark'],
      summary: format === 'svg' ? 'The official mark (SVG master)' : 'The official mark as PNG at a bounded set of widths',
      description: 'Every answer carries `Certification-Status` (the service’s status, or `unknown`) and `Vary: Origin, Referer`.',
      request: { params: TokenParam, query: ImageQuery },
      responses: describeAnswers(format === 'svg' ? 'image/svg+xml' : 'image/png'),
    });
  }

  r.get('/mark/:file{[^/]+\\.(?:svg|png)}', async (c) => {
    const { token, format } = splitFile(c.req.param('file'));
    const q = imageQuery(c);
    const deps = c.get('deps');
    const v = await markVerdict(deps, token, c.req.header('origin'), c.req.header('referer'), deps.clock.now());
    const status = statusHeader(v);
    if (v.code !== 200) return noticeResponse(c, v.code, status, v.reason ?? 'unknown', format, q);
    const variant: MarkVariant = q.variant ?? 'colour';
    const etag = await deps.mark.etag(variant, format, q.w);
    const headers = { ...imageHeaders(status, format === 'png' ? PNG_TYPE : SVG_TYPE), ETag: etag, 'Cache-Control': 'public, max-age=60' };
    if (notModified(c, etag)) return sealedResponse(c, null, 304, headers);
    const bytes = format === 'png' ? await deps.mark.png(variant, q.w ?? 128) : deps.mark.svg(variant);
    return sealedResponse(c, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) as Uint8Array<ArrayBuffer>, 200, headers);
  });
  return r;
}
