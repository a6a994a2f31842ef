import type { ColumnType, Generated, Insertable, JSONColumnType, Selectable } from 'kysely';
import type { LogTables } from './schema-log';
import type { VendorTables } from './schema-vendor';

/** Calendar dates (Asia/Tokyo) are stored as 'YYYY-MM-DD' text: no time zone can shift them. */
type CalendarDate = string;
type Instant = ColumnType<Date, Date | string, Date | string>;
type Json<T extends object | null> = JSONColumnType<T, T, T>;

export interface VendorTable {
  id: string;
  name_ja: string;
  name_en: string | null;
  /** Art. 20: confidential (contact people, documents); never in a public output. */
  contact: Json<Record<string, unknown>>;
  created_at: Instant;
  /** Where written notices go (Arts. 6.4, 17.2 …); confidential like the contact. */
  notice_emails: JSONColumnType<string[], string | undefined, string>;
  /** The language notices are written in: Japanese first, English when the vendor chose it. */
  language: Generated<'ja' | 'en'>;
}

export interface ServiceTable {
  id: string;
  vendor_id: string;
  name_ja: string;
  name_en: string | null;
  /** Set at first certification; the number is the service's for life. */
  serial: number | null;
  number: string | null;
  created_at: Instant;
}

/** Web origins registered for the service (Art. 10.2): where the mark may appear. */
export interface ServiceOriginTable {
  service_id: string;
  origin: string;
  added_at: Instant;
  /** How the site was verified (issue 15): `staff` (named in the written application), `http-01` or `dns-01`. */
  verified_by: Generated<string>;
  /** The proof that verified it, when the vendor proved it. */
  proof_id: string | null;
}

/** A challenge for one origin of one service (Art. 10.2 two-sided, issue 15), checked now and re-checked yearly. */
export interface OriginProofTable {
  id: string;
  service_id: string;
  origin: string;
  method: 'http-01' | 'dns-01';
  token: string;
  requested_by: string;
  requested_at: Instant;
  /** A pending challenge not met by then is expired. */
  expires_at: Instant;
  status: 'pending' | 'valid' | 'failing' | 'lapsed' | 'expired' | 'withdrawn';
  verified_at: Instant | null;
  /** When the yearly re-check is due. */
  revalidate_at: Instant | null;
  /** The first failed re-check: the vendor was told then, and the origin goes at the end of the grace period. */
  failing_since: Instant | null;
  checked_at: Instant | null;
  problem: string | null;
  checks: Generated<number>;
}
export type OriginProofRow = Selectable<OriginProofTable>;

/** A filed document (Art. 4 and later filings), stored once by its SHA-256. Confidential (Art. 20). */
export interface DocumentTable {
  sha256: string;
  content_type: string;
  size: number;
  bytes: Buffer;
  stored_at: Instant;
}

/** Which service a document was filed for, as what, by whom and when. */
export interface ServiceDocumentTable {
  id: string;
  service_id: string;
  sha256: string;
  name: string;
  purpose: 'application' | 'renewal' | 'change' | 'termination' | 'emergency' | 'answer' | 'other';
  filed_by: string;
  filed_at: Instant;
}
export type ServiceDocumentRow = Selectable<ServiceDocumentTable>;

/** One row per certification period (Art. 9.1); written in the transaction of the decision event. */
export interface PeriodTable {
  id: string;
  service_id: string;
  seq: number;
  kind: 'initial' | 'renewal';
  certified_on: CalendarDate;
  valid_through: CalendarDate;
  event_id: number;
}

/** Art. 11.1(1), 13.1: application content (form B) as versioned disclosure items. */
export interface DisclosureItemTable {
  service_id: string;
  version: number;
  position: number;
  key: string;
  label_ja: string;
  label_en: string | null;
  value_ja: string;
  value_en: string | null;
  /** Art. 11.2: withheld on the vendor's justified request; never in any public output. */
  withheld: boolean;
  withheld_reason: string | null;
  event_id: number;
}

/** Append-only and hash-chained; a trigger refuses UPDATE and DELETE. */
export interface EventTable {
  id: Generated<number>;
  service_id: string | null;
  actor: string;
  occurred_at: Instant;
  type: string;
  article: string | null;
  payload: Json<Record<string, unknown>>;
  prev_hash: string;
  hash: string;
}

export interface EventChainHeadTable {
  id: number;
  last_id: number;
  last_hash: string;
}

export interface StaffTokenTable {
  id: string;
  name: string;
  role: 'admin' | 'reviewer' | 'auditor' | 'delegate' | 'committee';
  token_hash: string;
  created_at: Instant;
  revoked_at: Instant | null;
  /** Art. 19: the delegated body a `delegate` token belongs to; null for every other role. */
  delegate_id: string | null;
}

/** Art. 7, 19: the services a `delegate` or `committee` token is assigned to. */
export interface StaffAssignmentTable {
  id: string;
  /** Exactly one of staff_token_id and staff_account_id names who holds the assignment. */
  staff_token_id: string | null;
  staff_account_id: ColumnType<string | null, string | null | undefined, string | null>;
  service_id: string;
  assigned_at: Instant;
  ended_at: Instant | null;
}

/** The staff console's people (issue 14): the same roles as staff tokens; enrolled through a one-time invitation. */
export interface StaffAccountTable {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'reviewer' | 'auditor' | 'delegate' | 'committee';
  delegate_id: string | null;
  created_at: Instant;
  enrolled_at: Instant | null;
  disabled_at: Instant | null;
}

export interface StaffInviteTable {
  id: string;
  account_id: string;
  token_hash: string;
  created_by: string;
  created_at: Instant;
  expires_at: Instant;
  used_at: Instant | null;
}

export interface StaffPasskeyTable {
  id: string;
  account_id: string;
  public_key: Buffer;
  counter: ColumnType<string | number, number, number>;
  transports: JSONColumnType<string[], string, string>;
  created_at: Instant;
  last_used_at: Instant | null;
}

export interface StaffPasswordTable {
  account_id: string;
  password_hash: string;
  totp_secret: string;
  totp_last_step: ColumnType<string | number | null, number | null, number | null>;
  created_at: Instant;
}

export interface StaffSessionTable {
  id_hash: string;
  account_id: string | null;
  csrf_token: string;
  challenge: string | null;
  created_at: Instant;
  last_seen_at: Instant;
  expires_at: Instant;
  ended_at: Instant | null;
}

/** Sign-ins, failures, lockouts, sign-outs, invitations and enrolments of staff accounts: append-only. */
export interface StaffSignInTable {
  id: Generated<number>;
  account_id: string | null;
  email: string;
  kind: 'enrolled' | 'signed_in' | 'failed' | 'locked' | 'signed_out' | 'invited' | 'disabled';
  method: string | null;
  detail: string | null;
  at: Instant;
}

/** A written notice in the outbox (src/notices/). */
export interface NoticeTable {
  id: string;
  cause: string;
  kind: string;
  service_id: string | null;
  event_id: number | null;
  recipients: JSONColumnType<string[], string, string>;
  language: 'ja' | 'en';
  subject: string;
  body: string;
  attachments: JSONColumnType<NoticeAttachment[], string, string>;
  /** Made at the first delivery attempt (the certificate), then listed in `attachments`. */
  pending_attachment: 'certificate' | null;
  message_id: string;
  created_at: Instant;
  status: 'pending' | 'sent' | 'dead';
  attempts: Generated<number>;
  next_attempt_at: Instant;
  last_error: string | null;
  sent_at: Instant | null;
}

export interface NoticeAttachment {
  name: string;
  contentType: string;
  sha256: string;
  size: number;
}

export interface NoticeFileTable {
  sha256: string;
  content_type: string;
  bytes: Buffer;
}

/** Art. 20: every staff read of confidential material. */
export interface AuditLogTable {
  id: Generated<number>;
  staff_token_id: string;
  at: Instant;
  action: string;
  subject: string;
}

/** Art. 19.2: bodies to whom certification work is delegated, published. */
export interface DelegateTable {
  id: string;
  name_ja: string;
  name_en: string | null;
  scope_ja: string;
  scope_en: string | null;
  delegated_on: CalendarDate;
  ended_on: CalendarDate | null;
}

export interface SigningKeyTable {
  kid: string;
  alg: string;
  public_jwk: Json<Record<string, unknown>>;
  /** The private key, encrypted under the configured key secret. */
  private_enc: string;
  created_at: Instant;
  retired_at: Instant | null;
}

export interface EmbedTokenTable {
  jti: string;
  service_id: string;
  kid: string;
  origins: Json<string[]>;
  token: string;
  issued_at: Instant;
  retired_at: Instant | null;
}

export interface CrawlerKeyTable {
  id: string;
  name: string;
  key_hash: string;
  created_at: Instant;
  revoked_at: Instant | null;
}

/** A sighting's image, once per content (SHA-256 of the bytes as received). */
export interface ImageTable {
  sha256: string;
  /** The type the crawler sent, by its bytes (png, jpeg, webp, gif, svg); not the type of `bytes`. */
  type: string;
  width: number;
  height: number;
  /** The evidence: PNG or JPEG (src/detection/decode.ts); src/sightings/images.ts `storedImage` reads which. */
  bytes: Buffer;
  created_at: Instant;
}

export interface SightingTable {
  id: string;
  crawler_key_id: string;
  page_url: string;
  page_origin: string;
  seen_at: Instant;
  image_sha256: string | null;
  link_href: string | null;
  token: string | null;
  service_id: string | null;
  findings: Json<string[]>;
  evidence: Json<Record<string, unknown>>;
  created_at: Instant;
}

export interface IdempotencyKeyTable {
  crawler_key_id: string;
  key: string;
  request_hash: string;
  state: 'in_flight' | 'done';
  response_status: number | null;
  response_body: Json<Record<string, unknown>> | null;
  created_at: Instant;
  /** The instance id of the server process holding an in-flight claim ('' before migration 0003). */
  owner: Generated<string>;
}

export interface MisuseCaseTable {
  id: string;
  /** service id (or '-'), page URL and finding: one case per triple. */
  case_key: string;
  service_id: string | null;
  page_url: string;
  page_origin: string;
  finding: string;
  status: 'open' | 'dismissed' | 'actioned';
  sightings_count: number;
  first_seen_at: Instant;
  last_seen_at: Instant;
  last_sighting_id: string;
  closed_at: Instant | null;
  close_reason: string | null;
  action: Json<Record<string, unknown>> | null;
  /** What the case waits for (issue 14): a request of Art. 15 or 16 until its due date, or a revocation proposal's decision. */
  awaiting: ColumnType<'investigation' | 'improvement' | 'revocation' | null, 'investigation' | 'improvement' | 'revocation' | null | undefined>;
  /** The end of the due day (JST) of the request awaited: a sighting after it reopens the case. */
  awaiting_until: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  reopen_count: ColumnType<number, number | undefined>;
  /** The sighting that last reopened the case. */
  reopened_sighting_id: ColumnType<string | null, string | null | undefined>;
}

/** One action on a misuse case, with the events it caused (issue 14): its history. Confidential (Art. 20). */
export interface CaseActionTable {
  id: string;
  /** The order the actions were recorded in. */
  seq: Generated<number>;
  case_id: string;
  at: Instant;
  actor: string;
  kind:
    | 'dismissed'
    | 'investigation'
    | 'improvement'
    | 'revocation_proposal'
    | 'reopened'
    | 'revocation_approved'
    | 'revocation_rejected'
    | 'revocation_withdrawn';
  details: Json<Record<string, unknown>>;
  event_ids: Json<number[]>;
}

/** Art. 17 with two admins: a revocation one proposes and another approves. Confidential until revoked. */
export interface RevocationProposalTable {
  id: string;
  service_id: string;
  case_id: string | null;
  ground: number;
  reason: string;
  notice: string | null;
  notice_sent_by: 'post' | 'email' | 'hand' | 'not_sent';
  proposed_by: string;
  proposed_at: Instant;
  status: 'pending' | 'approved' | 'rejected' | 'withdrawn';
  decided_by: string | null;
  decided_at: Instant | null;
  decision_note: string | null;
  revocation_event_id: number | null;
}

/** Art. 18: the inquiry desk. Confidential to staff. */
export interface InquiryTable {
  id: string;
  received_at: Instant;
  name: string;
  email: string;
  organisation: string | null;
  service_number: string | null;
  subject: string;
  body: string;
  status: 'new' | 'answered' | 'closed';
  /** Art. 18: the answer, who gave it and when (issue 14). */
  answer: ColumnType<string | null, string | null | undefined>;
  answered_by: ColumnType<string | null, string | null | undefined>;
  answered_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  closed_by: ColumnType<string | null, string | null | undefined>;
  closed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  close_note: ColumnType<string | null, string | null | undefined>;
}

export interface DB extends LogTables, VendorTables {
  vendors: VendorTable;
  services: ServiceTable;
  service_origins: ServiceOriginTable;
  origin_proofs: OriginProofTable;
  documents: DocumentTable;
  service_documents: ServiceDocumentTable;
  periods: PeriodTable;
  disclosure_items: DisclosureItemTable;
  events: EventTable;
  event_chain_head: EventChainHeadTable;
  staff_tokens: StaffTokenTable;
  staff_assignments: StaffAssignmentTable;
  staff_accounts: StaffAccountTable;
  staff_invites: StaffInviteTable;
  staff_passkeys: StaffPasskeyTable;
  staff_passwords: StaffPasswordTable;
  staff_sessions: StaffSessionTable;
  staff_sign_ins: StaffSignInTable;
  notices: NoticeTable;
  notice_files: NoticeFileTable;
  audit_log: AuditLogTable;
  delegates: DelegateTable;
  signing_keys: SigningKeyTable;
  embed_tokens: EmbedTokenTable;
  crawler_keys: CrawlerKeyTable;
  images: ImageTable;
  sightings: SightingTable;
  idempotency_keys: IdempotencyKeyTable;
  misuse_cases: MisuseCaseTable;
  inquiries: InquiryTable;
  case_actions: CaseActionTable;
  revocation_proposals: RevocationProposalTable;
  /** One-off data steps a migration asked the next start to run (src/repositories/records.ts). */
  pending_adoptions: { name: string };
}

export type VendorRow = Selectable<VendorTable>;
export type ServiceRow = Selectable<ServiceTable>;
export type PeriodRow = Selectable<PeriodTable>;
export type EventRow = Selectable<EventTable>;
export type NewEvent = Insertable<EventTable>;
export type DisclosureItemRow = Selectable<DisclosureItemTable>;
export type StaffTokenRow = Selectable<StaffTokenTable>;
export type StaffAccountRow = Selectable<StaffAccountTable>;
export type StaffSessionRow = Selectable<StaffSessionTable>;
