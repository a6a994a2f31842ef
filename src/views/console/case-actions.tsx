/**
 * The actions on an open misuse case, as forms (issue 14): dismiss with a reason, request an investigation
 * (Art. 15), request an improvement (Art. 16), propose a revocation (Art. 17.1(3)). Rendered only for the roles
 * that may take them (never for an auditor); every form is a POST with the session's CSRF token.
 */
import type { FC } from 'hono/jsx';
import type { Lang } from '../i18n';
import { backOfficeText } from './back-office-text';
import { CsrfField, consoleHref } from './layout';

export interface CaseFormValues {
  reason: string;
  subject: string;
  content: string;
  dueOn: string;
  publish: boolean;
  proposalReason: string;
  letter: string;
  sentBy: string;
}

export const DELIVERIES = ['post', 'email', 'hand', 'not_sent'] as const;

export const CaseActions: FC<{
  lang: Lang;
  csrf: string;
  caseId: string;
  hasService: boolean;
  canPropose: boolean;
  form: CaseFormValues;
  /** The field the last error named, to point at it. */
  errorField: string | null;
}> = ({ lang, csrf, caseId, hasService, canPropose, form, errorField }) => {
  const w = backOfficeText(lang);
  const base = `/staff/cases/${encodeURIComponent(caseId)}`;
  const invalid = (field: string) => (errorField === field ? 'true' : undefined);
  return (
    <section aria-labelledby="actions-h">
      <h2 id="actions-h">{w.actions}</h2>
      {hasService ? null : <p class="hint">{w.noServiceActions}</p>}
      <form class="console-form" method="post" action={consoleHref(`${base}/dismissal`, lang)} aria-labelledby="dismiss-h">
        <h3 id="dismiss-h">{w.dismissTitle}</h3>
        <p class="hint">{w.dismissHint}</p>
        <CsrfField csrf={csrf} />
        <div class="field">
          <label for="dismiss-reason">{w.reason}</label>
          <textarea id="dismiss-reason" name="reason" required maxlength={2000} rows={3} aria-invalid={invalid('reason')}>
            {form.reason}
          </textarea>
        </div>
        <button type="submit" class="secondary">
          {w.dismiss}
        </button>
      </form>
      {hasService ? (
        <>
          <form class="console-form" method="post" action={consoleHref(`${base}/actions`, lang)} aria-labelledby="investigation-h">
            <h3 id="investigation-h">{w.investigationTitle}</h3>
            <CsrfField csrf={csrf} />
            <input type="hidden" name="kind" value="investigation" />
            <div class="field">
              <label for="investigation-subject">{w.subject}</label>
              <textarea id="investigation-subject" name="subject" required maxlength={5000} rows={3} aria-invalid={invalid('subject')}>
                {form.subject}
              </textarea>
            </div>
            <div class="field">
              <label for="investigation-due">{w.dueOn}</label>
              <input id="investigation-due" name="dueOn" type="date" required value={form.dueOn} aria-invalid={invalid('dueOn')} />
            </div>
            <button type="submit">{w.requestInvestigation}</button>
          </form>
          <form class="console-form" method="post" action={consoleHref(`${base}/actions`, lang)} aria-labelledby="improvement-h">
            <h3 id="improvement-h">{w.improvementTitle}</h3>
            <CsrfField csrf={csrf} />
            <input type="hidden" name="kind" value="improvement" />
            <div class="field">
              <label for="improvement-content">{w.content}</label>
              <textarea id="improvement-content" name="content" required maxlength={5000} rows={3} aria-invalid={invalid('content')}>
                {form.content}
              </textarea>
            </div>
            <div class="field">
              <label for="improvement-due">{w.dueOn}</label>
              <input id="improvement-due" name="dueOn" type="date" required value={form.dueOn} aria-invalid={invalid('dueOn')} />
            </div>
            <div class="check">
              <input id="improvement-publish" name="publish" type="checkbox" value="1" checked={form.publish} />
              <label for="improvement-publish">{w.publish}</label>
            </div>
            <button type="submit">{w.requestImprovement}</button>
          </form>
          {canPropose ? (
            <form class="console-form" method="post" action={consoleHref(`${base}/actions`, lang)} aria-labelledby="proposal-h">
              <h3 id="proposal-h">{w.proposalTitle}</h3>
              <p class="hint">{w.proposalHint}</p>
              <CsrfField csrf={csrf} />
              <input type="hidden" name="kind" value="revocation_proposal" />
              <p>
                <strong>{w.ground}:</strong> {w.groundCase}
              </p>
              <div class="field">
                <label for="proposal-reason">{w.reason}</label>
                <textarea id="proposal-reason" name="reason" required maxlength={5000} rows={3} aria-invalid={invalid('reason')}>
                  {form.proposalReason}
                </textarea>
              </div>
              <div class="field">
                <label for="proposal-letter">{w.letter}</label>
                <p class="hint" id="proposal-letter-hint">
                  {w.letterHint}
                </p>
                <textarea id="proposal-letter" name="notice" maxlength={5000} rows={6} aria-describedby="proposal-letter-hint" aria-invalid={invalid('notice')}>
                  {form.letter}
                </textarea>
              </div>
              <div class="field">
                <label for="proposal-sent-by">{w.sentBy}</label>
                <select id="proposal-sent-by" name="noticeSentBy" aria-invalid={invalid('noticeSentBy')}>
                  {DELIVERIES.map((d) => (
                    <option value={d} selected={form.sentBy === d}>
                      {w.deliveries[d]}
                    </option>
                  ))}
                </select>
              </div>
              <button type="submit" class="danger">
                {w.propose}
              </button>
            </form>
          ) : null}
        </>
      ) : null}
    </section>
  );
};
