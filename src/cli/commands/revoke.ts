import { UsageError } from '../command';
import { lifecycleCommand } from '../operation';

/** Art. 17: admin only; the mark stops at once. */
export const revoke = lifecycleCommand({
  name: 'revoke',
  summary: 'revoke a certification on a ground of Art. 17.1 (1)–(9); the mark stops at once (admin token)',
  usage: '--ground {1-9} --reason {text} [--notice {text} --sent-by post|email|hand]',
  options: {
    ground: { type: 'string', description: 'the ground of Art. 17.1, 1 to 9' },
    reason: { type: 'string', description: 'the reason, published with the revocation (Art. 17.3)' },
    notice: { type: 'string', description: 'the text of the written notice sent (Art. 17.2)' },
    'sent-by': { type: 'string', description: 'how the notice went out: post, email or hand (Art. 17.2); without it, none was sent yet' },
  },
  path: 'revocation',
  body: (ctx) => {
    const ground = ctx.required('ground');
    if (!/^\d+$/.test(ground)) throw new UsageError('--ground must be a number from 1 to 9 (Art. 17.1)');
    return {
      ground: Number(ground),
      reason: ctx.required('reason'),
      ...(typeof ctx.options.notice === 'string' ? { notice: ctx.options.notice } : {}),
      ...(typeof ctx.options['sent-by'] === 'string' ? { noticeSentBy: ctx.options['sent-by'] } : {}),
    };
  },
});
