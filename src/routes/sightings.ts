import { problemContent } from '../http/openapi';
import { createRoute, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import type { AppDeps } from '../http/env';
import { AppError } from '../errors';
import type { AppEnv } from '../http/env';
import { newRouter } from '../http/router';
import { liveCrawlerKeyIds } from '../access/crawler-keys';
import { microBatcher } from '../sightings/batch';
import { FINDINGS } from '../sightings/detect';
import { cachedDirectory } from '../sightings/directory';
import { createImageJudge } from '../sightings/images';
import { sightingInput, MAX_TOKEN_FIELD_LENGTH, MAX_URL_LENGTH } from '../sightings/input';
import { receiveSighting, type IntakeDeps } from '../sightings/intake';
import { sightingStore } from '../sightings/store';
import { sightingTokenCheck } from '../sightings/token';
import { noticeSettingsOf } from '../notices/compose';

type CrawlerEnv = AppEnv & { Variables: { crawlerKeyId: string } };

/**
 * `Authorization: Bearer {crawler key}`: keys are made by staff and stored hashed; revoked keys are refused.
 * The keys of concurrent requests are looked up in one query.
 */
function crawlerAuth(deps: AppDeps) {
  const lookup = microBatcher<string, string | null>((secrets) => liveCrawlerKeyIds(deps.database.db, secrets), { max: 500 });
  return createMiddleware<CrawlerEnv>(async (c, next) => {
    const m = /^Bearer\s+(\S{16,512})$/i.exec(c.req.header('authorization') ?? '');
    if (!m) throw new AppError('unauthenticated', 'a crawler key is required (Authorization: Bearer …)');
    const id = await lookup(m[1]!);
    if (!id) throw new AppError('unauthenticated', 'the crawler key is not valid');
    c.set('crawlerKeyId', id);
    await next();
  });
}

const multipartOnly = createMiddleware<CrawlerEnv>(async (c, next) => {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'multipart/form-data') throw new AppError('unsupported_media_type', 'send the sighting as multipart/form-data');
  await next();
});

/** The raw Idempotency-Key: an sf-string per the draft ("…"), or the bare text many clients send. */
function idempotencyKeyOf(raw: string): string {
  const m = /^"([\x20-\x21\x23-\x5b\x5d-\x7e]{1,255})"$/.exec(raw) ?? /^([\x21-\x7e]{1,255})$/.exec(raw);
  if (!m) throw new AppError('invalid', 'Idempotency-Key must be 1 to 255 printable characters', { field: 'Idempotency-Key' });
  return m[1]!;
}

const SightingForm = z
  .object({
    pageUrl: z
      .string()
      .max(MAX_URL_LENGTH)
      .openapi({ description: 'the page where the mark was seen (http or https); never fetched by certmark', example: 'https://vendor.example/' }),
    seenAt: z.string().max(64).openapi({ description: 'when it was seen, RFC 3339', example: '2026-04-01T09:00:00+09:00' }),
    image: z
      .custom<File>((v) => v instanceof File, 'must be a file part')
      .optional()
      .openapi({ type: 'string', format: 'binary', description: 'PNG, JPEG, WebP, GIF or SVG; the type is read from the bytes' }),
    imageSha256: z.string().max(64).optional().openapi({ description: 'instead of image: the SHA-256 (hex) of bytes sent in an earlier sighting' }),
    linkHref: z.string().max(MAX_URL_LENGTH).optional().openapi({ description: 'where the mark links to' }),
    token: z.string().max(MAX_TOKEN_FIELD_LENGTH).optional().openapi({ description: 'the embed token found with the mark' }),
  })
  .openapi('Sighting');

const SightingAnswer = z
  .object({
    id: z.string(),
    findings: z.array(z.enum(FINDINGS)).openapi({ description: 'the findings of docs/DOMAIN.md; empty when the image is not the mark' }),
    markSeen: z.boolean(),
    imageSha256: z.string(),
    seenAt: z.string(),
  })
  .openapi('SightingReceived');

const problem = (description: string) => ({ content: problemContent, description });

export function sightingRoutes(deps: AppDeps) {
  const r = newRouter();
  const images = createImageJudge(deps.markMatcher);
  const intake: IntakeDeps = {
    db: deps.database.db,
    clock: deps.clock,
    base: deps.config.publicBaseUrl,
    images,
    directory: cachedDirectory(deps.database.db, deps.statuses),
    store: sightingStore(deps.database.db, deps.database.instanceId, { staffNotices: noticeSettingsOf(deps.config, deps.mark) }),
    verifyToken: sightingTokenCheck(deps),
  };
  // The body is refused as soon as it passes the image bound plus room for the other fields.
  const bounded = bodyLimit({
    maxSize: images.limits.maxBytes + 64 * 1024,
    onError: () => {
      throw new AppError('too_large', `the request body is larger than ${images.limits.maxBytes + 64 * 1024} bytes`);
    },
  });
  r.openAPIRegistry.registerComponent('securitySchemes', 'crawlerKey', { type: 'http', scheme: 'bearer', description: 'a crawler key made by staff' });

  r.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/sightings',
      tags: ['crawlers'],
      summary: 'Report where the mark was seen (docs/CONTRACT.md, "For crawlers")',
      description:
        'Idempotent with `Idempotency-Key`: the same key and body answer the same and store nothing new; another body answers 422; while the first is processed, 409.',
      security: [{ crawlerKey: [] }],
      middleware: [crawlerAuth(deps), bounded, multipartOnly] as const,
      request: {
        headers: z.object({ 'idempotency-key': z.string().min(1).max(300).openapi({ description: 'unique per sighting; reuse it only to retry' }) }),
        body: { content: { 'multipart/form-data': { schema: SightingForm } }, required: true },
      },
      responses: {
        201: { content: { 'application/json': { schema: SightingAnswer } }, description: 'received (or the stored answer to the same request)' },
        400: problem('invalid field or image'),
        401: problem('no valid crawler key'),
        409: problem('a request with this Idempotency-Key is still being processed'),
        413: problem('body, image or pixel count too large'),
        415: problem('not multipart/form-data, or an image type that is not accepted'),
        422: problem('the Idempotency-Key was used with another body'),
      },
    }),
    async (c) => {
      const key = idempotencyKeyOf(c.req.valid('header')['idempotency-key']);
      const input = await sightingInput(c.req.valid('form'), deps.clock.now(), images.limits.maxBytes);
      const received = await receiveSighting(intake, c.get('crawlerKeyId'), key, input);
      if (received.replayed) c.header('Idempotent-Replayed', 'true');
      return c.json(received.body, 201);
    },
  );
  return r;
}
