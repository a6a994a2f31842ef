import { lifecycleCommand } from '../operation';

export const renew = lifecycleCommand({
  name: 'renew',
  summary: 'file a renewal 60 to 30 days before expiry (Art. 12.1) with the self-declaration (Art. 10.7)',
  usage: '--statement {text} [--not-used-correctly] [--override {reason}]',
  options: {
    statement: { type: 'string', description: 'the vendor’s self-declaration on its use of the mark (Art. 10.7)' },
    'not-used-correctly': { type: 'boolean', description: 'the vendor declares it did NOT use the mark as the rules say' },
    override: { type: 'string', description: 'accept outside the Art. 12.1 window, for this recorded reason' },
  },
  path: 'renewals',
  body: (ctx) => ({
    selfDeclaration: { usedMarkCorrectly: ctx.options['not-used-correctly'] !== true, statement: ctx.required('statement') },
    overrideReason: (ctx.options.override as string | undefined) ?? null,
  }),
});
