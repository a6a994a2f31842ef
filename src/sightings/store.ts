/**
 * Where received sightings are written, by group commit (batch.ts): the Idempotency-Key claims of concurrent
 * requests go in one committed statement, and their finished work (images, sightings, cases, stored answers) in
 * one transaction. Should a batch fail, each of its items is written alone, so one bad item fails only itself.
 */
import { randomUUID } from 'node:crypto';
import { inTransaction, type Db } from '../db/database';
import { caseKey, findCase, recordCaseAction, type FindingTally } from '../repositories/cases';
import { recordOnChain, recordsOnChain } from '../repositories/records';
import { claimIdempotencyKeys, insertImagesOnce, writeReceived, type NewSighting } from '../repositories/sightings';
import { queueStaffNotices, type StaffNoticeSettings } from '../notices/staff-notices';
import { microBatcher } from './batch';
import type { ImageToStore } from './images';

export interface Claim {
  crawlerKeyId: string;
  key: string;
  requestHash: string;
  at: Date;
}

export interface FinishedSighting {
  claim: Claim;
  image: (ImageToStore & { at: Date }) | null;
  sighting: NewSighting;
  /** The findings that open or count on a case (not `ok`). */
  caseFindings: string[];
  response: { status: number; body: Record<string, unknown> };
}

export interface SightingStore {
  /** The instance id that the claims of this store carry. */
  owner: string;
  /** True when this request holds the key now; false when an earlier request does (or did). */
  claim(c: Claim): Promise<boolean>;
  write(s: FinishedSighting): Promise<void>;
}

/** The cases of a batch, one tally per case: a case counts every sighting of the batch that names it. */
function tally(items: readonly FinishedSighting[], newId: () => string): FindingTally[] {
  const byCase = new Map<string, FindingTally>();
  for (const { sighting: s, caseFindings } of items) {
    const seenAt = new Date(s.seen_at);
    for (const finding of caseFindings) {
      const key = caseKey(s.service_id, s.page_url, finding);
      const t = byCase.get(key);
      if (!t) {
        byCase.set(key, {
          id: newId(),
          serviceId: s.service_id,
          pageUrl: s.page_url,
          pageOrigin: s.page_origin,
          finding,
          count: 1,
          firstSeenAt: seenAt,
          lastSeenAt: seenAt,
          lastSightingId: s.id,
        });
        continue;
      }
      t.count++;
      if (seenAt < t.firstSeenAt) t.firstSeenAt = seenAt;
      if (seenAt > t.lastSeenAt) t.lastSeenAt = seenAt;
      t.lastSightingId = s.id;
    }
  }
  return [...byCase.values()];
}

async function writeAll(db: Db, items: readonly FinishedSighting[], newId: () => string, staff: StaffNoticeSettings | null): Promise<void> {
  const work = {
    sightings: items.map((i) => i.sighting),
    cases: tally(items, newId),
    answers: items.map((i) => ({ crawlerKeyId: i.claim.crawlerKeyId, key: i.claim.key, ...i.response })),
  };
  const images = items.flatMap((i) => (i.image ? [i.image] : []));
  await inTransaction(db, async (tx) => {
    if (images.length > 0) await insertImagesOnce(tx, images);
    const { opened, reopened } = await writeReceived(tx, work);
    // A case opened is on the chain (its id and fingerprint); counting sightings on it is not.
    const at = new Date(Math.max(...items.map((i) => new Date(i.sighting.created_at).getTime())));
    await recordsOnChain(tx, 'case', 'case.opened', opened, 'crawler', at);
    // Issue 14: a case reopened (seen again after its request's due date) is on the chain and in its history.
    for (const r of reopened) {
      const changed = await recordOnChain(tx, 'case', 'case.reopened', r.id, 'crawler', at);
      await recordCaseAction(tx, {
        id: newId(),
        caseId: r.id,
        kind: 'reopened',
        details: { seenAt: r.lastSeenAt.toISOString(), reopenCount: r.reopenCount },
        eventIds: [changed],
        actor: 'crawler',
        at,
        change: null,
      });
    }
    // staff hear of each new case (DOMAIN.md, "Notices the body sends")
    if (staff) {
      const isNew = new Set(opened);
      const notices = work.cases
        .filter((c) => isNew.has(c.id))
        .map((c) => ({
          kind: 'staff_case_opened' as const,
          cause: `case:${c.id}`,
          serviceId: c.serviceId,
          subject: `新しい不正使用の事案: ${c.finding}（${c.pageOrigin}）`,
          lines: [`クローラーの報告から事案が開かれました。`, '', `所見: ${c.finding}`, `ページ: ${c.pageUrl}`, '', `GET /api/v1/admin/cases/${c.id}`],
        }));
      for (const r of reopened) {
        const c = await findCase(tx, r.id);
        if (!c) continue;
        notices.push({
          kind: 'staff_case_opened' as const,
          cause: `case:${r.id}:reopened:${r.reopenCount}`,
          serviceId: c.service_id,
          subject: `不正使用の事案の再開: ${c.finding}（${c.page_origin}）`,
          lines: [
            `期限後にも同じ所見が確認されたため、事案を再開しました。`,
            '',
            `所見: ${c.finding}`,
            `ページ: ${c.page_url}`,
            '',
            `GET /api/v1/admin/cases/${r.id}`,
          ],
        });
      }
      await queueStaffNotices(tx, staff, notices, at);
    }
  });
}

/** `owner`: the instance id of this process (Database.instanceId), recorded on the claims it holds. */
export function sightingStore(
  db: Db,
  owner: string,
  options: { maxBatch?: number; newId?: () => string; staffNotices?: StaffNoticeSettings } = {},
): SightingStore {
  const max = options.maxBatch ?? 200;
  const newId = options.newId ?? randomUUID;

  const claims = microBatcher<Claim, boolean>(
    async (items) => {
      const claimed = await claimIdempotencyKeys(db, owner, items);
      const granted = new Set<string>();
      return items.map((c) => {
        const k = `${c.crawlerKeyId} ${c.key}`;
        if (!claimed.has(k) || granted.has(k)) return false;
        granted.add(k);
        return true;
      });
    },
    { max },
  );

  const writes = microBatcher<FinishedSighting, Error | null>(
    async (items) => {
      try {
        await writeAll(db, items, newId, options.staffNotices ?? null);
        return items.map(() => null);
      } catch (err) {
        if (items.length === 1) return [err instanceof Error ? err : new Error(String(err))];
        const out: (Error | null)[] = [];
        for (const item of items) {
          try {
            await writeAll(db, [item], newId, options.staffNotices ?? null);
            out.push(null);
          } catch (e) {
            out.push(e instanceof Error ? e : new Error(String(e)));
          }
        }
        return out;
      }
    },
    { max },
  );

  return {
    owner,
    claim: claims,
    async write(s) {
      const err = await writes(s);
      if (err) throw err;
    },
  };
}
