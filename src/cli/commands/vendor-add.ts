import type { Command } from '../command';
import { UsageError } from '../command';

export const vendorAdd: Command = {
  name: 'vendor add',
  summary: 'register a vendor',
  usage: '--name-ja {name} [--name-en {name}] [--contact {JSON object}]',
  options: {
    'name-ja': { type: 'string', description: 'the vendor’s name in Japanese' },
    'name-en': { type: 'string', description: 'the vendor’s name in English' },
    contact: { type: 'string', description: 'contact people as a JSON object (confidential, Art. 20)' },
  },
  async run(ctx) {
    let contact: unknown = {};
    if (typeof ctx.options.contact === 'string') {
      try {
        contact = JSON.parse(ctx.options.contact);
      } catch {
        throw new UsageError('--contact must be a JSON object');
      }
    }
    const r = await ctx.api().post('/vendors', { nameJa: ctx.required('name-ja'), nameEn: (ctx.options['name-en'] as string | undefined) ?? null, contact });
    ctx.print(r, () => `vendor registered: ${r.id}`);
  },
};
