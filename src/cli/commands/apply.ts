import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../command';
import { lifecycleCommand } from '../operation';

/** Art. 4, 5: the application; the content of form B comes from a JSON file of disclosure items. */
export const apply = lifecycleCommand({
  name: 'apply',
  summary: 'file an application (Art. 4) with its documents, the fee paid (Art. 5) and the form B items',
  usage: '--items {items.json} --document {name}… --fee-paid',
  options: {
    items: { type: 'string', description: 'a JSON file: [{ "key", "labelJa", "valueJa", "withheld"?, "withheldReason"? }, …]' },
    document: { type: 'string', multiple: true, description: 'a document submitted (申請書A, 登記事項証明書, …)' },
    'fee-paid': { type: 'boolean', description: 'the examination fee was paid (required, Art. 5)' },
  },
  path: 'applications',
  body: (ctx) => {
    const file = ctx.required('items');
    let items: unknown;
    try {
      items = JSON.parse(readFileSync(resolve(ctx.cwd, file), 'utf8'));
    } catch (e) {
      throw new UsageError(`--items: cannot read a JSON array from ${file} (${(e as Error).message})`);
    }
    return { documents: (ctx.options.document as string[] | undefined) ?? [], feePaid: ctx.options['fee-paid'] === true, items };
  },
});
