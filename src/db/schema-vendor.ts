/** The vendor portal's tables (issue 15; migration 0012). */
import type { ColumnType, Generated, JSONColumnType, Selectable } from 'kysely';

type Instant = ColumnType<Date, Date | string, Date | string>;

export interface VendorUserTable {
  id: string;
  vendor_id: string;
  email: string;
  name: string;
  /** A vendor's portal admin invites and disables the vendor's other users. */
  role: 'admin' | 'member';
  /** `staff:{id}`, `vendor:{user id}` or `cli`. */
  created_by: string;
  created_at: Instant;
  disabled_at: Instant | null;
}

export interface VendorSignInLinkTable {
  id: string;
  user_id: string;
  token_hash: string;
  created_at: Instant;
  expires_at: Instant;
  used_at: Instant | null;
}

export interface VendorSessionTable {
  id_hash: string;
  user_id: string | null;
  csrf_token: string;
  created_at: Instant;
  last_seen_at: Instant;
  expires_at: Instant;
  ended_at: Instant | null;
  /** The passkey ceremony under way in this session (migration 0015): good for one ceremony. */
  challenge: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Invitations, links sent, sign-ins, failures, sign-outs and disabling of vendor users: append-only. */
export interface VendorSignInTable {
  id: Generated<number>;
  user_id: string | null;
  email: string;
  kind: 'invited' | 'link_sent' | 'signed_in' | 'failed' | 'signed_out' | 'disabled' | 'passkey_added' | 'passkey_removed';
  detail: string | null;
  at: Instant;
}

/** A vendor user's passkey (WebAuthn credential; migration 0015), as the console's staff_passkeys. */
export interface VendorPasskeyTable {
  /** The credential id, base64url. */
  id: string;
  user_id: string;
  public_key: Buffer;
  counter: ColumnType<string | number, number, number>;
  transports: JSONColumnType<string[], string, string>;
  created_at: Instant;
  last_used_at: Instant | null;
}

/** What the integration checker found on a vendor's page (issue 15, "Embedding"; migration 0014). */
export interface IntegrationCheckTable {
  id: string;
  service_id: string;
  origin: string;
  page_url: string;
  /** `vendor:{user id}` or `staff:{id}`. */
  requested_by: string;
  checked_at: Instant;
  outcome: 'done' | 'failed';
  badge_present: boolean;
  badge_renders: boolean;
  links_to_verify: boolean;
  altered: boolean;
  csp_script: 'allowed' | 'blocked' | 'not_seen';
  csp_mark: 'allowed' | 'blocked' | 'not_seen';
  problem: string | null;
  /** JSON text on the way in; read back parsed (PostgreSQL) or as text. */
  details: ColumnType<unknown, string, string>;
}

export interface VendorTables {
  vendor_users: VendorUserTable;
  vendor_sign_in_links: VendorSignInLinkTable;
  vendor_sessions: VendorSessionTable;
  vendor_sign_ins: VendorSignInTable;
  vendor_passkeys: VendorPasskeyTable;
  vendor_requests: VendorRequestTable;
  integration_checks: IntegrationCheckTable;
}

export type VendorUserRow = Selectable<VendorUserTable>;

/** A vendor's filing kept for staff to decide (a renewal outside the Art. 12.1 window; migration 0013). */
export interface VendorRequestTable {
  id: string;
  service_id: string;
  vendor_id: string;
  user_id: string;
  kind: 'renewal';
  payload: ColumnType<unknown, string, string>;
  /** The day it arrived (JST, YYYY-MM-DD). */
  received_on: string;
  received_at: Instant;
  status: ColumnType<'pending' | 'accepted' | 'declined', 'pending' | 'accepted' | 'declined' | undefined, 'accepted' | 'declined'>;
  /** `staff:{id}`. */
  decided_by: string | null;
  decided_at: Instant | null;
  decision_reason: string | null;
  /** The renewal event an accepted request made. */
  event_id: number | null;
}

export type VendorRequestRow = Selectable<VendorRequestTable>;
export type IntegrationCheckRow = Selectable<IntegrationCheckTable>;
