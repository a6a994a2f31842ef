/**
 * Art. 8 applies to the offering, not the database row: a service registered again as a new record must not
 * escape the one-year refusal. Registering a service therefore asks whether it continues an earlier one of the
 * same vendor with the same or a similar name; staff link it (`continues`) or confirm it is new (`continues:
 * null`). The look-back of Art. 8 then follows the link.
 */
import type { Db, Tx } from '../../db/database';
import { AppError } from '../../errors';
import { serviceEvents } from '../../repositories/events';
import * as services from '../../repositories/services';
import { jstDate, startOfYearsBefore } from '../calendar';
import type { LifecycleEvent } from './events';
import { foldEvents } from './state';

/** Names compared as a person would: width, case, spaces and punctuation do not count. */
export function sameOrSimilarName(a: string, b: string): boolean {
  const norm = (s: string) =>
    s
      .normalize('NFKC')
      .toLowerCase()
      .replace(/[\s\p{P}\p{S}]/gu, '');
  const x = norm(a);
  const y = norm(b);
  return x.length > 0 && y.length > 0 && (x === y || x.includes(y) || y.includes(x));
}

export interface EarlierOffering {
  id: string;
  number: string | null;
  nameJa: string;
  revokedAt: string;
}

/**
 * Earlier services of the vendor with the same or a similar name whose certification was revoked within the
 * year before `now`: the ones an answer about continuity can change the outcome of Art. 8 for.
 */
export async function earlierOfferings(db: Db, vendorId: string, name: { ja: string; en: string | null }, now: Date): Promise<EarlierOffering[]> {
  const yearBefore = startOfYearsBefore(jstDate(now), 1);
  const out: EarlierOffering[] = [];
  for (const row of await services.vendorServices(db, vendorId)) {
    const similar = sameOrSimilarName(row.name_ja, name.ja) || (row.name_en !== null && name.en !== null && sameOrSimilarName(row.name_en, name.en));
    if (!similar) continue;
    const revocation = foldEvents(await serviceEvents(db, row.id)).lastRevocation;
    if (revocation && revocation.at <= now && jstDate(revocation.at) >= yearBefore)
      out.push({ id: row.id, number: row.number, nameJa: row.name_ja, revokedAt: revocation.at.toISOString() });
  }
  return out;
}

/**
 * `continues`: undefined when staff did not answer, null when they confirmed a new offering, else the earlier
 * service it continues (same vendor). Refuses an unanswered registration that has earlier candidates.
 */
export async function checkContinuity(
  tx: Tx,
  vendorId: string,
  name: { ja: string; en: string | null },
  continues: string | null | undefined,
  now: Date,
): Promise<string | null> {
  if (typeof continues === 'string') {
    const earlier = await services.findService(tx, continues);
    if (!earlier || earlier.vendor_id !== vendorId) {
      throw new AppError('unprocessable', 'the service it continues must be an earlier service of the same vendor', { field: 'continues', article: 'Art. 8' });
    }
    return continues;
  }
  if (continues === null) return null;
  const candidates = await earlierOfferings(tx, vendorId, name, now);
  if (candidates.length > 0) {
    throw new AppError(
      'conflict',
      'the vendor had a service of the same or a similar name revoked within the past year: say whether this one continues it (`continues`: its id) or is a new offering (`continues`: null)',
      { field: 'continues', article: 'Art. 8', extra: { candidates } },
    );
  }
  return null;
}

/** The revocations Art. 8 looks back at: the service's own and those of the offerings it continues, transitively. */
export async function offeringRevocations(db: Db, events: readonly LifecycleEvent[]): Promise<Date[]> {
  const out: Date[] = [];
  const seen = new Set<string>();
  let current: readonly LifecycleEvent[] | null = events;
  while (current) {
    const state = foldEvents(current);
    if (state.lastRevocation) out.push(state.lastRevocation.at);
    const registered = current.find((e) => e.type === 'service.registered');
    const earlier = registered?.type === 'service.registered' ? registered.payload.continues : undefined;
    if (!earlier || seen.has(earlier)) break;
    seen.add(earlier);
    current = await serviceEvents(db, earlier);
  }
  return out;
}
