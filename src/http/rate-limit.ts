import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { getConnInfo } from '@hono/node-server/conninfo';
import { AppError } from '../errors';
import type { AppEnv } from './env';
import { LRUCache } from 'lru-cache';

export interface RateLimit {
  /** Attempts allowed per client in one window. */
  max: number;
  windowMs: number;
  /** Clients remembered at most; the oldest are forgotten first. */
  maxClients?: number;
}

/** The client's address as the socket saw it (no proxy header is trusted); one shared bucket when unknown. */
export function clientKeyOf(c: Context<AppEnv>): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * A sliding-window limiter kept in memory (per process), on the app's injected clock. Each attempt counts, valid
 * or not, so a client cannot probe the validator for free. Answers 429 with Retry-After and `message`.
 */
export function rateLimiter<E extends AppEnv>(limit: RateLimit, message: string, keyOf: (c: Context<AppEnv>) => string = clientKeyOf) {
  const hits = new LRUCache<string, number[]>({ max: limit.maxClients ?? 10_000 });
  const take = (key: string, now: number): number | null => {
    const recent = (hits.get(key) ?? []).filter((t) => t > now - limit.windowMs);
    if (recent.length >= limit.max) {
      hits.set(key, recent);
      return Math.max(1, Math.ceil((recent[0]! + limit.windowMs - now) / 1000));
    }
    recent.push(now);
    hits.set(key, recent);
    return null;
  };
  return createMiddleware<E>(async (c, next) => {
    const retryAfter = take(keyOf(c as never), c.get('deps').clock.now().getTime());
    if (retryAfter !== null) {
      c.header('Retry-After', String(retryAfter));
      throw new AppError('rate_limited', message, { extra: { retryAfter } });
    }
    await next();
  });
}
