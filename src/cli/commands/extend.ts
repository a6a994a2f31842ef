import { lifecycleCommand } from '../operation';

export const extend = lifecycleCommand({
  name: 'extend',
  summary: 'keep the certification in force past expiry while its renewal is decided (Art. 12.2)',
  usage: '--until {YYYY-MM-DD} --reason {text}',
  options: {
    until: { type: 'string', description: 'the last day (JST) of the extension' },
    reason: { type: 'string', description: 'why' },
  },
  path: 'extensions',
  body: (ctx) => ({ until: ctx.required('until'), reason: ctx.required('reason') }),
});
