import type { Command } from '../command';
import { table } from '../format';

/** Crawler keys (CONTRACT.md, "For crawlers"): the bearer a crawler sends with its sightings. Admins only. */
interface CrawlerKeyOut {
  id: string;
  name: string;
  createdAt: string;
  revokedAt: string | null;
  key?: string;
}

export const crawlerKeyCreate: Command = {
  name: 'crawler-key create',
  summary: 'make a crawler key and print it once (it is stored only as a hash)',
  usage: '--name {name}',
  options: { name: { type: 'string', description: 'what the key is for, e.g. "nightly crawl"' } },
  async run(ctx) {
    const name = ctx.required('name');
    const r = await ctx.api().post<CrawlerKeyOut>('/crawler-keys', { name });
    ctx.print(r, () =>
      [`crawler key ${r.id} (${r.name}); shown once, keep it:`, '', r.key!, '', 'use it as CERTMARK_CRAWLER_KEY for `certmark crawl`'].join('\n'),
    );
  },
};

export const crawlerKeyList: Command = {
  name: 'crawler-key list',
  summary: 'list the crawler keys (never the keys themselves)',
  usage: '',
  async run(ctx) {
    const r = await ctx.api().get<{ keys: CrawlerKeyOut[] }>('/crawler-keys');
    ctx.print(r, () =>
      r.keys.length === 0
        ? 'no crawler keys'
        : table(
            r.keys.map((k) => [k.id, k.name, k.createdAt, k.revokedAt ?? 'live']),
            ['id', 'name', 'created', 'revoked'],
          ),
    );
  },
};

export const crawlerKeyRevoke: Command = {
  name: 'crawler-key revoke',
  summary: 'revoke a crawler key: its sightings are refused from now on',
  usage: '{id}',
  async run(ctx) {
    const id = ctx.arg(0, 'the crawler key id');
    const r = await ctx.api().post<CrawlerKeyOut>(`/crawler-keys/${encodeURIComponent(id)}/revoke`);
    ctx.print(r, () => `crawler key ${r.id} (${r.name}) revoked at ${r.revokedAt}`);
  },
};
