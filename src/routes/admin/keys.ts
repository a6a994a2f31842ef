import { problemContent } from '../../http/openapi';
import { createRoute, z } from '@hono/zod-openapi';
import { newRouter } from '../../http/router';
import { requireRole } from '../../http/staff-auth';
import { security } from './shared';

const problem = (description: string) => ({ content: problemContent, description });

const KeyOut = z
  .object({
    kid: z.string(),
    alg: z.string(),
    createdAt: z.string(),
    retiredAt: z.string().nullable(),
    signing: z.boolean().openapi({ description: 'this key signs new tokens' }),
    published: z.boolean().openapi({ description: 'listed in /.well-known/jwks.json (signing, or live tokens signed with it)' }),
    liveTokens: z.number(),
  })
  .openapi('SigningKey');

/** Signing keys: list and rotate (admin only). */
export function adminKeyRoutes() {
  const r = newRouter();

  r.openapi(
    createRoute({
      method: 'get',
      path: '/keys',
      tags: ['staff'],
      security,
      summary: 'The signing keys (public facts only)',
      responses: {
        200: { description: 'the keys', content: { 'application/json': { schema: z.object({ keys: z.array(KeyOut) }) } } },
        401: problem('no valid staff token'),
        403: problem('admins only'),
      },
    }),
    async (c) => {
      requireRole(c, 'admin');
      const keys = await c.get('deps').keys.describe();
      return c.json({ keys: keys.map((k) => ({ ...k, createdAt: k.createdAt.toISOString(), retiredAt: k.retiredAt?.toISOString() ?? null })) }, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/keys/rotate',
      tags: ['staff'],
      security,
      summary: 'Rotate: a new key signs from now on; the old one verifies (and stays published) while its tokens are live',
      responses: {
        201: { description: 'rotated', content: { 'application/json': { schema: z.object({ kid: z.string(), retired: z.array(z.string()) }) } } },
        401: problem('no valid staff token'),
        403: problem('admins only'),
      },
    }),
    async (c) => {
      requireRole(c, 'admin');
      return c.json(await c.get('deps').keys.rotate(`staff:${c.get('staff').id}`), 201);
    },
  );
  return r;
}
