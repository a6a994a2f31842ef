import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { resolveService } from '../../domain/lifecycle/staff-view';
import type { AppEnv } from '../../http/env';
import { newRouter } from '../../http/router';
import { checkOriginProof, originProofsOf, requestOriginProof, type OriginProofContext } from '../../origins/proofs';
import { originVerifications } from '../../repositories/origin-proofs';
import { IdParam, ServiceParam } from './schemas';
import { jsonBody, jsonOk, lifecycleContext, problems, security, TAG } from './shared';

const ProofParam = IdParam('proof', 'the origin proof’s id');

const ProofRequest = z
  .object({
    origin: z.string().min(1).max(255).openapi({ example: 'https://karte.vendor.example' }),
    method: z.enum(['http-01', 'dns-01']).openapi({ description: 'http-01: a file under /.well-known/certmark-challenge/; dns-01: a TXT record' }),
  })
  .openapi('OriginProofRequest');

const Instructions = z.union([
  z.object({ url: z.string(), content: z.string() }).openapi({ description: 'http-01: serve `content` at `url` (text/plain, 200)' }),
  z.object({ name: z.string(), type: z.literal('TXT'), value: z.string() }).openapi({ description: 'dns-01: a TXT record `name` holding `value`' }),
]);

const ProofOut = z
  .object({
    id: z.string(),
    serviceId: z.string(),
    origin: z.string(),
    method: z.enum(['http-01', 'dns-01']),
    status: z.enum(['pending', 'valid', 'failing', 'lapsed', 'expired', 'withdrawn']),
    requestedAt: z.string(),
    expiresAt: z.string(),
    verifiedAt: z.string().nullable(),
    revalidateAt: z.string().nullable(),
    failingSince: z.string().nullable(),
    checkedAt: z.string().nullable(),
    problem: z.string().nullable(),
    instructions: Instructions,
  })
  .openapi('OriginProof');

const CheckOut = z.object({ proof: ProofOut, outcome: z.object({ valid: z.boolean(), problem: z.string().optional() }) });

const Verification = z.object({
  origin: z.string(),
  verifiedBy: z.string().openapi({ description: '`staff` (named in the written application), `http-01` or `dns-01`' }),
  proofId: z.string().nullable(),
});

/** Who acts, and how certmark fetches: the SSRF-safe fetcher with the configuration's test-only allow-list. */
function proofContext(c: Context<AppEnv>): OriginProofContext {
  const deps = c.get('deps');
  return { ...lifecycleContext(c), check: { ...deps.siteCheck, fetch: { ...deps.siteCheck?.fetch, allow: deps.config.fetch.allow } } };
}

/** Art. 10.2 made two-sided (issue 15): prove that the vendor controls a site before it is registered. */
export function originProofRoutes() {
  const r = newRouter();

  r.openapi(
    createRoute({
      method: 'get',
      path: '/services/{service}/origin-proofs',
      tags: [TAG],
      security,
      summary: 'Art. 10.2: the registered sites with how each was verified, and the proofs asked for',
      request: { params: ServiceParam },
      responses: {
        200: jsonOk(z.object({ origins: z.array(Verification), proofs: z.array(ProofOut) }), 'the sites and proofs'),
        401: problems[401],
        403: problems[403],
        404: problems[404],
      },
    }),
    async (c) => {
      const db = c.get('deps').database.db;
      const service = await resolveService(db, c.req.valid('param').service);
      const origins = (await originVerifications(db, service.id)).map((o) => ({ origin: o.origin, verifiedBy: o.verified_by, proofId: o.proof_id }));
      return c.json({ origins, proofs: await originProofsOf(db, service.id) }, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/services/{service}/origin-proofs',
      tags: [TAG],
      security,
      summary: 'Art. 10.2: a challenge for a site (http-01 or dns-01); the site is registered once the challenge is met',
      request: { params: ServiceParam, ...jsonBody(ProofRequest) },
      responses: { 201: jsonOk(ProofOut, 'the challenge and what to publish'), ...problems },
    }),
    async (c) => {
      const service = await resolveService(c.get('deps').database.db, c.req.valid('param').service);
      return c.json(await requestOriginProof(proofContext(c), service.id, c.req.valid('json')), 201);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/origin-proofs/{proof}/check',
      tags: [TAG],
      security,
      summary: 'Art. 10.2: check the challenge now, through the SSRF-safe fetcher (https only, public addresses, no redirects, 5 s, 16 KB)',
      request: { params: ProofParam },
      responses: { 200: jsonOk(CheckOut, 'the outcome and the proof after it'), ...problems },
    }),
    async (c) => {
      const { proof } = c.req.valid('param') as { proof: string };
      return c.json(await checkOriginProof(proofContext(c), proof), 200);
    },
  );

  return r;
}
