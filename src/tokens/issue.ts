/**
 * Issuing and retiring embed tokens (CONTRACT.md, "The embed token"). A token names one certified service and the
 * web origins where its badge may appear (Art. 10.2); it holds no secret and does not make the mark valid.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import { inTransaction, type Db } from '../db/database';
import type { ServiceRow } from '../db/schema';
import { foldEvents, statusOf } from '../domain/lifecycle/state';
import { AppError } from '../errors';
import type { KeyRing } from '../keys/ring';
import * as tokens from '../repositories/embed-tokens';
import { recordOnChain } from '../repositories/records';
import { serviceEvents } from '../repositories/events';
import { notifyKeysChanged } from '../repositories/signing-keys';
import { verifiedOriginsOf } from '../repositories/origin-proofs';
import { findService, findServiceByNumber } from '../repositories/services';
import { MAX_TOKEN_LENGTH, signToken } from './jws';
import { normalizeOrigin } from './origins';

export const MAX_ORIGINS = 16;

export interface TokenContext {
  db: Db;
  clock: Clock;
  keys: KeyRing;
  /** {base}: the issuer, and the root of the URLs in the embed snippet. */
  base: string;
  /** Who acts (a staff token id), recorded on the chain. */
  actor?: string;
}

export interface EmbedTokenView {
  jti: string;
  token: string;
  number: string;
  serviceId: string;
  kid: string;
  origins: string[];
  issuedAt: string;
  retiredAt: string | null;
}

/** A service by its certification number (`MD-0042-2411`) or its id. */
export async function findServiceRef(db: Db, ref: string): Promise<ServiceRow> {
  const service = /^[A-Z]{2}-\d{4}-\d{4}$/.test(ref) ? await findServiceByNumber(db, ref) : await findService(db, ref);
  if (!service) throw new AppError('not_found', 'service not found', { field: 'service' });
  return service;
}

/** Each origin an http(s) origin, normalised, no duplicates. */
export function checkOrigins(list: readonly string[], field = 'origins'): string[] {
  if (list.length === 0)
    throw new AppError('invalid', 'at least one origin is needed (Art. 10.2: the sites where the mark may appear)', { field, article: 'Art. 10.2' });
  if (list.length > MAX_ORIGINS) throw new AppError('invalid', `at most ${MAX_ORIGINS} origins per token`, { field });
  const out: string[] = [];
  list.forEach((o, i) => {
    const n = normalizeOrigin(o);
    if (!n)
      throw new AppError('invalid', `not an http or https origin (scheme, host and port only): ${JSON.stringify(o.slice(0, 80))}`, { field: `${field}.${i}` });
    if (!out.includes(n)) out.push(n);
  });
  return out;
}

export function toView(row: tokens.EmbedTokenRow, number: string): EmbedTokenView {
  return {
    jti: row.jti,
    token: row.token,
    number,
    serviceId: row.service_id,
    kid: row.kid,
    origins: row.origins,
    issuedAt: new Date(row.issued_at).toISOString(),
    retiredAt: row.retired_at === null ? null : new Date(row.retired_at).toISOString(),
  };
}

/**
 * Issues a token for a service that holds a certification number and whose certification has not ended
 * (revoked, terminated or lapsed: Art. 17, 13.2, 9.2). Origins default to the service's registered origins, and
 * may only be some of them (Art. 10.2).
 */
export async function issueEmbedToken(ctx: TokenContext, serviceRef: string, input: { origins?: readonly string[] | null }): Promise<EmbedTokenView> {
  const service = await findServiceRef(ctx.db, serviceRef);
  if (!service.number) {
    throw new AppError('forbidden_transition', 'the service has no certification number yet: tokens are issued for certified services', {
      article: 'Art. 6.5',
    });
  }
  const status = statusOf(foldEvents(await serviceEvents(ctx.db, service.id)), ctx.clock.now());
  if (status === 'revoked' || status === 'terminated' || status === 'lapsed') {
    const article = status === 'revoked' ? 'Art. 10.8' : status === 'terminated' ? 'Art. 13.2' : 'Art. 9.2';
    throw new AppError('forbidden_transition', `no token is issued while the service is ${status}`, { article, extra: { status } });
  }
  // Art. 10.2, issue 15: a token names only verified sites of its service (registered by staff, or proved).
  const registered = await verifiedOriginsOf(ctx.db, service.id);
  const origins = checkOrigins(input.origins ?? registered, input.origins ? 'origins' : 'registered origins');
  const allowed = new Set(registered.map(normalizeOrigin));
  origins.forEach((o, i) => {
    if (!allowed.has(o)) {
      throw new AppError('unprocessable', `${o} is not a verified site of ${service.number}: register the site (staff) or prove it (http-01, dns-01) first`, {
        field: `origins.${i}`,
        article: 'Art. 10.2',
        extra: { origin: o },
      });
    }
  });
  const signer = ctx.keys.currentSigner();
  const now = ctx.clock.now();
  const jti = newJti();
  const token = await signToken(signer, { iss: ctx.base, sub: service.number, origins, iat: Math.floor(now.getTime() / 1000), jti });
  if (token.length > MAX_TOKEN_LENGTH) throw new AppError('invalid', 'the origins make the token too long: use fewer or shorter origins', { field: 'origins' });
  await inTransaction(ctx.db, async (tx) => {
    await tokens.insertEmbedToken(tx, { jti, serviceId: service.id, kid: signer.kid, origins, token, at: now });
    await recordOnChain(tx, 'embed_token', 'embed_token.issued', jti, ctx.actor ?? 'staff', now);
  });
  return { jti, token, number: service.number, serviceId: service.id, kid: signer.kid, origins, issuedAt: now.toISOString(), retiredAt: null };
}

export async function listEmbedTokens(ctx: Pick<TokenContext, 'db'>, serviceRef: string): Promise<EmbedTokenView[]> {
  const service = await findServiceRef(ctx.db, serviceRef);
  return (await tokens.serviceEmbedTokens(ctx.db, service.id)).map((r) => toView(r, service.number ?? ''));
}

/** Retires a token: from the commit on, every process answers it as unknown (404), and its key may leave the JWKS. */
export async function retireEmbedToken(ctx: Pick<TokenContext, 'db' | 'clock' | 'keys' | 'actor'>, jti: string): Promise<EmbedTokenView> {
  const row = await inTransaction(ctx.db, async (tx) => {
    const existing = await tokens.findEmbedToken(tx, jti);
    if (!existing) throw new AppError('not_found', 'token not found', { field: 'jti' });
    if (existing.retired_at !== null) throw new AppError('conflict', 'the token is already retired', { field: 'jti' });
    const at = ctx.clock.now();
    const retired = await tokens.retireEmbedToken(tx, jti, at);
    if (!retired) throw new AppError('conflict', 'the token is already retired', { field: 'jti' });
    await recordOnChain(tx, 'embed_token', 'embed_token.retired', jti, ctx.actor ?? 'staff', at);
    await tokens.notifyServiceChanged(tx, retired.service_id);
    await notifyKeysChanged(tx, retired.kid);
    return retired;
  });
  const service = await findService(ctx.db, row.service_id);
  return toView(row, service?.number ?? '');
}

/** Every live token with its service's number (staff overview). */
export async function liveEmbedTokenViews(db: Db): Promise<EmbedTokenView[]> {
  return (await tokens.liveEmbedTokens(db)).map((row) => toView({ ...row, retired_at: null }, row.number ?? ''));
}

/**
 * 128 random bits, base64url, never with a leading `-`: a command line would read `certmark token retire -x…`
 * as an option (one jti in 64 did, and the command said "unknown option").
 */
export function newJti(): string {
  for (;;) {
    const jti = randomBytes(16).toString('base64url');
    if (!jti.startsWith('-')) return jti;
  }
}
