import type { LapseCause, RevocationGround } from '../domain/lifecycle/events';
import { en } from './messages-en';
import { ja } from './messages-ja';
import type { PublicStatus } from '../publication/timeline';

export type Lang = 'ja' | 'en';
export const LANGS: readonly Lang[] = ['ja', 'en'];

/** `?lang=` wins; otherwise the first of ja/en in Accept-Language (by q); Japanese by default. */
export function pickLang(query: Lang | undefined, acceptLanguage: string | undefined): Lang {
  if (query) return query;
  if (!acceptLanguage) return 'ja';
  let best: { lang: Lang; q: number } | null = null;
  for (const part of acceptLanguage.slice(0, 512).split(',')) {
    const [tag, ...params] = part.trim().toLowerCase().split(';');
    const base = tag?.split('-')[0];
    if (base !== 'ja' && base !== 'en') continue;
    const qp = params.find((p) => p.trim().startsWith('q='));
    const q = qp ? Number(qp.trim().slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    if (!best || q > best.q) best = { lang: base, q };
  }
  return best?.lang ?? 'ja';
}

interface StatusWords {
  label: string;
  /** What the status means for the reader; `d` is the relevant date in words. */
  meaning: (d: string) => string;
}

export interface Messages {
  siteName: string;
  skip: string;
  navRegistry: string;
  navInquiry: string;
  navApi: string;
  otherLanguage: string;
  otherLanguageName: string;
  scheme: string;
  verifyEyebrow: string;
  vendor: string;
  number: string;
  status: Record<PublicStatus, StatusWords>;
  renewalFiled: (d: string) => string;
  extension: (until: string, granted: string) => string;
  markHeading: string;
  markAbsent: string;
  markCaption: string;
  certifiedOn: string;
  firstCertifiedOn: string;
  validity: string;
  validityRange: (from: string, to: string) => string;
  inForceThrough: string;
  checkedAt: string;
  revokedGround: string;
  revokedReason: string;
  grounds: Record<RevocationGround, string>;
  causes: Record<LapseCause, string>;
  refererRegistered: (host: string) => string;
  refererUnregistered: (host: string) => string;
  refererNotInForce: string;
  refererHeading: string;
  originsHeading: string;
  originsIntro: string;
  originsNone: string;
  disclosureHeading: string;
  disclosureIntro: (version: number) => string;
  disclosureNone: string;
  improvementsHeading: string;
  improvementDue: (d: string) => string;
  improvementCompleted: (d: string) => string;
  improvementOverdue: string;
  improvementPublished: (d: string) => string;
  historyHeading: string;
  history: {
    certified: (from: string, to: string) => string;
    renewed: (from: string, to: string) => string;
    extended: (until: string) => string;
    disclosure_updated: (version: number) => string;
    improvement_published: (due: string) => string;
    improvement_completed: string;
    revoked: (ground: RevocationGround) => string;
    terminated: string;
    lapsed: (cause: LapseCause) => string;
    expired: (lastDay: string) => string;
  };
  qrHeading: string;
  qrIntro: string;
  qrAlt: (number: string) => string;
  reportHeading: string;
  reportText: string;
  reportLink: string;
  machineReadable: string;
  jsonLink: string;
  registryTitle: string;
  registryIntro: string;
  searchLabel: string;
  searchHint: string;
  statusFilterLabel: string;
  /** One line for a registry card: the day that matters for the status. */
  cardDate: Record<PublicStatus, (d: string) => string>;
  filters: Record<'in_force' | 'all' | PublicStatus, string>;
  searchButton: string;
  resultsHeading: string;
  resultsCount: (n: number) => string;
  noResults: string;
  nextPage: string;
  firstPage: string;
  expiredHeading: string;
  expiredIntro: string;
  revocationsHeading: string;
  improvementsRegistryHeading: string;
  endedHeading: string;
  delegatesHeading: string;
  delegatesIntro: string;
  delegatedSince: (d: string) => string;
  delegatedUntil: (d: string) => string;
  noneListed: string;
  downloads: string;
  csvLink: string;
  atomLink: string;
  viewVerification: string;
  inquiryTitle: string;
  inquiryIntro: string;
  inquiryPrivacy: string;
  fields: { name: string; email: string; organisation: string; serviceNumber: string; subject: string; body: string };
  optional: string;
  required: string;
  numberHint: string;
  misuseSubject: string;
  send: string;
  receivedTitle: string;
  receivedText: string;
  backToRegistry: string;
  errorTitle: Record<'400' | '404' | '413' | '415' | '429' | '500' | '503', string>;
  errorText: Record<'400' | '404' | '413' | '415' | '429' | '500' | '503', string>;
  errorFields: string;
  goBack: string;
}


export function messages(lang: Lang): Messages {
  return lang === 'en' ? en : ja;
}
