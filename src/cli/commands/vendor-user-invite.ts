import { systemClock } from '../../clock';
import { inviteVendorUser } from '../../portal/users';
import type { Command } from '../command';

/**
 * The vendor portal's people (issue 15): invites a person of a vendor. The sign-in link (24 h) goes to them by
 * e-mail through the outbox, which the running server delivers; it is never printed. Direct to the database
 * (DATA_DIR or DATABASE_URL); stop the server first when the database is the embedded one.
 */
export const vendorUserInvite: Command = {
  name: 'vendor-user invite',
  summary: 'invite a person of a vendor to the vendor portal; the sign-in link goes by e-mail (direct to the database)',
  usage: '--vendor {vendor id} --email {address} [--name {name}] [--role {admin|member}]',
  options: {
    vendor: { type: 'string', description: 'the vendor they work for' },
    email: { type: 'string', description: 'their e-mail address (where the sign-in links go)' },
    name: { type: 'string', description: 'their name (the e-mail address when absent)' },
    role: { type: 'string', description: 'admin (invites and disables the vendor’s other users) or member (the default)' },
  },
  async run(ctx) {
    const config = ctx.serverConfig();
    const database = await ctx.openDatabase(config);
    try {
      const email = ctx.required('email');
      const o = ctx.options as Record<string, string | undefined>;
      const u = await inviteVendorUser(
        { db: database.db, clock: systemClock, notices: { certifier: config.certifier, publicBaseUrl: config.publicBaseUrl } },
        'cli',
        ctx.required('vendor'),
        { email, name: o.name ?? email, role: (o.role ?? 'member') as never },
      );
      ctx.print({ user: u.id, vendor: u.vendorId, email: u.email, role: u.role }, () => `invited ${u.email} (${u.role}); the sign-in link goes by e-mail`);
    } finally {
      await database.close();
    }
  },
};
