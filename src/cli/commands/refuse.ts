import { dateOption, lifecycleCommand } from '../operation';

export const refuse = lifecycleCommand({
  name: 'refuse',
  summary: 'decide not to certify the pending application or renewal, with the reason notified (Art. 6.4)',
  usage: '--reason {text} [--notice {text}] [--opinion {text}]',
  options: {
    reason: { type: 'string', description: 'the reason notified to the applicant (Art. 6.4)' },
    notice: { type: 'string', description: 'the notice text; the reason when absent' },
    opinion: { type: 'string', description: 'the committee’s opinion (Art. 7)' },
    'decided-on': { type: 'string', description: 'the day of the decision (JST); today when absent' },
  },
  path: 'decision',
  body: (ctx) => {
    const reason = ctx.required('reason');
    return {
      outcome: 'refuse',
      reason,
      notice: (ctx.options.notice as string | undefined) ?? reason,
      committeeOpinion: (ctx.options.opinion as string | undefined) ?? null,
      decidedOn: dateOption(ctx, 'decided-on'),
    };
  },
});
