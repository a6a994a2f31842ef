import type { Command } from '../command';
import { table } from '../format';

export const vendors: Command = {
  name: 'vendors',
  summary: 'list the vendors (contact details are shown only by the API, audited)',
  usage: '',
  async run(ctx) {
    const r = await ctx.api().get<{ vendors: { id: string; nameJa: string; nameEn: string | null; createdAt: string }[] }>('/vendors');
    ctx.print(r, () =>
      r.vendors.length
        ? table(
            r.vendors.map((v) => [v.nameJa, v.nameEn, v.createdAt.slice(0, 10), v.id]),
            ['vendor', 'English', 'registered', 'id'],
          )
        : 'no vendors',
    );
  },
};
