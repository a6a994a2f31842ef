import { problemContent } from '../../http/openapi';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../../http/env';
import { newRouter } from '../../http/router';
import { requireRole } from '../../http/staff-auth';
import { issueEmbedToken, listEmbedTokens, liveEmbedTokenViews, retireEmbedToken, type EmbedTokenView, type TokenContext } from '../../tokens/issue';
import { embedSnippet } from '../widget';
import { id, ServiceParam } from './schemas';
import { security } from './shared';
import { badgeImageUrl, badgeJsonUrl, markUrl } from '../../urls';

const problem = (description: string) => ({ content: problemContent, description });

const TokenOut = z
  .object({
    jti: z.string(),
    token: z.string().openapi({ description: 'the embed token (compact JWS); it holds no secret' }),
    number: z.string(),
    serviceId: z.string(),
    kid: z.string(),
    origins: z.array(z.string()),
    issuedAt: z.string(),
    retiredAt: z.string().nullable(),
    markUrl: z.string(),
    badgeUrl: z.string(),
    badgeImageUrl: z.string(),
    snippet: z.string().openapi({ description: 'the embed snippet (docs/CONTRACT.md, "The embed snippet")' }),
  })
  .openapi('EmbedToken');

// The staff API's ids (ServiceParam too): a NUL or control character is refused naming the parameter, not by the database.
const JtiParam = z.object({ jti: id().openapi({ param: { name: 'jti', in: 'path' }, description: 'the token id (jti)' }) });
const IssueBody = z
  .object({
    origins: z
      .array(z.string().max(255))
      .max(16)
      .nullable()
      .optional()
      .openapi({
        description: 'web origins where the badge may appear (Art. 10.2); the service’s registered origins when absent',
        example: ['https://clinic-cloud.example.jp'],
      }),
  })
  .strict();

function tokenContext(c: Context<AppEnv>): TokenContext {
  const deps = c.get('deps');
  return { db: deps.database.db, clock: deps.clock, keys: deps.keys, base: deps.config.publicBaseUrl, actor: `staff:${c.get('staff').id}` };
}

function out(c: Context<AppEnv>, t: EmbedTokenView) {
  const deps = c.get('deps');
  const base = deps.config.publicBaseUrl;
  return {
    ...t,
    markUrl: markUrl(base, t.token),
    badgeUrl: badgeJsonUrl(base, t.token),
    badgeImageUrl: badgeImageUrl(base, t.token),
    snippet: embedSnippet({ base, token: t.token, number: t.number, bundle: deps.widget }),
  };
}

/** Embed tokens per service (CONTRACT.md, "The embed token"): issue, list, retire. */
export function adminTokenRoutes() {
  const r = newRouter();

  r.openapi(
    createRoute({
      method: 'post',
      path: '/services/{service}/tokens',
      tags: ['staff'],
      security,
      summary: 'Issue an embed token for a certified service and its allowed origins',
      request: { params: ServiceParam, body: { content: { 'application/json': { schema: IssueBody } }, required: false } },
      responses: {
        201: { description: 'issued', content: { 'application/json': { schema: TokenOut } } },
        400: problem('invalid origins'),
        401: problem('no valid staff token'),
        403: problem('role'),
        404: problem('unknown service'),
        409: problem('the service has no number, or its certification ended (article named)'),
        422: problem('an origin not registered for the service (Art. 10.2); `field` and `origin` name it'),
      },
    }),
    async (c) => {
      requireRole(c, 'admin', 'reviewer');
      // The body is optional: without one, the token is for the service's registered origins.
      const body = (c.req.valid('json') as z.infer<typeof IssueBody> | undefined) ?? {};
      const issued = await issueEmbedToken(tokenContext(c), c.req.valid('param').service, { origins: body.origins ?? null });
      return c.json(out(c, issued), 201);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/services/{service}/tokens',
      tags: ['staff'],
      security,
      summary: 'The embed tokens of a service, live and retired',
      request: { params: ServiceParam },
      responses: {
        200: { description: 'the tokens', content: { 'application/json': { schema: z.object({ tokens: z.array(TokenOut) }) } } },
        401: problem('no valid staff token'),
        404: problem('unknown service'),
      },
    }),
    async (c) => {
      const list = await listEmbedTokens(tokenContext(c), c.req.valid('param').service);
      return c.json({ tokens: list.map((t) => out(c, t)) }, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/tokens',
      tags: ['staff'],
      security,
      summary: 'Every live embed token',
      responses: {
        200: { description: 'the live tokens', content: { 'application/json': { schema: z.object({ tokens: z.array(TokenOut) }) } } },
        401: problem('no valid staff token'),
      },
    }),
    async (c) => {
      return c.json({ tokens: (await liveEmbedTokenViews(c.get('deps').database.db)).map((v) => out(c, v)) }, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/tokens/{jti}/retire',
      tags: ['staff'],
      security,
      summary: 'Retire an embed token: from now on it answers as unknown everywhere (404)',
      request: { params: JtiParam },
      responses: {
        200: { description: 'retired', content: { 'application/json': { schema: TokenOut } } },
        401: problem('no valid staff token'),
        403: problem('role'),
        404: problem('unknown token'),
        409: problem('already retired'),
      },
    }),
    async (c) => {
      requireRole(c, 'admin', 'reviewer');
      const retired = await retireEmbedToken(tokenContext(c), c.req.valid('param').jti);
      return c.json(out(c, retired), 200);
    },
  );
  return r;
}
