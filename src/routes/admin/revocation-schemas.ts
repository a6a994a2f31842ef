import { z } from '@hono/zod-openapi';
import { optionalText, text } from './schemas';

/** Art. 17 with two admins (issue 14): a revocation proposed, as staff see it. */
export const RevocationProposalOut = z
  .object({
    id: z.string(),
    serviceId: z.string(),
    serviceNumber: z.string().nullable(),
    serviceNameJa: z.string(),
    caseId: z.string().nullable().openapi({ description: 'the misuse case it was proposed from' }),
    ground: z.number().int(),
    article: z.string(),
    reason: z.string(),
    notice: z.string().nullable().openapi({ description: 'Art. 17.2: the written notice to be sent' }),
    noticeSentBy: z.string(),
    proposedBy: z.string(),
    proposedAt: z.string(),
    status: z.enum(['pending', 'approved', 'rejected', 'withdrawn']),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    decisionNote: z.string().nullable(),
    revocationEventId: z.number().int().nullable().openapi({ description: 'the service.revoked event of an approved proposal' }),
  })
  .openapi('RevocationProposal');

export const ProposalMade = z
  .object({ proposal: RevocationProposalOut, eventIds: z.array(z.number().int()) })
  .openapi('RevocationProposed', { description: 'CERTMARK_REVOCATION_APPROVALS=2: a proposal another admin approves' });

export const ApprovalRequest = z.object({ note: optionalText(2000) }).openapi('RevocationApproval');
export const RejectionRequest = z.object({ reason: text(2000) }).openapi('RevocationRejection');
export const WithdrawalRequest = z.object({ note: optionalText(2000) }).openapi('RevocationWithdrawal');
