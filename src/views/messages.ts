import type { LapseCause, RevocationGround } from '../domain/lifecycle/events';
import type { PublicStatus } from '../publication/timeline';

/** The shape of every page text, one record per language (messages-ja.ts, messages-en.ts). */
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
  /** Art. 12.3: how a renewal decided before expiry dates the new period. */
  renewalDating: string;
  inForceThrough: string;
  checkedAt: string;
  revokedGround: string;
  revokedReason: string;
  grounds: Record<RevocationGround, string>;
  causes: Record<LapseCause, string>;
  refererRegistered: (host: string) => string;
  refererUnregistered: (host: string) => string;
  refererNotInForce: string;
  /** A registered site, when the certification has ended: no "may display" (issue 18). */
  refererFormerlyRegistered: (host: string) => string;
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
  /** Who certifies (issue 18). */
  certifierHeading: string;
  certifiedBy: string;
  certifierAddress: string;
  certifierContact: string;
  certifierWebsite: string;
  certifierLogoAlt: (name: string) => string;
  /** Ended certifications: the validity period shown as over. */
  validityEnded: string;
  validityRangeEnded: (from: string, to: string, how: string) => string;
  formerOriginsHeading: string;
  formerOriginsIntro: string;
  /** The page of an unknown or malformed number. */
  unknownTitle: string;
  unknownText: string;
  unknownCounterfeit: string;
  unknownReport: string;
  unknownReportLink: string;
  unknownRegistry: string;
  counterfeitSubject: string;
  /** The inquiry receipt and the form's own errors. */
  receivedReference: string;
  receivedReply: (days: number) => string;
  formErrorsHeading: string;
  fieldError: Record<'name' | 'email' | 'organisation' | 'serviceNumber' | 'subject' | 'body', string>;
  /** Watching a service: its feed and calendar. */
  watchHeading: string;
  watchIntro: string;
  serviceFeedLink: string;
  calendarLink: string;
  feedTitle: (number: string, name: string) => string;
  calendarValidity: (number: string, name: string) => string;
  calendarRenewal: (number: string, name: string) => string;
}
