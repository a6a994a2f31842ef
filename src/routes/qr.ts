import { z } from '@hono/zod-openapi';
import { AppError } from '../errors';
import { newRouter, validationError } from '../http/router';
import { qrPng, qrSvg } from '../mark/qr';
import { verifyUrl } from '../urls';
import { isCertificationNumber } from '../publication/public-service';

const Query = z.object({
  w: z.coerce
    .number()
    .int()
    .min(64)
    .max(2048)
    .optional()
    .openapi({ param: { name: 'w', in: 'query' }, description: 'PNG width in pixels (default 512)' }),
});
const Param = z.object({ number: z.string().openapi({ param: { name: 'number', in: 'path' }, example: 'MD-0042-2411' }) });

/** `GET /qr/{number}.svg|.png`: a QR code for print that leads to `{base}/verify/{number}` (Art. 10.1, 10.4). */
export function qrRoutes() {
  const r = newRouter();
  for (const format of ['svg', 'png'] as const) {
    r.openAPIRegistry.registerPath({
      method: 'get',
      path: `/qr/{number}.${format}`,
      tags: ['mark'],
      summary: 'A QR code for print use, leading to the verification page',
      request: { params: Param, query: Query },
      responses: {
        200: { description: 'the QR code', content: { [format === 'svg' ? 'image/svg+xml' : 'image/png']: { schema: z.string() } } },
        404: { description: 'no certified service has this number' },
      },
    });
  }
  r.get('/qr/:file{[A-Z]{2}-\\d{4}-\\d{4}\\.(?:svg|png)}', async (c) => {
    const file = c.req.param('file');
    const number = file.slice(0, -4);
    const parsed = Query.safeParse(c.req.query());
    if (!parsed.success) throw validationError(parsed.error, 'query');
    const deps = c.get('deps');
    // The number is public once certified; never-certified services have none.
    if (!(await isCertificationNumber(deps.database.db, number))) throw new AppError('not_found', 'no certified service has this number', { field: 'number' });
    const url = verifyUrl(deps.config.publicBaseUrl, number);
    const png = file.endsWith('.png');
    const bytes = png ? await qrPng(url, parsed.data.w ?? 512) : await qrSvg(url);
    return c.body(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': png ? 'image/png' : 'image/svg+xml; charset=utf-8',
      'Cache-Control': 'public, max-age=86400',
      'Cross-Origin-Resource-Policy': 'cross-origin',
    });
  });
  return r;
}
