import { UsageError, type Command } from '../command';
import { operationSummary } from '../format';
import { describeProposal, type Proposal } from './revocations';

/**
 * Art. 17: admin only. With one approval (CERTMARK_REVOCATION_APPROVALS=1) the mark stops at once; with two,
 * this proposes the revocation and another admin approves it (`certmark revocations approve`).
 */
export const revoke: Command = {
  name: 'revoke',
  summary: 'revoke a certification on a ground of Art. 17.1 (1)–(9), or propose it when the server needs two admins (admin token)',
  usage: '{number|id} --ground {1-9} --reason {text} [--notice {text} --sent-by post|email|hand]',
  options: {
    ground: { type: 'string', description: 'the ground of Art. 17.1, 1 to 9' },
    reason: { type: 'string', description: 'the reason, published with the revocation (Art. 17.3)' },
    notice: { type: 'string', description: 'the text of the written notice (Art. 17.2)' },
    'sent-by': { type: 'string', description: 'how the notice went out: post, email or hand (Art. 17.2); without it, none was sent yet' },
  },
  async run(ctx) {
    const service = ctx.arg(0, 'the service (certification number or id)');
    const ground = ctx.required('ground');
    if (!/^\d+$/.test(ground)) throw new UsageError('--ground must be a number from 1 to 9 (Art. 17.1)');
    const body = {
      ground: Number(ground),
      reason: ctx.required('reason'),
      ...(typeof ctx.options.notice === 'string' ? { notice: ctx.options.notice } : {}),
      ...(typeof ctx.options['sent-by'] === 'string' ? { noticeSentBy: ctx.options['sent-by'] } : {}),
    };
    const r = await ctx.api().post(`/services/${encodeURIComponent(service)}/revocation`, body);
    ctx.print(r, () =>
      'proposal' in r
        ? `${describeProposal(r.proposal as Proposal)}\nanother admin approves it: certmark revocations approve ${(r.proposal as Proposal).id}`
        : operationSummary(r),
    );
  },
};
