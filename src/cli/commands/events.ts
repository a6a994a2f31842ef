import type { Command } from '../command';
import { table } from '../format';

export const events: Command = {
  name: 'events',
  summary: 'the events of a service, in order (who, when, what, which article)',
  usage: '{number|id}',
  async run(ctx) {
    const id = ctx.arg(0, 'the service (certification number or id)');
    const r = await ctx
      .api()
      .get<{ events: { id: number; at: string; type: string; article: string | null; actor: string }[] }>(`/services/${encodeURIComponent(id)}/events`);
    ctx.print(r, () =>
      table(
        r.events.map((e) => [e.id, e.at, e.type, e.article, e.actor]),
        ['#', 'at', 'type', 'article', 'actor'],
      ),
    );
  },
};
