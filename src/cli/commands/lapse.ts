import { lifecycleCommand } from '../operation';

export const lapse = lifecycleCommand({
  name: 'lapse',
  summary: 'record that a transfer, merger, split or inheritance ended the certification (Art. 9.2)',
  usage: '--cause {transfer|merger|split|inheritance} --note {text}',
  options: {
    cause: { type: 'string', description: 'transfer, merger, split or inheritance' },
    note: { type: 'string', description: 'what happened' },
  },
  path: 'lapse',
  body: (ctx) => ({ cause: ctx.required('cause'), note: ctx.required('note') }),
});
