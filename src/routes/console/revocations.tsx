/**
 * Four-eyes revocation in the console (Art. 17, issue 14), through the same domain functions as the staff API
 * (src/routes/admin/revocations.ts): revocationProposalsForStaff and revocationProposalForStaff (audited reads,
 * Art. 20), approveRevocation, rejectRevocation, withdrawRevocation. Admins, reviewers and auditors read;
 * admins decide. The domain refuses the proposer's own approval whatever the page shows.
 */
import { Hono } from 'hono';
import { revocationProposalForStaff, revocationProposalsForStaff, type ProposalOut } from '../../domain/lifecycle/revocation-proposals';
import { approveRevocation, rejectRevocation, withdrawRevocation } from '../../domain/lifecycle/revocation-proposals';
import { problemStatus } from '../../http/problem';
import type { Flash } from '../../views/console/auth-pages';
import { backOfficeText } from '../../views/console/back-office-text';
import { consoleHref } from '../../views/console/layout';
import { PROPOSAL_STATUSES, RevocationPage, RevocationsPage, type ProposalView } from '../../views/console/revocations-page';
import { actorNames } from './cases';
import { langOf, lifecycleContext, page, reader, requireRole, session, staff, type ConsoleCtx, type ConsoleEnv } from './context';
import { formBody, formError, keep, optionalText, pathId, requiredText, type FormBody } from './form-fields';

const READERS = ['admin', 'reviewer', 'auditor'] as const;

async function named(c: ConsoleCtx, list: ProposalOut[]): Promise<ProposalView[]> {
  const name = await actorNames(
    c,
    list.flatMap((p) => [p.proposedBy, ...(p.decidedBy ? [p.decidedBy] : [])]),
  );
  return list.map((p) => ({ ...p, proposedByName: name(p.proposedBy), decidedByName: p.decidedBy ? name(p.decidedBy) : null }));
}

async function renderProposal(c: ConsoleCtx, id: string, flash: Flash | null, status: 200 | 400 | 409 | 422 = 200, sent?: FormBody) {
  const who = staff(c);
  const [p] = await named(c, [await revocationProposalForStaff(reader(c), id)]);
  const approvals = c.get('deps').config.revocationApprovals;
  const own = p!.proposedBy === `staff:${who.id}`;
  const admin = who.role === 'admin';
  const can = { decide: admin && (approvals === 1 || !own), withdraw: admin && own, own };
  const form = { note: sent ? keep(sent, 'note', 2000) : '', reason: sent ? keep(sent, 'reason', 2000) : '' };
  return page(
    c,
    <RevocationPage lang={langOf(c)} staff={who} csrf={session(c)!.csrf} p={p!} flash={flash} can={can} approvals={approvals} form={form} />,
    status,
  );
}

export function revocationRoutes() {
  const r = new Hono<ConsoleEnv>();

  r.get('/revocations', async (c) => {
    const who = requireRole(c, ...READERS);
    const q = c.req.query('status') ?? '';
    const status = (PROPOSAL_STATUSES as readonly string[]).includes(q) ? (q as ProposalOut['status']) : 'pending';
    const list = await revocationProposalsForStaff(reader(c), { status, serviceId: null, limit: 100 }, new URL(c.req.url).search);
    return page(c, <RevocationsPage lang={langOf(c)} staff={who} csrf={session(c)!.csrf} proposals={await named(c, list)} status={status} />);
  });

  r.get('/revocations/:proposal', async (c) => {
    const id = pathId(c, 'proposal', 'revocation proposal');
    requireRole(c, ...READERS);
    const done = backOfficeText(langOf(c)).done[c.req.query('m') ?? ''];
    return renderProposal(c, id, done ? { text: done } : null);
  });

  /** Admins decide; a form error shows the proposal again with the error (400, 409), a refusal answers 403. */
  const decide = (path: string, act: (c: ConsoleCtx, id: string, f: FormBody) => Promise<string>) =>
    r.post(`/revocations/:proposal/${path}`, async (c) => {
      const id = pathId(c, 'proposal', 'revocation proposal');
      requireRole(c, 'admin');
      const f = await formBody(c);
      try {
        const done = await act(c, id, f);
        return c.redirect(consoleHref(`/staff/revocations/${encodeURIComponent(id)}`, langOf(c), { m: done }), 303);
      } catch (err) {
        const known = formError(err);
        if (!known) throw err;
        const w = backOfficeText(langOf(c));
        return renderProposal(c, id, { text: `${w.errorIntro}: ${known.message}`, bad: true }, problemStatus(known.kind) as 400 | 409 | 422, f);
      }
    });

  decide('approval', async (c, id, f) => {
    const approvals = c.get('deps').config.revocationApprovals;
    await approveRevocation(lifecycleContext(c), id, { approvals, note: optionalText(f, 'note', 2000) });
    return 'approved';
  });
  decide('rejection', async (c, id, f) => {
    await rejectRevocation(lifecycleContext(c), id, requiredText(f, 'reason', 2000));
    return 'rejected';
  });
  decide('withdrawal', async (c, id, f) => {
    await withdrawRevocation(lifecycleContext(c), id, optionalText(f, 'note', 2000));
    return 'withdrawn';
  });
  return r;
}
