import { createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../errors';
import { errorResponses } from '../http/openapi';
import { newRouter } from '../http/router';
import type { AppEnv } from '../http/env';
import type { Context } from 'hono';
import { ENTRIES_PAGE } from '../transparency/constants';

const TAG = 'transparency log';
const OPEN = { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' };
/** Entries and proofs of sizes already signed never change. */
const FIXED = { ...OPEN, 'Cache-Control': 'public, max-age=86400' };
/** A size or an index: a plain decimal integer (no sign, no blanks, no exponent). */
const count = (description: string) =>
  z
    .string()
    .regex(/^(0|[1-9][0-9]{0,14})$/, 'a non-negative integer')
    .transform(Number)
    .openapi({ description, type: 'integer', minimum: 0, example: 0 } as never);

const Entries = z
  .object({
    entries: z.array(
      z.object({
        index: z.number().int(),
        entry: z.string().openapi({ description: 'base64 of the exact entry bytes (docs/transparency.md, "Entries")' }),
      }),
    ),
  })
  .openapi('LogEntries');
const Inclusion = z.object({ index: z.number().int(), size: z.number().int(), hashes: z.array(z.string()) }).openapi('LogInclusionProof');
const Consistency = z.object({ from: z.number().int(), to: z.number().int(), hashes: z.array(z.string()) }).openapi('LogConsistencyProof');

function logOf(c: Context<AppEnv>) {
  const log = c.get('deps').log;
  if (!log) throw new AppError('unavailable', 'the transparency log is not served here');
  return log;
}

const b64 = (h: Buffer) => h.toString('base64');

/** The transparency log's public endpoints (CONTRACT.md, "The transparency log"; docs/transparency.md). */
export function logRoutes() {
  const r = newRouter();
  r.openapi(
    createRoute({
      method: 'get',
      path: '/.well-known/certmark/checkpoint',
      tags: [TAG],
      summary: 'The newest checkpoint, a C2SP signed note (tlog-checkpoint) with the witnesses’ cosignatures',
      responses: { 200: { description: 'the signed checkpoint', content: { 'text/plain': { schema: z.string() } } }, ...errorResponses() },
    }),
    async (c) => {
      const cp = await logOf(c).checkpoint();
      if (!cp) throw new AppError('unavailable', 'the log has no checkpoint yet');
      return c.body(cp.note, 200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache', ...OPEN }) as never;
    },
  );
  r.openapi(
    createRoute({
      method: 'get',
      path: '/.well-known/certmark/log-key',
      tags: [TAG],
      summary: 'The key that verifies the checkpoints, in C2SP vkey form',
      responses: { 200: { description: 'the verifier key', content: { 'text/plain': { schema: z.string() } } }, ...errorResponses() },
    }),
    (c) => c.body(`${logOf(c).key.vkey}\n`, 200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'public, max-age=3600', ...OPEN }) as never,
  );
  r.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/log/entries',
      tags: [TAG],
      summary: `Log entries [start, end), at most ${ENTRIES_PAGE} a page; a confidential event is a salted commitment only`,
      request: { query: z.object({ start: count('the first index'), end: count('one past the last index (at most the checkpoint’s tree size)') }) },
      responses: { 200: { description: 'the entries', content: { 'application/json': { schema: Entries } } }, ...errorResponses(400) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const entries = await logOf(c).entries(q.start, q.end);
      return c.json({ entries: entries.map((e) => ({ index: e.index, entry: b64(e.entry) })) }, 200, FIXED);
    },
  );
  r.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/log/proof/inclusion',
      tags: [TAG],
      summary: 'The RFC 9162 §2.1.3 inclusion proof of one entry in the tree of a checkpointed size',
      request: { query: z.object({ index: count('the entry'), size: count('the tree size (of a checkpoint)') }) },
      responses: { 200: { description: 'the proof', content: { 'application/json': { schema: Inclusion } } }, ...errorResponses(400) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const hashes = await logOf(c).inclusion(q.index, q.size);
      return c.json({ index: q.index, size: q.size, hashes: hashes.map(b64) }, 200, FIXED);
    },
  );
  r.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/log/proof/consistency',
      tags: [TAG],
      summary: 'The RFC 9162 §2.1.4 consistency proof between two tree sizes',
      request: { query: z.object({ from: count('the older tree size (at least 1)'), to: count('the newer tree size') }) },
      responses: { 200: { description: 'the proof', content: { 'application/json': { schema: Consistency } } }, ...errorResponses(400) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const hashes = await logOf(c).consistency(q.from, q.to);
      return c.json({ from: q.from, to: q.to, hashes: hashes.map(b64) }, 200, FIXED);
    },
  );
  return r;
}
