import type { CalendarDate } from '../calendar';

/** Art. 17.1(1)–(9). */
export type RevocationGround = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
/** Art. 9.2: business transfer, merger, split or inheritance. */
export type LapseCause = 'transfer' | 'merger' | 'split' | 'inheritance';

/** Art. 17.2: how a written notice went out, as staff state it; `not_sent` until one is produced. */
export const NOTICE_DELIVERIES = ['post', 'email', 'hand', 'not_sent'] as const;
export type NoticeDelivery = (typeof NOTICE_DELIVERIES)[number];

/** Art. 10.7: the vendor's self-declaration that it used the mark as the rules say. */
export interface SelfDeclaration {
  usedMarkCorrectly: boolean;
  statement: string;
}

/** A PDF filed with an answer (src/documents/filing.ts): its SHA-256 and the name it was filed under. */
export interface FiledAttachment {
  sha256: string;
  name: string;
}

/** Every lifecycle event, by type, with its payload and the article it records. */
export interface EventPayloads {
  'vendor.registered': { vendorId: string };
  /** Where its written notices go changed: the SHA-256 of the addresses and language (they are confidential, Art. 20). */
  'vendor.notice_settings_changed': { vendorId: string; fingerprint: string };
  /** `continues`: the earlier service of the vendor this offering continues (Art. 8), when staff linked one. */
  'service.registered': { vendorId: string; continues?: string | null };
  'service.applied': { kind: 'initial'; appliedOn: CalendarDate; documents: string[]; feePaid: true };
  'service.certified': {
    kind: 'initial' | 'renewal';
    number: string;
    certifiedOn: CalendarDate;
    validThrough: CalendarDate;
    notice: string;
    committeeOpinion: string | null;
  };
  'service.refused': { kind: 'initial' | 'renewal'; reason: string; notice: string; committeeOpinion: string | null; article: string };
  'renewal.filed': { filedOn: CalendarDate; selfDeclaration: SelfDeclaration; overrideReason: string | null };
  'renewal.extended': { until: CalendarDate; reason: string };
  /** `items`: the digest of each item of the version (src/domain/disclosure.ts); absent on events before it. */
  'disclosure.changed': { version: number; changedKeys: string[]; note: string; items?: string[]; receivedOn?: CalendarDate };
  'service.origins_changed': { origins: string[] };
  /** `terminatedOn`: the day the service ended (effective); `receivedOn`: the day the notice arrived. */
  'service.terminated': { terminatedOn: CalendarDate; receivedOn?: CalendarDate; certificateReturned: boolean };
  'certificate.returned': { returnedOn: CalendarDate };
  'service.lapsed': { cause: LapseCause; effectiveOn: CalendarDate; note: string };
  'emergency.reported': { emergencyId: string; kind: 'outage' | 'leak' | 'other'; summary: string; receivedOn?: CalendarDate };
  'emergency.progress': { emergencyId: string; report: string };
  'emergency.closed': { emergencyId: string; report: string };
  'investigation.requested': { investigationId: string; subject: string; dueOn: CalendarDate };
  'investigation.answered': { investigationId: string; summary: string; satisfactory: boolean };
  /** Art. 15.1: the vendor's explanation or materials, filed through the portal; staff judge it with `investigation.answered`. Never public. */
  'investigation.response_filed': { investigationId: string; text: string; documents: FiledAttachment[] };
  /** `investigationId`: the Art. 15 investigation it follows (Art. 16.1); absent on events before it was required. */
  'improvement.requested': { improvementId: string; investigationId?: string; content: string; dueOn: CalendarDate; publish: boolean };
  'improvement.published': { improvementId: string };
  'improvement.completed': { improvementId: string; note: string };
  /** Art. 16.1: the vendor's report of the improvement made, filed through the portal; staff judge it with `improvement.completed`. Never public. */
  'improvement.report_filed': { improvementId: string; text: string; documents: FiledAttachment[] };
  /**
   * Art. 17.2: `notice` is the text of the written notice when one was produced, else null; `noticeSentBy` says
   * how it went out (absent on events before it was recorded, whose `notice` is what staff entered).
   */
  'service.revoked': {
    ground: RevocationGround;
    reason: string;
    notice: string | null;
    noticeSentBy?: NoticeDelivery;
    /** The written notice as a PDF letter (src/notices/pdf.ts), by its SHA-256; absent when no notice was produced. */
    letter?: { name: string; sha256: string };
    /** Art. 17 with two admins (issue 14): the proposal approved, and the misuse case it came from. */
    proposalId?: string;
    caseId?: string | null;
  };
  /** A written notice reached the vendor's mail server (Art. 17.2: the revocation letter's delivery). */
  'notice.delivered': { noticeId: string; kind: string; messageId: string; attachments: string[] };
  /** Art. 7: a committee member's opinion on the pending application (`initial`) or renewal. Never public. */
  'committee.opinion_given': { kind: 'initial' | 'renewal'; opinion: string };
  // Records kept beside the lifecycle (src/repositories/records.ts): each write of one is on the chain with the
  // record's id and a fingerprint of what was written, never a secret.
  'staff_token.issued': RecordPayload;
  'staff_token.revoked': RecordPayload;
  'crawler_key.made': RecordPayload;
  'crawler_key.revoked': RecordPayload;
  'embed_token.issued': RecordPayload;
  'embed_token.retired': RecordPayload;
  'signing_key.added': RecordPayload;
  'signing_key.retired': RecordPayload;
  'case.opened': RecordPayload;
  'case.closed': RecordPayload;
  /** A case now waits for a request or a decision, or waits no more (issue 14). */
  'case.updated': RecordPayload;
  /** The finding was seen again after the due date of the request the case waited for. */
  'case.reopened': RecordPayload;
  /** One action on a case, with the events it caused (its history). */
  'case_action.recorded': RecordPayload;
  'revocation.proposed': RecordPayload;
  'revocation.approved': RecordPayload;
  'revocation.rejected': RecordPayload;
  'revocation.withdrawn': RecordPayload;
  'inquiry.received': RecordPayload;
  'inquiry.status_changed': RecordPayload;
  'inquiry.answered': RecordPayload;
  'inquiry.closed': RecordPayload;
  'delegate.named': RecordPayload;
  'delegate.ended': RecordPayload;
  'staff_assignment.made': RecordPayload;
  'staff_assignment.ended': RecordPayload;
  /** The staff console's accounts (issue 14): invited, enrolled, disabled. */
  'staff_account.invited': RecordPayload;
  'staff_account.enrolled': RecordPayload;
  'staff_account.disabled': RecordPayload;
  /** Proving a registered site (Art. 10.2 two-sided, issue 15): challenged, proved, failing its yearly re-check, gone. */
  'origin_proof.requested': RecordPayload;
  'origin_proof.verified': RecordPayload;
  'origin_proof.failing': RecordPayload;
  'origin_proof.lapsed': RecordPayload;
  'origin_proof.expired': RecordPayload;
  'origin_proof.withdrawn': RecordPayload;
  /** A document filed for a service (Art. 4, and with later filings), by its SHA-256; never public. */
  'document.filed': RecordPayload;
  /** The vendor portal's users (issue 15): invited by staff or their vendor's portal admin, disabled. */
  'vendor_user.invited': RecordPayload;
  'vendor_user.disabled': RecordPayload;
}

/** A record's id and the SHA-256 of its canonical contents after the write (src/repositories/records.ts). */
export interface RecordPayload {
  record: string;
  fingerprint: string;
}

export type EventType = keyof EventPayloads;

export const EVENT_ARTICLES: Record<EventType, string | null> = {
  'vendor.registered': null,
  'vendor.notice_settings_changed': null,
  'service.registered': null,
  'service.applied': 'Art. 4',
  'service.certified': 'Art. 6.1',
  'service.refused': 'Art. 6.4',
  'renewal.filed': 'Art. 12.1',
  'renewal.extended': 'Art. 12.2',
  'disclosure.changed': 'Art. 13.1',
  'service.origins_changed': 'Art. 10.2',
  'service.terminated': 'Art. 13.2',
  'certificate.returned': 'Art. 13.3',
  'service.lapsed': 'Art. 9.2',
  'emergency.reported': 'Art. 14',
  'emergency.progress': 'Art. 14',
  'emergency.closed': 'Art. 14',
  'investigation.requested': 'Art. 15',
  'investigation.answered': 'Art. 15',
  'investigation.response_filed': 'Art. 15.1',
  'improvement.requested': 'Art. 16.1',
  'improvement.published': 'Art. 16.2',
  'improvement.completed': 'Art. 16.1',
  'improvement.report_filed': 'Art. 16.1',
  'service.revoked': 'Art. 17.1',
  'committee.opinion_given': 'Art. 7',
  'notice.delivered': 'Art. 17.2',
  'staff_token.issued': null,
  'staff_token.revoked': null,
  'crawler_key.made': null,
  'crawler_key.revoked': null,
  'embed_token.issued': 'Art. 10.2',
  'embed_token.retired': 'Art. 10.2',
  'signing_key.added': null,
  'signing_key.retired': null,
  'case.opened': 'Art. 10',
  'case.closed': 'Art. 10',
  'case.updated': 'Art. 10',
  'case.reopened': 'Art. 10',
  'case_action.recorded': 'Art. 10',
  'revocation.proposed': 'Art. 17.1',
  'revocation.approved': 'Art. 17.1',
  'revocation.rejected': 'Art. 17.1',
  'revocation.withdrawn': 'Art. 17.1',
  'inquiry.received': 'Art. 18',
  'inquiry.status_changed': 'Art. 18',
  'inquiry.answered': 'Art. 18',
  'inquiry.closed': 'Art. 18',
  'delegate.named': 'Art. 19.2',
  'delegate.ended': 'Art. 19.2',
  'staff_account.invited': null,
  'staff_account.enrolled': null,
  'staff_account.disabled': null,
  'staff_assignment.made': null,
  'staff_assignment.ended': null,
  'origin_proof.requested': 'Art. 10.2',
  'origin_proof.verified': 'Art. 10.2',
  'origin_proof.failing': 'Art. 10.2',
  'origin_proof.lapsed': 'Art. 10.2',
  'origin_proof.expired': 'Art. 10.2',
  'origin_proof.withdrawn': 'Art. 10.2',
  'document.filed': null,
  'vendor_user.invited': null,
  'vendor_user.disabled': null,
};

/** An event as the domain sees it: what happened to a service, when, and by whom. */
export type LifecycleEvent = {
  [K in EventType]: { id: number; type: K; at: Date; actor: string; article: string | null; payload: EventPayloads[K] };
}[EventType];

export type NewLifecycleEvent = {
  [K in EventType]: { type: K; payload: EventPayloads[K]; article?: string };
}[EventType];
