import type { Clock } from '../clock';
import type { Db } from '../db/database';
import { jstDate, type CalendarDate } from '../domain/calendar';
import type { LapseCause, LifecycleEvent, RevocationGround } from '../domain/lifecycle/events';
import { currentPeriod, inForceThrough, servesMark } from '../domain/lifecycle/state';
import { serviceEvents } from '../repositories/events';
import {
  numberedServiceById,
  numberedServiceByNumber,
  originsOf,
  publishedItemsOf,
  type PublicServiceRow,
  type PublishedItemRow,
} from '../repositories/publication';
import { foldPublic, type PublicEntry, type PublicStatus } from './timeline';

export interface Bilingual {
  ja: string;
  en: string | null;
}

export interface PublicItem {
  key: string;
  label: Bilingual;
  value: Bilingual;
}

export interface PublicImprovement {
  id: string;
  publishedAt: Date;
  dueOn: CalendarDate;
  content: string;
  completedOn: CalendarDate | null;
  overdue: boolean;
}

/**
 * Everything the public may know about one certified service (Arts. 11, 12.2, 16.2, 17.3). The verification
 * page, the JSON API, the registry, the CSV and the feed are all drawn from this one shape, so they cannot disagree.
 */
export interface PublicService {
  number: string;
  name: Bilingual;
  vendor: { name: Bilingual };
  status: PublicStatus;
  /** Art. 10.1: whether the official mark is served now. */
  markServed: boolean;
  firstCertifiedOn: CalendarDate;
  /** The current (last) certification period, Art. 9.1. */
  certifiedOn: CalendarDate;
  validThrough: CalendarDate;
  /** Art. 12.3: the current period is a renewal dated from the previous period's valid-through date (no gap, no overlap). */
  continuesPreviousPeriod: boolean;
  /** The last day in force, an Art. 12.2 extension included. */
  inForceThrough: CalendarDate;
  renewal: { filedOn: CalendarDate } | null;
  extension: { until: CalendarDate; grantedOn: CalendarDate } | null;
  revocation: { at: Date; ground: RevocationGround; reason: string } | null;
  /** `on`: the day the service ended (effective); `at`: when it was entered, when the mark stopped. */
  termination: { at: Date; on: CalendarDate } | null;
  /** `on`: the day the certification lapsed (Art. 9.2, effective); `at`: when it was entered, when the mark stopped. */
  lapse: { at: Date; on: CalendarDate; cause: LapseCause } | null;
  /** The last day of the certification that expired (Art. 11.3), when expired. */
  expiredAfter: CalendarDate | null;
  periods: { kind: 'initial' | 'renewal'; certifiedOn: CalendarDate; validThrough: CalendarDate }[];
  /** Art. 11.1(1): the application content of form B; withheld items (11.2) are absent, not counted. */
  disclosure: { version: number; items: PublicItem[] } | null;
  /** Art. 10.2: the web origins where the mark may appear. */
  origins: string[];
  improvements: PublicImprovement[];
  history: PublicEntry[];
}

export interface ServiceParts {
  row: PublicServiceRow;
  events: readonly LifecycleEvent[];
  /** Published (not withheld) items of every version. */
  items: readonly PublishedItemRow[];
  origins: readonly string[];
}

/** The one builder of the public view: pure, from the rows and events, at an instant. null: never certified. */
export function buildPublicService(parts: ServiceParts, now: Date): PublicService | null {
  const folded = foldPublic(parts.events, now);
  const { state, status } = folded;
  const period = currentPeriod(state);
  if (!status || !period) return null;
  const first = state.periods[0]!;
  const today = jstDate(now);
  const version = folded.disclosureVersion;
  const items = version === null ? [] : parts.items.filter((i) => i.version === version);
  const closure = state.closure;
  const completed = new Map(folded.entries.filter((e) => e.type === 'improvement_completed').map((e) => [e.improvementId, e.on]));
  const improvements: PublicImprovement[] = folded.entries.flatMap((e) =>
    e.type === 'improvement_published'
      ? [
          {
            id: e.improvementId,
            publishedAt: e.at,
            dueOn: e.dueOn,
            content: e.content,
            completedOn: completed.get(e.improvementId) ?? null,
            overdue: !completed.has(e.improvementId) && today > e.dueOn,
          },
        ]
      : [],
  );
  const lastExpiry = folded.entries.findLast((e) => e.type === 'expired');
  return {
    number: parts.row.number,
    name: { ja: parts.row.name_ja, en: parts.row.name_en },
    vendor: { name: { ja: parts.row.vendor_name_ja, en: parts.row.vendor_name_en } },
    status,
    markServed: servesMark(status),
    firstCertifiedOn: first.certifiedOn,
    certifiedOn: period.certifiedOn,
    validThrough: period.validThrough,
    continuesPreviousPeriod: period.kind === 'renewal' && state.periods.at(-2)?.validThrough === period.certifiedOn,
    inForceThrough: inForceThrough(state)!,
    renewal: status === 'renewal_pending' && state.renewal ? { filedOn: state.renewal.filedOn } : null,
    extension: status === 'renewal_pending' && state.extension ? { until: state.extension.until, grantedOn: jstDate(state.extension.at) } : null,
    revocation: closure?.status === 'revoked' ? { at: closure.at, ground: closure.ground, reason: closure.reason } : null,
    termination: closure?.status === 'terminated' ? { at: closure.at, on: closure.effectiveOn } : null,
    lapse: closure?.status === 'lapsed' ? { at: closure.at, on: closure.effectiveOn, cause: closure.cause } : null,
    expiredAfter: status === 'expired' && lastExpiry?.type === 'expired' ? lastExpiry.lastDay : null,
    periods: state.periods.map((p) => ({ kind: p.kind, certifiedOn: p.certifiedOn, validThrough: p.validThrough })),
    disclosure:
      version === null
        ? null
        : { version, items: items.map((i) => ({ key: i.key, label: { ja: i.label_ja, en: i.label_en }, value: { ja: i.value_ja, en: i.value_en } })) },
    origins: [...parts.origins],
    improvements,
    history: folded.entries,
  };
}

async function load(db: Db, row: PublicServiceRow | undefined, clock: Clock): Promise<PublicService | null> {
  if (!row) return null;
  const [events, items, origins] = await Promise.all([serviceEvents(db, row.id), publishedItemsOf(db, [row.id]), originsOf(db, [row.id])]);
  return buildPublicService({ row, events, items, origins: origins.map((o) => o.origin) }, clock.now());
}

/** The public view of one service by id; null when it does not exist or was never certified. */
export async function publicServiceView(db: Db, serviceId: string, clock: Clock): Promise<PublicService | null> {
  return load(db, await numberedServiceById(db, serviceId), clock);
}

export async function publicServiceByNumber(db: Db, number: string, clock: Clock): Promise<PublicService | null> {
  return load(db, await numberedServiceByNumber(db, number), clock);
}

/** A certification number is public once given (Art. 11); a service never certified has none. */
export async function isCertificationNumber(db: Db, number: string): Promise<boolean> {
  return (await numberedServiceByNumber(db, number)) !== undefined;
}
