import { createRoute, z } from '@hono/zod-openapi';
import type { RevocationGround } from '../../domain/lifecycle/events';
import {
  approveRevocation,
  rejectRevocation,
  revocationProposalForStaff,
  revocationProposalsForStaff,
  revokeOrPropose,
  withdrawRevocation,
} from '../../domain/lifecycle/revocation-proposals';
import { resolveService } from '../../domain/lifecycle/staff-view';
import { inTransaction } from '../../db/database';
import { newRouter } from '../../http/router';
import { ApprovalRequest, ProposalMade, RejectionRequest, RevocationProposalOut, WithdrawalRequest } from './revocation-schemas';
import { EventOut, id, IdParam, OperationResult, RevocationRequest, ServiceParam } from './schemas';
import { jsonBody, jsonOk, lifecycleContext, operationResult, problems, roleGuard, security, staffReader, TAG } from './shared';

const ProposalParam = IdParam('proposal', 'the revocation proposal id');
const Approved = z
  .object({
    proposal: RevocationProposalOut,
    service: OperationResult.shape.service,
    events: z.array(EventOut),
    eventIds: z.array(z.number().int()).openapi({ description: 'every event the approval caused: the revocation, the approval, the case closed' }),
  })
  .openapi('RevocationApproved');
const Decided = z.object({ proposal: RevocationProposalOut, eventIds: z.array(z.number().int()) }).openapi('RevocationProposalDecided');

/**
 * Art. 17: the revocation of a service, by one admin (CERTMARK_REVOCATION_APPROVALS=1) or by two: one proposes,
 * another approves or rejects, the proposer may withdraw (issue 14).
 */
export function revocationRoutes() {
  const r = newRouter();
  const admins = [roleGuard('admin')];

  r.openapi(
    createRoute({
      method: 'post',
      path: '/services/{service}/revocation',
      tags: [TAG],
      security,
      middleware: admins,
      summary: 'Art. 17.1–17.3: revoke on a ground (1)–(9) (admin only); with CERTMARK_REVOCATION_APPROVALS=2, propose it for another admin to approve',
      description:
        'With one approval the service is revoked at once and the mark stops (200). With two, a proposal is made (202) and the mark is served until another admin approves it at `/revocation-proposals/{proposal}/approval`.',
      request: { params: ServiceParam, ...jsonBody(RevocationRequest) },
      responses: {
        200: jsonOk(OperationResult, 'revoked: the service’s status after it and the events written'),
        202: jsonOk(ProposalMade, 'proposed: another admin approves it'),
        ...problems,
      },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const approvals = c.get('deps').config.revocationApprovals;
      const answer = await inTransaction(c.get('deps').database.db, async (tx) => {
        const ctx = { ...lifecycleContext(c), db: tx };
        const service = await resolveService(tx, c.req.valid('param').service);
        const done = await revokeOrPropose(
          ctx,
          service.id,
          {
            ground: input.ground as RevocationGround,
            reason: input.reason,
            notice: input.notice ?? null,
            ...(input.noticeSentBy ? { noticeSentBy: input.noticeSentBy } : {}),
          },
          approvals,
        );
        const out =
          done.kind === 'revoked' ? await operationResult(c, tx, service.id, done.events, null) : { proposal: done.proposal, eventIds: done.eventIds };
        ctx.signal?.throwIfAborted();
        return { status: done.kind === 'revoked' ? 200 : 202, out };
      });
      return answer.status === 200 ? c.json(answer.out as z.infer<typeof OperationResult>, 200) : c.json(answer.out as z.infer<typeof ProposalMade>, 202);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/revocation-proposals',
      tags: [TAG],
      security,
      summary: 'Art. 17: revocations proposed, newest first; `status=pending` is what awaits a second admin (audited read, Art. 20)',
      request: {
        query: z.object({
          status: z.enum(['pending', 'approved', 'rejected', 'withdrawn']).optional(),
          service: id().optional().openapi({ description: 'a service id or certification number' }),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
      },
      responses: {
        200: jsonOk(z.object({ proposals: z.array(RevocationProposalOut) }), 'the proposals'),
        400: problems[400],
        401: problems[401],
        404: problems[404],
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const db = c.get('deps').database.db;
      const serviceId = q.service ? (await resolveService(db, q.service)).id : null;
      const proposals = await revocationProposalsForStaff(staffReader(c), { status: q.status ?? null, serviceId, limit: q.limit }, new URL(c.req.url).search);
      return c.json({ proposals }, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/revocation-proposals/{proposal}',
      tags: [TAG],
      security,
      summary: 'One revocation proposal, with the letter to be sent (audited read, Art. 20)',
      request: { params: ProposalParam },
      responses: { 200: jsonOk(RevocationProposalOut, 'the proposal'), 401: problems[401], 404: problems[404] },
    }),
    async (c) => {
      const { proposal } = c.req.valid('param') as { proposal: string };
      return c.json(await revocationProposalForStaff(staffReader(c), proposal), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/revocation-proposals/{proposal}/approval',
      tags: [TAG],
      security,
      middleware: admins,
      summary: 'Art. 17: a second admin approves the proposal and the service is revoked at once (the proposer cannot approve it: 403)',
      request: { params: ProposalParam, ...jsonBody(ApprovalRequest) },
      responses: { 200: jsonOk(Approved, 'revoked'), ...problems },
    }),
    async (c) => {
      const { proposal } = c.req.valid('param') as { proposal: string };
      const deps = c.get('deps');
      const answer = await inTransaction(deps.database.db, async (tx) => {
        const ctx = { ...lifecycleContext(c), db: tx };
        const done = await approveRevocation(ctx, proposal, { approvals: deps.config.revocationApprovals, note: c.req.valid('json').note });
        const op = await operationResult(c, tx, done.proposal.serviceId, done.events, null);
        ctx.signal?.throwIfAborted();
        return { proposal: done.proposal, service: op.service, events: op.events, eventIds: done.eventIds };
      });
      return c.json(answer, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/revocation-proposals/{proposal}/rejection',
      tags: [TAG],
      security,
      middleware: admins,
      summary: 'Art. 17: another admin rejects the proposal, with the reason; a case it came from goes back to review',
      request: { params: ProposalParam, ...jsonBody(RejectionRequest) },
      responses: { 200: jsonOk(Decided, 'rejected'), ...problems },
    }),
    async (c) => {
      const { proposal } = c.req.valid('param') as { proposal: string };
      return c.json(await rejectRevocation(lifecycleContext(c), proposal, c.req.valid('json').reason), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/revocation-proposals/{proposal}/withdrawal',
      tags: [TAG],
      security,
      middleware: admins,
      summary: 'Art. 17: the proposer withdraws the proposal; a case it came from goes back to review',
      request: { params: ProposalParam, ...jsonBody(WithdrawalRequest) },
      responses: { 200: jsonOk(Decided, 'withdrawn'), ...problems },
    }),
    async (c) => {
      const { proposal } = c.req.valid('param') as { proposal: string };
      return c.json(await withdrawRevocation(lifecycleContext(c), proposal, c.req.valid('json').note), 200);
    },
  );

  return r;
}
