import type { Command } from '../command';
import { table } from '../format';

/** Embed tokens of the mark (CONTRACT.md, "The embed token"). Not to be confused with `staff-token`. */
interface TokenOut {
  jti: string;
  token: string;
  number: string;
  origins: string[];
  issuedAt: string;
  retiredAt: string | null;
  badgeImageUrl: string;
  snippet: string;
}

export const tokenIssue: Command = {
  name: 'token issue',
  summary: 'issue an embed token for a certified service and print it with the embed snippet',
  usage: '{number|id} [--origin {origin}]...',
  options: {
    origin: {
      type: 'string',
      multiple: true,
      description:
        'a web origin where the badge may appear (Art. 10.2), e.g. https://clinic.example.jp; repeat for several; the service’s registered origins when absent',
    },
  },
  async run(ctx) {
    const service = ctx.arg(0, 'the certification number or service id');
    const origins = (ctx.options.origin as string[] | undefined) ?? [];
    const r = await ctx.api().post<TokenOut>(`/services/${encodeURIComponent(service)}/tokens`, origins.length ? { origins } : {});
    ctx.print(r, () =>
      [
        `embed token for ${r.number} (jti ${r.jti}), allowed on: ${r.origins.join(', ')}`,
        '',
        r.token,
        '',
        'embed snippet (paste into the pages of those sites):',
        '',
        r.snippet,
      ].join('\n'),
    );
  },
};

export const tokenList: Command = {
  name: 'token list',
  summary: 'list the embed tokens of a service (or every live token)',
  usage: '[{number|id}]',
  async run(ctx) {
    const service = ctx.args[0];
    const r = await ctx.api().get<{ tokens: TokenOut[] }>(service ? `/services/${encodeURIComponent(service)}/tokens` : '/tokens');
    ctx.print(r, () =>
      r.tokens.length === 0
        ? 'no tokens'
        : table(
            r.tokens.map((t) => [t.number, t.jti, t.issuedAt, t.retiredAt ?? 'live', t.origins.join(' ')]),
            ['number', 'jti', 'issued', 'retired', 'origins'],
          ),
    );
  },
};

export const tokenRetire: Command = {
  name: 'token retire',
  summary: 'retire an embed token: its mark answers 404 everywhere from now on',
  usage: '{jti}',
  async run(ctx) {
    const jti = ctx.arg(0, 'the token id (jti)');
    const r = await ctx.api().post<TokenOut>(`/tokens/${encodeURIComponent(jti)}/retire`);
    ctx.print(r, () => `embed token ${r.jti} of ${r.number} retired at ${r.retiredAt}`);
  },
};

export const keyRotate: Command = {
  name: 'key rotate',
  summary: 'rotate the signing key: a new key signs; the old one verifies its live tokens until they are retired (admin)',
  usage: '',
  async run(ctx) {
    const r = await ctx.api().post<{ kid: string; retired: string[] }>('/keys/rotate');
    ctx.print(r, () => `signing key ${r.kid} now signs; retired from signing: ${r.retired.join(', ') || 'none'}`);
  },
};
