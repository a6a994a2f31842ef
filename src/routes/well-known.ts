import { createRoute, z } from '@hono/zod-openapi';
import { newRouter } from '../http/router';

const Jwk = z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string(), kid: z.string(), alg: z.literal('EdDSA'), use: z.literal('sig') });
const Jwks = z.object({ keys: z.array(Jwk) }).openapi('JWKS');

/** `GET /.well-known/jwks.json` (RFC 7517): the keys that verify embed tokens; a rotated key stays while its tokens are live. */
export function wellKnownRoutes() {
  const r = newRouter();
  r.openapi(
    createRoute({
      method: 'get',
      path: '/.well-known/jwks.json',
      tags: ['mark'],
      summary: 'The public keys that verify embed tokens',
      responses: { 200: { description: 'the JWKS', content: { 'application/jwk-set+json': { schema: Jwks } } } },
    }),
    (c) =>
      c.body(c.get('deps').keys.jwksBody(), 200, {
        'Content-Type': 'application/jwk-set+json',
        'Cache-Control': 'public, max-age=300',
        'Access-Control-Allow-Origin': '*',
        'Cross-Origin-Resource-Policy': 'cross-origin',
      }) as never,
  );
  return r;
}
