import type { Command } from '../command';

export const status: Command = {
  name: 'status',
  summary: 'the status of a service at an instant (now by default), and whether the mark is served',
  usage: '{number|id} [--at {RFC 3339 instant}]',
  options: { at: { type: 'string', description: 'the instant, e.g. 2026-04-01T23:59:00+09:00' } },
  async run(ctx) {
    const id = ctx.arg(0, 'the service (certification number or id)');
    const r = await ctx.api().get(`/services/${encodeURIComponent(id)}/status`, { at: ctx.options.at as string | undefined });
    ctx.print(r, () => `${r.number ?? r.id}: ${r.status ?? 'not applied'} at ${r.at} (mark ${r.servesMark ? 'served' : 'not served'})`);
  },
};
