import { dateOption, lifecycleCommand } from '../operation';

export const certify = lifecycleCommand({
  name: 'certify',
  summary: 'decide to certify the pending application or renewal (Art. 6.1, 12.3), with the notice (Art. 6.4)',
  usage: '--notice {text} [--opinion {text}] [--decided-on {YYYY-MM-DD}]',
  options: {
    notice: { type: 'string', description: 'what was notified to the applicant (Art. 6.4)' },
    opinion: { type: 'string', description: 'the committee’s opinion (Art. 7)' },
    'decided-on': { type: 'string', description: 'the day of the decision (JST); today when absent' },
  },
  path: 'decision',
  body: (ctx) => ({
    outcome: 'certify',
    notice: ctx.required('notice'),
    reason: null,
    committeeOpinion: (ctx.options.opinion as string | undefined) ?? null,
    decidedOn: dateOption(ctx, 'decided-on'),
  }),
});
