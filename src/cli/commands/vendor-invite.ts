import { systemClock } from '../../clock';
import { inviteVendorUser } from '../../portal/users';
import type { Command } from '../command';

/**
 * The vendor portal's people (issue 15): invites a person of a vendor and prints the one-time sign-in URL under
 * `{base}/vendor/` (24 h), which also goes to them by e-mail through the outbox. Direct to the database
 * (DATA_DIR or DATABASE_URL); stop the server first when the database is the embedded one.
 */
export const vendorInvite: Command = {
  name: 'vendor invite',
  summary: 'invite a person of a vendor to the vendor portal; prints the one-time sign-in URL, valid 24 h (direct to the database)',
  usage: '{vendor id} --email {address} [--name {name}] [--role {admin|member}]',
  options: {
    email: { type: 'string', description: 'their e-mail address (where the sign-in links go)' },
    name: { type: 'string', description: 'their name (the e-mail address when absent)' },
    role: { type: 'string', description: 'admin (invites and disables the vendor’s other users) or member (the default)' },
  },
  async run(ctx) {
    const config = ctx.serverConfig();
    const database = await ctx.openDatabase(config);
    try {
      const vendor = ctx.arg(0, 'the vendor id');
      const email = ctx.required('email');
      const o = ctx.options as Record<string, string | undefined>;
      const u = await inviteVendorUser(
        { db: database.db, clock: systemClock, notices: { certifier: config.certifier, publicBaseUrl: config.publicBaseUrl } },
        'cli',
        vendor,
        { email, name: o.name ?? email, role: (o.role ?? 'member') as never },
      );
      ctx.print({ user: u.id, vendor: u.vendorId, email: u.email, role: u.role, url: u.url, expiresAt: u.expiresAt.toISOString() }, () =>
        [`sign-in link for ${u.email} (${u.role}), valid until ${u.expiresAt.toISOString()}; also sent by e-mail:`, u.url].join('\n'),
      );
    } finally {
      await database.close();
    }
  },
};
