import type { Command } from '../command';
import { table } from '../format';

/** A revocation proposal as the staff API answers it (Art. 17, four eyes). */
export interface Proposal {
  id: string;
  serviceId: string;
  serviceNumber: string | null;
  serviceNameJa: string;
  caseId: string | null;
  article: string;
  reason: string;
  notice: string | null;
  proposedBy: string;
  proposedAt: string;
  status: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  revocationEventId: number | null;
}

export function describeProposal(p: Proposal): string {
  return [
    `revocation proposal ${p.id}: ${p.status}`,
    `  service  ${p.serviceNumber ?? p.serviceId} ${p.serviceNameJa}`,
    `  ground   ${p.article}`,
    `  reason   ${p.reason}`,
    ...(p.notice ? [`  notice   ${p.notice}`] : []),
    ...(p.caseId ? [`  case     ${p.caseId}`] : []),
    `  proposed ${p.proposedAt} by ${p.proposedBy}`,
    ...(p.decidedAt ? [`  decided  ${p.decidedAt} by ${p.decidedBy}${p.decisionNote ? `: ${p.decisionNote}` : ''}`] : []),
    ...(p.revocationEventId ? [`  revoked  event #${p.revocationEventId}`] : []),
  ].join('\n');
}

const decided = (r: { proposal: Proposal; eventIds: number[] }) => `${describeProposal(r.proposal)}\n  events   ${r.eventIds.map((id) => `#${id}`).join(' ')}`;

export const revocationsList: Command = {
  name: 'revocations list',
  summary: 'revocations proposed (Art. 17), newest first; --status pending for those awaiting a second admin',
  usage: '[--status pending|approved|rejected|withdrawn] [--service {number|id}]',
  options: {
    status: { type: 'string', description: 'pending, approved, rejected or withdrawn' },
    service: { type: 'string', description: 'one service (number or id)' },
  },
  async run(ctx) {
    const r = await ctx.api().get<{ proposals: Proposal[] }>('/revocation-proposals', {
      status: ctx.options.status as string | undefined,
      service: ctx.options.service as string | undefined,
    });
    ctx.print(r, () =>
      r.proposals.length === 0
        ? 'no revocation proposals'
        : table(
            r.proposals.map((p) => [p.id, p.status, p.serviceNumber ?? p.serviceId, p.article, p.proposedAt, p.proposedBy]),
            ['id', 'status', 'service', 'ground', 'proposed', 'by'],
          ),
    );
  },
};

export const revocationsShow: Command = {
  name: 'revocations show',
  summary: 'one revocation proposal with the letter to be sent',
  usage: '{proposal id}',
  async run(ctx) {
    const r = await ctx.api().get<Proposal>(`/revocation-proposals/${encodeURIComponent(ctx.arg(0, 'the proposal id'))}`);
    ctx.print(r, () => describeProposal(r));
  },
};

export const revocationsApprove: Command = {
  name: 'revocations approve',
  summary: 'approve a revocation another admin proposed: the service is revoked and the mark stops at once (admin token)',
  usage: '{proposal id} [--note {text}]',
  options: { note: { type: 'string', description: 'a note kept with the approval' } },
  async run(ctx) {
    const id = ctx.arg(0, 'the proposal id');
    const r = await ctx.api().post(`/revocation-proposals/${encodeURIComponent(id)}/approval`, { note: (ctx.options.note as string | undefined) ?? null });
    ctx.print(r, () => `${decided(r)}\n${r.service.number ?? r.service.id}: ${r.service.status}`);
  },
};

export const revocationsReject: Command = {
  name: 'revocations reject',
  summary: 'reject a revocation another admin proposed, with the reason (admin token)',
  usage: '{proposal id} --reason {text}',
  options: { reason: { type: 'string', description: 'why it is rejected' } },
  async run(ctx) {
    const id = ctx.arg(0, 'the proposal id');
    const r = await ctx.api().post(`/revocation-proposals/${encodeURIComponent(id)}/rejection`, { reason: ctx.required('reason') });
    ctx.print(r, () => decided(r));
  },
};

export const revocationsWithdraw: Command = {
  name: 'revocations withdraw',
  summary: 'withdraw a revocation you proposed (admin token)',
  usage: '{proposal id} [--note {text}]',
  options: { note: { type: 'string', description: 'why it is withdrawn' } },
  async run(ctx) {
    const id = ctx.arg(0, 'the proposal id');
    const r = await ctx.api().post(`/revocation-proposals/${encodeURIComponent(id)}/withdrawal`, { note: (ctx.options.note as string | undefined) ?? null });
    ctx.print(r, () => decided(r));
  },
};
