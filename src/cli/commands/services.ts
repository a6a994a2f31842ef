import type { Command } from '../command';
import { table } from '../format';

interface Summary {
  id: string;
  number: string | null;
  nameJa: string;
  status: string | null;
  servesMark: boolean;
  validThrough: string | null;
  inForceThrough: string | null;
  vendorNameJa: string;
}

export const services: Command = {
  name: 'services',
  summary: 'list the services with their status now',
  usage: '[--status {status}] [--q {text}]',
  options: {
    status: { type: 'string', description: 'only this status (applied, certified, renewal_pending, expired, revoked, terminated, lapsed, refused)' },
    q: { type: 'string', description: 'text in the number, names or vendor' },
  },
  async run(ctx) {
    const r = await ctx
      .api()
      .get<{ services: Summary[] }>('/services', { status: ctx.options.status as string | undefined, q: ctx.options.q as string | undefined });
    ctx.print(r, () =>
      r.services.length === 0
        ? 'no services'
        : table(
            r.services.map((s) => [
              s.number,
              s.status ?? 'none',
              s.servesMark ? 'served' : 'not served',
              s.inForceThrough ?? s.validThrough,
              s.nameJa,
              s.vendorNameJa,
              s.id,
            ]),
            ['number', 'status', 'mark', 'in force through', 'service', 'vendor', 'id'],
          ),
    );
  },
};
