import type { Command } from '../command';

export const serviceAdd: Command = {
  name: 'service add',
  summary: 'register a service of a vendor, with the web origins where its mark may appear (Art. 10.2)',
  usage: '--vendor {id} --name-ja {name} [--name-en {name}] [--origin {origin}]…',
  options: {
    vendor: { type: 'string', description: 'the vendor id' },
    'name-ja': { type: 'string', description: 'the service’s name in Japanese' },
    'name-en': { type: 'string', description: 'the service’s name in English' },
    origin: { type: 'string', multiple: true, description: 'a web origin such as https://clinic.example.jp' },
  },
  async run(ctx) {
    const r = await ctx.api().post('/services', {
      vendorId: ctx.required('vendor'),
      nameJa: ctx.required('name-ja'),
      nameEn: (ctx.options['name-en'] as string | undefined) ?? null,
      origins: (ctx.options.origin as string[] | undefined) ?? [],
    });
    ctx.print(r, () => `service registered: ${r.id}`);
  },
};
