import { inviteStaff } from '../../console/accounts';
import { systemClock } from '../../clock';
import type { Command } from '../command';

/**
 * The staff console's accounts (issue 14): invites a person and prints the one-time enrolment URL (24 h). Direct
 * to the database (DATA_DIR or DATABASE_URL), so the first admin can be invited before anyone can sign in; stop
 * the server first when the database is the embedded one. Admins also invite from the console (/staff/accounts).
 */
export const staffInvite: Command = {
  name: 'staff invite',
  summary: 'invite a person to the staff console; prints the one-time enrolment URL, valid 24 h (direct to the database)',
  usage: '--email {address} --role {admin|reviewer|auditor|delegate|committee} [--name {name}] [--delegate {delegated body id}]',
  options: {
    email: { type: 'string', description: 'their e-mail address (the sign-in name)' },
    role: { type: 'string', description: 'admin, reviewer, auditor (read-only), delegate (Art. 19) or committee (Art. 7)' },
    name: { type: 'string', description: 'their name as the console shows it (the e-mail address when absent)' },
    delegate: { type: 'string', description: 'Art. 19: the delegated body a delegate works for' },
  },
  async run(ctx) {
    const config = ctx.serverConfig();
    const database = await ctx.openDatabase(config);
    try {
      const email = ctx.required('email');
      const o = ctx.options as Record<string, string | undefined>;
      const r = await inviteStaff({ db: database.db, clock: systemClock, baseUrl: config.publicBaseUrl }, 'cli', {
        email,
        role: ctx.required('role') as never,
        name: o.name ?? email,
        delegate: o.delegate ?? null,
      });
      ctx.print({ account: r.account.id, email: r.account.email, role: r.account.role, url: r.url, expiresAt: r.expiresAt.toISOString() }, () =>
        [`enrolment link for ${r.account.email} (${r.account.role}), valid until ${r.expiresAt.toISOString()}; shown once:`, r.url].join('\n'),
      );
    } finally {
      await database.close();
    }
  },
};
