/**
 * Four-eyes revocation (Art. 17, issue 14): the proposals awaiting a second admin, and one proposal with the
 * letter to be sent and its decision forms. The proposer sees no approve or reject control on their own
 * proposal, only withdraw; another admin sees approve and reject; other roles read only.
 */
import type { FC } from 'hono/jsx';
import type { ProposalOut } from '../../domain/lifecycle/revocation-proposals';
import type { Staff } from '../../http/env';
import { InstantText } from '../components';
import type { Lang } from '../i18n';
import { FlashBox, type Flash } from './auth-pages';
import { backOfficeText } from './back-office-text';
import { ConsoleLayout, consoleHref, CsrfField } from './layout';
import { DataTable } from './screens';

interface Base {
  lang: Lang;
  staff: Staff;
  csrf: string;
}

export const PROPOSAL_STATUSES = ['pending', 'approved', 'rejected', 'withdrawn'] as const;
export type ProposalView = ProposalOut & { proposedByName: string; decidedByName: string | null };

const proposalHref = (lang: Lang, id: string) => consoleHref(`/staff/revocations/${encodeURIComponent(id)}`, lang);

export const RevocationsPage: FC<Base & { proposals: ProposalView[]; status: string }> = ({ lang, staff, csrf, proposals, status }) => {
  const w = backOfficeText(lang);
  return (
    <ConsoleLayout lang={lang} title={w.revocationsTitle} path="/staff/revocations" query={{ status }} staff={staff} csrf={csrf}>
      <h1>{w.revocationsTitle}</h1>
      <p>{w.revocationsIntro}</p>
      <form class="search" method="get" action="/staff/revocations">
        {lang === 'en' ? <input type="hidden" name="lang" value="en" /> : null}
        <div class="field">
          <label for="status">{w.statusFilter}</label>
          <select id="status" name="status">
            {PROPOSAL_STATUSES.map((s) => (
              <option value={s} selected={status === s}>
                {w.proposalStatuses[s]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{w.filter}</button>
      </form>
      {proposals.length === 0 ? (
        <p>{w.none}</p>
      ) : (
        <DataTable caption={w.revocationsTitle} head={[w.service, w.ground, w.reason, w.proposedBy, w.proposedAt, w.status]}>
          {proposals.map((p) => (
            <tr>
              <td>
                <a href={proposalHref(lang, p.id)}>
                  <span class="number">{p.serviceNumber ?? p.serviceId}</span> <bdi>{p.serviceNameJa}</bdi>
                </a>
              </td>
              <td>{p.article}</td>
              <td>{p.reason}</td>
              <td>
                <bdi>{p.proposedByName}</bdi>
              </td>
              <td>
                <InstantText at={new Date(p.proposedAt)} lang={lang} />
              </td>
              <td>{w.proposalStatuses[p.status] ?? p.status}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </ConsoleLayout>
  );
};

export const RevocationPage: FC<
  Base & {
    p: ProposalView;
    flash: Flash | null;
    can: { decide: boolean; withdraw: boolean; own: boolean };
    approvals: 1 | 2;
    form: { note: string; reason: string };
  }
> = ({ lang, staff, csrf, p, flash, can, approvals, form }) => {
  const w = backOfficeText(lang);
  const title = w.proposalTitleOf(p.serviceNumber ?? p.serviceId);
  const base = `/staff/revocations/${encodeURIComponent(p.id)}`;
  const pending = p.status === 'pending';
  return (
    <ConsoleLayout lang={lang} title={title} path={base} staff={staff} csrf={csrf}>
      <p class="eyebrow">
        <a href={consoleHref('/staff/revocations', lang)}>{w.revocationsTitle}</a>
      </p>
      <h1>{title}</h1>
      <FlashBox flash={flash} />
      <dl class="facts">
        <div>
          <dt>{w.service}</dt>
          <dd>
            <a href={consoleHref(`/staff/services/${encodeURIComponent(p.serviceNumber ?? p.serviceId)}`, lang)}>
              <span class="number">{p.serviceNumber ?? p.serviceId}</span> <bdi>{p.serviceNameJa}</bdi>
            </a>
          </dd>
        </div>
        <div>
          <dt>{w.status}</dt>
          <dd>{w.proposalStatuses[p.status] ?? p.status}</dd>
        </div>
        <div>
          <dt>{w.ground}</dt>
          <dd>{p.article}</dd>
        </div>
        <div>
          <dt>{w.reason}</dt>
          <dd class="pre">{p.reason}</dd>
        </div>
        <div>
          <dt>{w.letter}</dt>
          <dd class="pre">{p.notice ?? '—'}</dd>
        </div>
        <div>
          <dt>{w.sentBy}</dt>
          <dd>{w.deliveries[p.noticeSentBy] ?? p.noticeSentBy}</dd>
        </div>
        <div>
          <dt>{w.proposedBy}</dt>
          <dd>
            <bdi>{p.proposedByName}</bdi> · <InstantText at={new Date(p.proposedAt)} lang={lang} />
          </dd>
        </div>
        {p.decidedAt ? (
          <div>
            <dt>{w.decidedBy}</dt>
            <dd>
              <bdi>{p.decidedByName ?? p.decidedBy}</bdi> · <InstantText at={new Date(p.decidedAt)} lang={lang} />
              {p.decisionNote ? <> · {p.decisionNote}</> : null}
            </dd>
          </div>
        ) : null}
        {p.caseId ? (
          <div>
            <dt>{w.fromCase}</dt>
            <dd>
              <a href={consoleHref(`/staff/cases/${encodeURIComponent(p.caseId)}`, lang)} class="mono">
                {p.caseId}
              </a>
            </dd>
          </div>
        ) : null}
      </dl>
      {pending && can.own && approvals === 2 ? <p class="hint">{w.ownProposal}</p> : null}
      {pending && approvals === 1 && can.decide ? <p class="hint">{w.approvalsOne}</p> : null}
      {pending && can.decide ? (
        <>
          <form class="console-form" method="post" action={consoleHref(`${base}/approval`, lang)} aria-labelledby="approve-h">
            <h2 id="approve-h">{w.approveTitle}</h2>
            <p class="hint">{w.approveHint}</p>
            <CsrfField csrf={csrf} />
            <div class="field">
              <label for="approve-note">{w.note}</label>
              <textarea id="approve-note" name="note" maxlength={2000} rows={2}>
                {form.note}
              </textarea>
            </div>
            <button type="submit" class="danger">
              {w.approve}
            </button>
          </form>
          {can.own ? null : (
            <form class="console-form" method="post" action={consoleHref(`${base}/rejection`, lang)} aria-labelledby="reject-h">
              <h2 id="reject-h">{w.rejectTitle}</h2>
              <CsrfField csrf={csrf} />
              <div class="field">
                <label for="reject-reason">{w.reason}</label>
                <textarea id="reject-reason" name="reason" required maxlength={2000} rows={3}>
                  {form.reason}
                </textarea>
              </div>
              <button type="submit" class="secondary">
                {w.reject}
              </button>
            </form>
          )}
        </>
      ) : null}
      {pending && can.withdraw ? (
        <form class="console-form" method="post" action={consoleHref(`${base}/withdrawal`, lang)} aria-labelledby="withdraw-h">
          <h2 id="withdraw-h">{w.withdrawTitle}</h2>
          <CsrfField csrf={csrf} />
          <div class="field">
            <label for="withdraw-note">{w.note}</label>
            <textarea id="withdraw-note" name="note" maxlength={2000} rows={2}>
              {form.note}
            </textarea>
          </div>
          <button type="submit" class="secondary">
            {w.withdraw}
          </button>
        </form>
      ) : null}
      {pending && !can.decide && !can.withdraw && staff.role !== 'auditor' ? <p class="hint">{w.notAdmin}</p> : null}
    </ConsoleLayout>
  );
};
