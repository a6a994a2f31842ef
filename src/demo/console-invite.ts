import type { Clock } from '../clock';
import { inviteStaff } from '../console/accounts';
import type { Db } from '../db/database';
import { findAccountByEmail } from '../repositories/staff-accounts';

/** The demo's first admin of the staff console (a reserved .example address: plainly not a real person). */
export const DEMO_ADMIN_EMAIL = 'demo-admin@certifier.example';

/**
 * On a demo start, a newcomer should reach the staff console without a second command: until the demo admin has
 * enrolled, each start prints a fresh one-time enrolment link (24 h; the previous one stops working). Null once
 * the demo admin has enrolled.
 */
export async function demoConsoleInvite(db: Db, clock: Clock, baseUrl: string): Promise<string | null> {
  const existing = await findAccountByEmail(db, DEMO_ADMIN_EMAIL);
  if (existing?.enrolled_at || existing?.disabled_at) return null;
  const r = await inviteStaff({ db, clock, baseUrl }, 'demo', { email: DEMO_ADMIN_EMAIL, role: 'admin', name: 'デモ管理者 (demo admin)', delegate: null });
  return r.url;
}
