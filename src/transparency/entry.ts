/**
 * The log entry of an event: the exact bytes hashed into the leaf (docs/transparency.md, "Entries").
 *
 * Every entry carries a salted commitment to the event as the chain holds it (its hash, which covers every field
 * and the hash before it). An event the public timeline shows (src/publication/timeline.ts) also carries what
 * the timeline says of it, and nothing more. Everything else is the commitment alone (Arts. 11.2, 20): not the
 * service, not the type, not the time. Whether an event is public is decided from the chain up to and including
 * it, at its own instant, so the same chain always gives the same entries.
 */
import { createHash, createHmac } from 'node:crypto';
import { canonicalJson } from '../domain/canonical-json';
import type { LifecycleEvent } from '../domain/lifecycle/events';
import { foldPublic, type PublicEntry } from '../publication/timeline';

export const ENTRY_VERSION = 1;

/** What a public entry says: the timeline's line, with the certification number. */
export type PublicFact = { type: PublicEntry['type']; at: string; number: string | null; article: string } & Record<string, unknown>;

export interface LogEntry {
  v: typeof ENTRY_VERSION;
  /** base64 SHA-256("certmark-log/commitment/v1\n" ‖ salt ‖ event hash (hex, ASCII)). */
  commitment: string;
  public?: PublicFact[];
}

/** The salt of one event's commitment: HMAC-SHA256 under the log's salt key, so a rebuild gives the same salt. */
export function commitmentSalt(saltKey: Uint8Array, eventId: number): Buffer {
  return createHmac('sha256', saltKey).update(`certmark-log salt ${eventId}`).digest();
}

export function commitment(salt: Uint8Array, eventHash: string): Buffer {
  return createHash('sha256').update('certmark-log/commitment/v1\n').update(salt).update(eventHash, 'ascii').digest();
}

/**
 * The public timeline's lines this event adds, at its own instant: the timeline folded up to the event less the
 * timeline folded up to the one before. Expiry is no event's line (it is found, not recorded).
 */
export function publicFactsOf(serviceEventsUpTo: readonly LifecycleEvent[], number: string | null): PublicFact[] {
  const e = serviceEventsUpTo.at(-1);
  if (!e) return [];
  const before = foldPublic(serviceEventsUpTo.slice(0, -1), e.at).entries;
  const after = foldPublic(serviceEventsUpTo, e.at);
  if (after.status === null) return []; // never certified: nothing of it is public (Art. 11)
  const seen = new Set(before.map((x) => canonicalJson(x)));
  return after.entries
    .filter((x) => x.type !== 'expired' && x.at.getTime() === e.at.getTime() && !seen.has(canonicalJson(x)))
    .map(({ at, on: _on, id: _id, article, ...facts }) => ({ ...facts, at: at.toISOString(), number, article }) as PublicFact);
}

export function buildEntry(input: { eventId: number; eventHash: string; saltKey: Uint8Array; facts: readonly PublicFact[] }): Buffer {
  const entry: LogEntry = {
    v: ENTRY_VERSION,
    commitment: commitment(commitmentSalt(input.saltKey, input.eventId), input.eventHash).toString('base64'),
    ...(input.facts.length > 0 ? { public: [...input.facts] } : {}),
  };
  return Buffer.from(canonicalJson(entry), 'utf8');
}

export function parseEntry(bytes: Uint8Array): LogEntry | null {
  try {
    const v = JSON.parse(Buffer.from(bytes).toString('utf8')) as LogEntry;
    return v && v.v === ENTRY_VERSION && typeof v.commitment === 'string' ? v : null;
  } catch {
    return null;
  }
}
