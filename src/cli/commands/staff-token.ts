import type { Command } from '../command';
import { table } from '../format';

/** Staff bearer tokens (admin token needed). Not to be confused with `token issue`, the embed tokens of the mark. */
export const staffTokenIssue: Command = {
  name: 'staff-token issue',
  summary: 'issue a staff token (admin, reviewer or auditor); the secret is printed once',
  usage: '--name {name} --role {admin|reviewer|auditor}',
  options: {
    name: { type: 'string', description: 'who or what holds it' },
    role: { type: 'string', description: 'admin, reviewer or auditor (read-only)' },
  },
  async run(ctx) {
    const r = await ctx.api().post('/staff-tokens', { name: ctx.required('name'), role: ctx.required('role') });
    ctx.print(r, () => `staff token ${r.id} (${r.role}) for ${r.name}; shown once, keep it now:\n${r.token}`);
  },
};

export const staffTokenList: Command = {
  name: 'staff-token list',
  summary: 'list the staff tokens (never their secrets)',
  usage: '',
  async run(ctx) {
    const r = await ctx.api().get<{ tokens: { id: string; name: string; role: string; createdAt: string; revokedAt: string | null }[] }>('/staff-tokens');
    ctx.print(r, () =>
      table(
        r.tokens.map((t) => [t.id, t.role, t.name, t.createdAt, t.revokedAt]),
        ['id', 'role', 'name', 'issued', 'revoked'],
      ),
    );
  },
};

export const staffTokenRevoke: Command = {
  name: 'staff-token revoke',
  summary: 'revoke a staff token by its id',
  usage: '{id}',
  async run(ctx) {
    const id = ctx.arg(0, 'the staff token id');
    await ctx.api().delete(`/staff-tokens/${encodeURIComponent(id)}`);
    ctx.print({ id, revoked: true }, () => `staff token ${id} revoked`);
  },
};
