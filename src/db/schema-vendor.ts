/** The vendor portal's tables (issue 15; migration 0012). */
import type { ColumnType, Generated, Selectable } from 'kysely';

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
}

/** Invitations, links sent, sign-ins, failures, sign-outs and disabling of vendor users: append-only. */
export interface VendorSignInTable {
  id: Generated<number>;
  user_id: string | null;
  email: string;
  kind: 'invited' | 'link_sent' | 'signed_in' | 'failed' | 'signed_out' | 'disabled';
  detail: string | null;
  at: Instant;
}

export interface VendorTables {
  vendor_users: VendorUserTable;
  vendor_sign_in_links: VendorSignInLinkTable;
  vendor_sessions: VendorSessionTable;
  vendor_sign_ins: VendorSignInTable;
}

export type VendorUserRow = Selectable<VendorUserTable>;
