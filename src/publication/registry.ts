import { NUMBER_PATTERN } from '../domain/lifecycle/application';
import type { PublicService } from './public-service';
import type { RegistryChange, RegistrySnapshot } from './snapshot';
import { PUBLIC_STATUSES, type PublicStatus } from './timeline';

/** `in_force` is shorthand for certified and renewal_pending: the services whose mark is valid now. */
export const STATUS_FILTERS = [...PUBLIC_STATUSES, 'in_force', 'all'] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export interface RegistryQuery {
  q: string | null;
  status: StatusFilter;
  /** Keyset cursor: the certification number after which the page starts. */
  after: string | null;
  limit: number;
}

export interface RegistryPage {
  items: PublicService[];
  total: number;
  /** The cursor of the next page, or null on the last one. */
  next: string | null;
}

/** Width-folded and lower-cased, so ＡＢＣ, ABC and abc (and full- and half-width kana) find each other. */
export function normaliseForSearch(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

const haystacks = new WeakMap<PublicService, string>();

function haystack(s: PublicService): string {
  let h = haystacks.get(s);
  if (h === undefined) {
    h = normaliseForSearch([s.number, s.name.ja, s.name.en ?? '', s.vendor.name.ja, s.vendor.name.en ?? ''].join('\n'));
    haystacks.set(s, h);
  }
  return h;
}

export function matchesStatus(status: PublicStatus, filter: StatusFilter): boolean {
  if (filter === 'all') return true;
  if (filter === 'in_force') return status === 'certified' || status === 'renewal_pending';
  return status === filter;
}

export function encodeCursor(number: string): string {
  return Buffer.from(number, 'utf8').toString('base64url');
}

/** The number a cursor names, or null when it is not one of ours. */
export function decodeCursor(cursor: string): string | null {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) return null;
  const number = Buffer.from(cursor, 'base64url').toString('utf8');
  return NUMBER_PATTERN.test(number) ? number : null;
}

/**
 * Art. 11: the registry searched by free text (Japanese and English names, vendor, number; every word must
 * match) and filtered by status, in certification-number order. Paging is by number, so it is stable: a page
 * never repeats or skips a service because another was added.
 */
export function searchRegistry(snapshot: RegistrySnapshot, query: RegistryQuery): RegistryPage {
  const words = query.q ? normaliseForSearch(query.q).split(' ').filter(Boolean) : [];
  const matching = snapshot.services.filter(
    (s) => matchesStatus(s.status, query.status) && (words.length === 0 || words.every((w) => haystack(s).includes(w))),
  );
  const start = query.after === null ? 0 : matching.findIndex((s) => s.number > query.after!);
  const from = start === -1 ? matching.length : start;
  const items = matching.slice(from, from + query.limit);
  const more = from + query.limit < matching.length;
  return { items, total: matching.length, next: more && items.length > 0 ? encodeCursor(items.at(-1)!.number) : null };
}

export interface RegistrySections {
  inForce: PublicService[];
  /** Art. 11.3 */
  expired: PublicService[];
  /** Art. 17.3: every revocation ever, newest first. */
  revocations: RegistryChange[];
  /** Art. 16.2: every published improvement request, newest first. */
  improvements: RegistryChange[];
  ended: PublicService[];
}

export function registrySections(snapshot: RegistrySnapshot): RegistrySections {
  return {
    inForce: snapshot.services.filter((s) => matchesStatus(s.status, 'in_force')),
    expired: snapshot.services.filter((s) => s.status === 'expired'),
    revocations: snapshot.changes.filter((c) => c.entry.type === 'revoked'),
    improvements: snapshot.changes.filter((c) => c.entry.type === 'improvement_published'),
    ended: snapshot.services.filter((s) => s.status === 'terminated' || s.status === 'lapsed'),
  };
}
