/**
 * Verified embed tokens kept by the read model (tokens/verify.ts does the verifying).
 */
import { verifyEmbedToken, type Verification, type VerifyDeps } from '../tokens/verify';
import { LRUCache } from 'lru-cache';

interface Entry {
  result: Verification;
  serviceId: string | null;
  expires: number;
}

/**
 * Verified tokens kept in memory: a token is verified once, not per request. Entries are dropped when their
 * service changes (retirement announces the service on `certmark_changes`), and live at most `ttlMs` as a
 * backstop should a notification be lost (0: nothing is kept, as on Workers, which hear no NOTIFY). Bounded:
 * the oldest entries go first.
 */
export class TokenCache {
  private readonly entries: LRUCache<string, Entry>;
  private generation = 0;
  /** False while retirements may go unheard (the LISTEN connection is down): nothing is kept. */
  private keeping = true;

  constructor(
    private readonly deps: VerifyDeps,
    private readonly options: { max: number; ttlMs: number } = { max: 10_000, ttlMs: 60_000 },
  ) {
    this.entries = new LRUCache({ max: options.max });
  }

  /** Sync lookup: the cached answer, or undefined when it must be computed. */
  peek(token: string): Verification | undefined {
    if (!this.keeping) return undefined;
    const hit = this.entries.get(token);
    if (hit === undefined) return undefined;
    if (hit.expires < performance.now()) {
      this.entries.delete(token);
      return undefined;
    }
    return hit.result;
  }

  async verify(token: string): Promise<Verification> {
    const hit = this.peek(token);
    if (hit) return hit;
    const generation = this.generation;
    const result = await verifyEmbedToken(token, this.deps);
    // A cache drop while this was computed means the answer may be stale: use it once, do not keep it.
    if (this.keeping && this.options.ttlMs > 0 && generation === this.generation && this.cacheable(token, result)) {
      this.entries.set(token, { result, serviceId: result.ok ? result.token.serviceId : null, expires: performance.now() + this.options.ttlMs });
    }
    return result;
  }

  private cacheable(token: string, result: Verification): boolean {
    if (result.ok) return true;
    // Oversized input is never a key; an unknown kid may become known after a rotation elsewhere.
    return result.refusal !== 'too_long' && result.refusal !== 'unknown_kid' && token.length <= 2048;
  }

  /** Something about the service changed (a token retired, say): forget its tokens and every refusal. */
  dropService(serviceId: string): void {
    this.generation++;
    const dropped = [...this.entries.entries()].filter(([, e]) => e.serviceId === serviceId || e.serviceId === null).map(([token]) => token);
    for (const token of dropped) this.entries.delete(token);
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }

  /** Stop keeping (and forget) answers, or start again: see StatusCache.listen. */
  keep(on: boolean): void {
    this.clear();
    this.keeping = on;
  }
}
