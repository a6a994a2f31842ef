/**
 * One crawler sighting, received once (CONTRACT.md, "For crawlers"; the IETF Idempotency-Key draft): the key is
 * claimed in its own committed statement before any work, so of two requests at once exactly one does the work;
 * the work and the stored answer are then one transaction. A failed request frees its key.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import { AppError } from '../errors';
import { findIdempotencyKey, releaseIdempotencyKey, takeOverAbandonedClaim } from '../repositories/sightings';
import { detect, type Finding, type TokenCheck } from './detect';
import type { ServiceDirectory } from './directory';
import type { ImageJudge } from './images';
import { requestHash, type SightingInput } from './input';
import type { SightingStore } from './store';

/**
 * A claim in flight for longer than this belongs to a request that died: a retry may take it over. Well past any
 * request's deadline (WRITE_TIMEOUT_MS); claims of a process that died are released sooner, when a process
 * starts (releaseClaimsOfGoneInstances).
 */
export const ABANDONED_AFTER_MS = 2 * 60 * 1000;

export interface IntakeDeps {
  db: Db;
  clock: Clock;
  /** {base}: verification URLs are `{base}/verify/{number}`. */
  base: string;
  images: ImageJudge;
  directory: ServiceDirectory;
  store: SightingStore;
  verifyToken(token: string): Promise<TokenCheck>;
  newId?: () => string;
}

export interface SightingAnswer {
  id: string;
  findings: Finding[];
  /** Whether the image is the mark in some form (false: nothing Art. 10 speaks of was seen). */
  markSeen: boolean;
  imageSha256: string;
  seenAt: string;
}

export interface Received {
  status: number;
  body: SightingAnswer;
  /** The answer stored for an earlier request with the same key and body. */
  replayed: boolean;
}

/** Claims the key, or says what the earlier request with it says: its answer, 422 or 409. */
async function claim(deps: IntakeDeps, crawlerKeyId: string, key: string, hash: string): Promise<Received | null> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const now = deps.clock.now();
    if (await deps.store.claim({ crawlerKeyId, key, requestHash: hash, at: now })) return null;
    const row = await findIdempotencyKey(deps.db, crawlerKeyId, key);
    if (!row) continue; // released between the two statements: claim again
    if (row.request_hash !== hash) {
      throw new AppError('idempotency_mismatch', 'this Idempotency-Key was used with another request body', { field: 'Idempotency-Key' });
    }
    if (row.state === 'done') return { status: row.response_status ?? 201, body: row.response_body as unknown as SightingAnswer, replayed: true };
    const staleBefore = new Date(now.getTime() - ABANDONED_AFTER_MS);
    if (await takeOverAbandonedClaim(deps.db, { crawlerKeyId, key, requestHash: hash, staleBefore, at: now, owner: deps.store.owner })) return null;
    throw new AppError('idempotency_conflict', 'a request with this Idempotency-Key is still being processed; retry later', { field: 'Idempotency-Key' });
  }
  throw new AppError('idempotency_conflict', 'this Idempotency-Key is contended; retry later', { field: 'Idempotency-Key' });
}

export async function receiveSighting(deps: IntakeDeps, crawlerKeyId: string, idempotencyKey: string, input: SightingInput): Promise<Received> {
  const hash = requestHash(input);
  const earlier = await claim(deps, crawlerKeyId, idempotencyKey, hash);
  if (earlier) return earlier;
  try {
    const judged = await deps.images.judge(deps.db, input.image);
    const token = input.token === null ? null : await deps.verifyToken(input.token);
    const detection = await detect(
      { pageOrigin: input.pageOrigin, seenAt: input.seenAt, linkHref: input.linkHref, token, image: judged.verdict },
      deps.directory,
      deps.base,
    );
    const id = (deps.newId ?? randomUUID)();
    const body: SightingAnswer = {
      id,
      findings: detection.findings,
      markSeen: judged.verdict.finding !== 'unrelated',
      imageSha256: input.image.sha256,
      seenAt: input.seenAt.toISOString(),
    };
    const at = deps.clock.now();
    await deps.store.write({
      claim: { crawlerKeyId, key: idempotencyKey, requestHash: hash, at },
      image: judged.store ? { ...judged.store, at } : null,
      sighting: {
        id,
        crawler_key_id: crawlerKeyId,
        page_url: input.pageUrl,
        page_origin: input.pageOrigin,
        seen_at: input.seenAt,
        image_sha256: input.image.sha256,
        link_href: input.linkHref,
        token: input.token,
        service_id: detection.serviceId,
        findings: detection.findings,
        evidence: detection.evidence,
        created_at: at,
      },
      // One case per service, page and finding, counting repeats (DOMAIN.md); `ok` opens none.
      caseFindings: detection.findings.filter((f) => f !== 'ok'),
      response: { status: 201, body: body as unknown as Record<string, unknown> },
    });
    deps.images.remember(input.image.sha256, judged.verdict);
    return { status: 201, body, replayed: false };
  } catch (err) {
    await releaseIdempotencyKey(deps.db, crawlerKeyId, idempotencyKey).catch(() => {});
    throw err;
  }
}
