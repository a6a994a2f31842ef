import type { Command } from '../command';
import { table } from '../format';

/** Staff bearer tokens (admin token needed). Not to be confused with `token issue`, the embed tokens of the mark. */
export const staffTokenIssue: Command = {
  name: 'staff-token issue',
  summary: 'issue a staff token (admin, reviewer, auditor, delegate or committee); the secret is printed once',
  usage: '--name {name} --role {admin|reviewer|auditor|delegate|committee} [--delegate {delegated body id}]',
  options: {
    name: { type: 'string', description: 'who or what holds it' },
    role: { type: 'string', description: 'admin, reviewer, auditor (read-only), delegate (Art. 19) or committee (Art. 7)' },
    delegate: { type: 'string', description: 'Art. 19: the delegated body a delegate token works for' },
  },
  async run(ctx) {
    const delegate = (ctx.options.delegate as string | undefined) ?? null;
    const r = await ctx.api().post('/staff-tokens', { name: ctx.required('name'), role: ctx.required('role'), delegate });
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

/** Arts. 7, 19: the services a delegate or committee token reaches. */
export const staffTokenAssign: Command = {
  name: 'staff-token assign',
  summary: 'assign a service to a delegate or committee token (Arts. 7, 19)',
  usage: '{token id} {service id or number}',
  async run(ctx) {
    const id = ctx.arg(0, 'the staff token id');
    const service = ctx.arg(1, 'the service id or number');
    const r = await ctx.api().post<{ id: string; service: string }>(`/staff-tokens/${encodeURIComponent(id)}/assignments`, { service });
    ctx.print(r, () => `service ${r.service} assigned to staff token ${id}`);
  },
};

export const staffTokenUnassign: Command = {
  name: 'staff-token unassign',
  summary: 'end a delegate or committee token’s assignment of a service',
  usage: '{token id} {service id or number}',
  async run(ctx) {
    const id = ctx.arg(0, 'the staff token id');
    const service = ctx.arg(1, 'the service id or number');
    await ctx.api().delete(`/staff-tokens/${encodeURIComponent(id)}/assignments/${encodeURIComponent(service)}`);
    ctx.print({ id, service, ended: true }, () => `service ${service} no longer assigned to staff token ${id}`);
  },
};

/** Art. 19.2: name a delegated body; it is published in the registry from then on. */
export const delegateAdd: Command = {
  name: 'delegate add',
  summary: 'delegate certification work to a body (Art. 19); its name is published',
  usage: '--name-ja {name} --scope-ja {work delegated} [--name-en {name}] [--scope-en {work}] [--since {YYYY-MM-DD}]',
  options: {
    'name-ja': { type: 'string', description: 'the name published (氏名又は名称)' },
    'name-en': { type: 'string', description: 'the name in English' },
    'scope-ja': { type: 'string', description: 'the work delegated' },
    'scope-en': { type: 'string', description: 'the work delegated, in English' },
    since: { type: 'string', description: 'from when (today when absent)' },
  },
  async run(ctx) {
    const o = ctx.options as Record<string, string | undefined>;
    const r = await ctx.api().post<{ id: string; nameJa: string; delegatedOn: string }>('/delegates', {
      nameJa: ctx.required('name-ja'),
      nameEn: o['name-en'] ?? null,
      scopeJa: ctx.required('scope-ja'),
      scopeEn: o['scope-en'] ?? null,
      delegatedOn: o.since ?? null,
    });
    ctx.print(r, () => `delegated body ${r.id} (${r.nameJa}) since ${r.delegatedOn}`);
  },
};
