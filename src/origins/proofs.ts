/**
 * Proving the registered sites (Art. 10.2 made two-sided, issue 15). A vendor (or staff for them) asks to prove
 * an origin; certmark gives an http-01 or dns-01 challenge (./challenge.ts) and checks it through the SSRF-safe
 * fetcher. A proved origin joins the registered sites, the only ones an embed token may name and the mark is
 * served on. Every proof is re-checked a year after it last passed: a site that fails is announced to the vendor
 * and, still failing after the grace period, leaves the registered sites, so the mark stops there.
 */
import { inTransaction, notifyOnCommit, type Db, type Tx } from '../db/database';
import { changeOrigins, SITES_MAY_CHANGE } from '../domain/lifecycle/changes';
import { newId, onService, requireStatus, type LifecycleContext } from '../domain/lifecycle/context';
import { AppError, notFound } from '../errors';
import type { NoticeSettings } from '../notices/compose';
import { NOTICES_CHANNEL } from '../notices/ids';
import { plainNoticeRow } from '../notices/plain';
import { insertNotices, noticeRecipientOf } from '../repositories/notices';
import * as proofs from '../repositories/origin-proofs';
import { recordOnChain } from '../repositories/records';
import { origins as registeredOrigins } from '../repositories/services';
import { normalizeOrigin } from '../tokens/origins';
import { formatDate } from '../views/vocabulary';
import { challengeInstructions, checkChallenge, newChallengeToken, type ChallengeCheckDeps, type ChallengeMethod, type ChallengeOutcome } from './challenge';

const DAY = 86_400_000;
/** A challenge not met within a week is expired: ask for a new one. */
export const CHALLENGE_DAYS = 7;
/** Art. 10.2: a proved site is proved again every year. */
export const REVALIDATE_DAYS = 365;
/** A site failing its yearly re-check stays registered this long after the vendor was told, then goes. */
export const GRACE_DAYS = 30;
/** A failing site is checked again at most once a day. */
const FAILING_RECHECK_MS = DAY;

export interface OriginProofContext extends LifecycleContext {
  /** The fetcher's options (the test-only allow-list) and the resolvers; the system's by default. */
  check: ChallengeCheckDeps;
  notices?: NoticeSettings;
}

export interface OriginProofView {
  id: string;
  serviceId: string;
  origin: string;
  method: ChallengeMethod;
  status: proofs.OriginProofRow['status'];
  requestedAt: string;
  expiresAt: string;
  verifiedAt: string | null;
  revalidateAt: string | null;
  failingSince: string | null;
  checkedAt: string | null;
  problem: string | null;
  /** What to publish: the URL and its content (http-01), or the TXT record (dns-01). */
  instructions: ReturnType<typeof challengeInstructions>;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function proofView(r: proofs.OriginProofRow): OriginProofView {
  return {
    id: r.id,
    serviceId: r.service_id,
    origin: r.origin,
    method: r.method,
    status: r.status,
    requestedAt: new Date(r.requested_at).toISOString(),
    expiresAt: new Date(r.expires_at).toISOString(),
    verifiedAt: iso(r.verified_at),
    revalidateAt: iso(r.revalidate_at),
    failingSince: iso(r.failing_since),
    checkedAt: iso(r.checked_at),
    problem: r.problem,
    instructions: challengeInstructions({ serviceId: r.service_id, origin: r.origin, method: r.method, token: r.token }),
  };
}

/** The origin as the registry keeps it: https, or an origin the test-only allow-list names. */
function siteOrigin(ctx: OriginProofContext, raw: string): string {
  const origin = normalizeOrigin(raw);
  if (!origin) throw new AppError('invalid', 'an origin is scheme://host[:port], without path, query or credentials', { field: 'origin' });
  if (!origin.startsWith('https://') && !(ctx.check.fetch?.allow ?? []).includes(origin))
    throw new AppError('invalid', 'a registered site is served over https', { field: 'origin', article: 'Art. 10.2' });
  return origin;
}

/** Art. 10.2: a challenge for one origin of the service. Asking again while one is pending gives the same one. */
export async function requestOriginProof(
  ctx: OriginProofContext,
  serviceId: string,
  input: { origin: string; method: ChallengeMethod },
): Promise<OriginProofView> {
  const origin = siteOrigin(ctx, input.origin);
  const { result } = await onService(ctx, serviceId, (v) => {
    requireStatus(v, SITES_MAY_CHANGE, 'Art. 10.2', 'proving a site');
    return {
      events: [],
      project: async (tx) => {
        const live = await proofs.liveOriginProof(tx, serviceId, origin);
        if (live?.status === 'pending' && live.method === input.method && new Date(live.expires_at) > v.now) return live;
        if (live && live.status !== 'pending')
          throw new AppError('conflict', `${origin} is proved already (${live.method}) and is checked again yearly`, {
            field: 'origin',
            extra: { proofId: live.id },
          });
        if (live) await settle(tx, ctx, live, { status: live.method === input.method ? 'expired' : 'withdrawn' });
        const row: proofs.OriginProofRow = {
          id: newId(ctx),
          service_id: serviceId,
          origin,
          method: input.method,
          token: newChallengeToken(),
          requested_by: ctx.actor,
          requested_at: v.now,
          expires_at: new Date(v.now.getTime() + CHALLENGE_DAYS * DAY),
          status: 'pending',
          verified_at: null,
          revalidate_at: null,
          failing_since: null,
          checked_at: null,
          problem: null,
          checks: 0,
        };
        await proofs.insertOriginProof(tx, row);
        await recordOnChain(tx, 'origin_proof', 'origin_proof.requested', row.id, ctx.actor, v.now);
        return row;
      },
    };
  });
  return proofView(result!);
}

/** A status change of a proof, on the chain. */
async function settle(
  tx: Tx,
  ctx: OriginProofContext,
  row: proofs.OriginProofRow,
  set: Partial<proofs.OriginProofRow> & { status: 'expired' | 'withdrawn' | 'valid' | 'failing' | 'lapsed' },
) {
  await proofs.updateOriginProof(tx, row.id, set);
  const event = {
    expired: 'origin_proof.expired',
    withdrawn: 'origin_proof.withdrawn',
    valid: 'origin_proof.verified',
    failing: 'origin_proof.failing',
    lapsed: 'origin_proof.lapsed',
  } as const;
  await recordOnChain(tx, 'origin_proof', event[set.status], row.id, ctx.actor, ctx.clock.now());
}

/**
 * Checks the challenge now (the network first, then one transaction). Pending: a pass proves the site and
 * registers it. Proved or failing (the yearly re-check): a pass keeps it for another year; a first failure tells the
 * vendor; a failure past the grace period removes the site.
 */
export async function checkOriginProof(ctx: OriginProofContext, proofId: string): Promise<{ proof: OriginProofView; outcome: ChallengeOutcome }> {
  const before = await proofs.findOriginProof(ctx.db, proofId);
  if (!before) throw notFound('origin proof');
  if (before.status === 'pending' && new Date(before.expires_at) <= ctx.clock.now()) {
    const expired = await inTransaction(ctx.db, async (tx) => {
      const row = await proofs.lockOriginProof(tx, proofId);
      if (row?.status === 'pending') await settle(tx, ctx, row, { status: 'expired' });
      return (await proofs.findOriginProof(tx, proofId))!;
    });
    return { proof: proofView(expired), outcome: { valid: false, problem: 'the challenge expired: ask for a new one' } };
  }
  if (!['pending', 'valid', 'failing'].includes(before.status))
    throw new AppError('forbidden_transition', `the proof is ${before.status}: ask for a new one`, { article: 'Art. 10.2', extra: { status: before.status } });
  const outcome = await checkChallenge({ serviceId: before.service_id, origin: before.origin, method: before.method, token: before.token }, ctx.check);
  const after = await inTransaction(ctx.db, async (tx) => {
    const row = await proofs.lockOriginProof(tx, proofId);
    if (!row || row.status !== before.status) throw new AppError('conflict', 'the proof changed while it was checked: check again');
    const now = ctx.clock.now();
    await proofs.updateOriginProof(tx, row.id, { checked_at: now, problem: outcome.valid ? null : outcome.problem, checks: row.checks + 1 });
    if (outcome.valid) await passed(tx, ctx, row, now);
    else if (row.status !== 'pending') await failed(tx, ctx, row, now, outcome.problem);
    return (await proofs.findOriginProof(tx, proofId))!;
  });
  return { proof: proofView(after), outcome };
}

async function passed(tx: Tx, ctx: OriginProofContext, row: proofs.OriginProofRow, now: Date) {
  await settle(tx, ctx, row, {
    status: 'valid',
    verified_at: row.verified_at ?? now,
    revalidate_at: new Date(now.getTime() + REVALIDATE_DAYS * DAY),
    failing_since: null,
  });
  if (row.status !== 'pending') return;
  // Art. 10.2: the proved site joins the registered sites (an event on the service), verified by this proof
  const registered = await registeredOrigins(tx, row.service_id);
  if (!registered.includes(row.origin)) await changeOrigins({ ...ctx, db: tx }, row.service_id, [...registered, row.origin]);
  await proofs.markOriginProved(tx, row.service_id, row.origin, row.method, row.id);
}

async function failed(tx: Tx, ctx: OriginProofContext, row: proofs.OriginProofRow, now: Date, problem: string) {
  if (row.status === 'valid') {
    await settle(tx, ctx, row, { status: 'failing', failing_since: now });
    await tellVendor(tx, ctx, row, 'failing', now, problem);
    return;
  }
  const since = new Date(row.failing_since ?? now);
  if (now.getTime() - since.getTime() < GRACE_DAYS * DAY) return;
  await settle(tx, ctx, row, { status: 'lapsed' });
  const registered = await registeredOrigins(tx, row.service_id);
  if (registered.includes(row.origin)) {
    try {
      await changeOrigins(
        { ...ctx, db: tx },
        row.service_id,
        registered.filter((o) => o !== row.origin),
      );
    } catch (e) {
      // a certification that has ended keeps its last registered sites as a record; the mark is not served anyway
      if (!(e instanceof AppError && e.kind === 'forbidden_transition')) throw e;
    }
  }
  await tellVendor(tx, ctx, row, 'lapsed', now, problem);
}

/** The notice to the vendor that a proved site failed its re-check, or was removed for it. */
async function tellVendor(tx: Tx, ctx: OriginProofContext, row: proofs.OriginProofRow, what: 'failing' | 'lapsed', now: Date, problem: string) {
  if (!ctx.notices) return;
  const r = await noticeRecipientOf(tx, row.service_id);
  if (!r) return;
  const by = formatDate(new Date(new Date(row.failing_since ?? now).getTime() + GRACE_DAYS * DAY + 9 * 3_600_000).toISOString().slice(0, 10), r.language);
  const name = r.language === 'en' ? (r.name_en ?? r.name_ja) : r.name_ja;
  const text =
    r.language === 'en'
      ? what === 'failing'
        ? {
            subject: `Site check failed: ${row.origin} (${name})`,
            lines: [
              `The yearly check of the registered site ${row.origin} for ${name} (${r.number ?? '—'}) failed (Art. 10.2):`,
              `  ${problem}`,
              `Publish the challenge again as before. Unless the site passes by ${by}, it is removed from the registered sites and the mark is no longer shown there.`,
            ],
          }
        : {
            subject: `Site removed: ${row.origin} (${name})`,
            lines: [
              `The registered site ${row.origin} for ${name} (${r.number ?? '—'}) did not pass its check and has been removed (Art. 10.2). The mark is no longer shown there.`,
            ],
          }
      : what === 'failing'
        ? {
            subject: `【掲示サイトの確認失敗】${row.origin}（${name}）`,
            lines: [
              `${name}（${r.number ?? '—'}）の登録サイト ${row.origin} の年次確認ができませんでした（第10条第2項）。`,
              `  ${problem}`,
              `これまでと同じ確認用の値を掲示してください。${by}までに確認できない場合、このサイトは登録から外れ、認定マークは表示されなくなります。`,
            ],
          }
        : {
            subject: `【掲示サイトの登録抹消】${row.origin}（${name}）`,
            lines: [
              `${name}（${r.number ?? '—'}）の登録サイト ${row.origin} は確認できなかったため、登録から外しました（第10条第2項）。認定マークは同サイトに表示されなくなります。`,
            ],
          };
  const cause = `origin-proof:${row.id}:${what}:${new Date(row.failing_since ?? now).toISOString()}`;
  await insertNotices(tx, [plainNoticeRow(r, { cause, kind: `origin_proof_${what}`, ...text }, ctx.notices, now)]);
  await notifyOnCommit(tx, NOTICES_CHANNEL, cause);
}

/** The yearly re-check (run hourly by the server, like the reminders): every proof due, one by one. */
export async function revalidateOriginProofs(ctx: OriginProofContext, limit = 50): Promise<{ checked: number; passed: number }> {
  const now = ctx.clock.now();
  const due = await proofs.originProofsDue(ctx.db, now, new Date(now.getTime() - FAILING_RECHECK_MS), limit);
  let passedCount = 0;
  for (const p of due) {
    try {
      if ((await checkOriginProof(ctx, p.id)).outcome.valid) passedCount++;
    } catch (e) {
      if (!(e instanceof AppError && e.kind === 'conflict')) throw e; // another process checked it meanwhile
    }
  }
  return { checked: due.length, passed: passedCount };
}

export async function originProofsOf(db: Db, serviceId: string): Promise<OriginProofView[]> {
  return (await proofs.originProofsOfService(db, serviceId)).map(proofView);
}
