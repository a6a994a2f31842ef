/**
 * The inquiry desk (Art. 18, issue 14): the inbox with its status filter (new, answered, closed), and one
 * inquiry with the answer recorded and the forms to record it and to close. What the inquirer wrote is shown as
 * text (escaped by hono/jsx), never as markup.
 */
import type { FC } from 'hono/jsx';
import type { InquiryForStaff, InquirySummary } from '../../publication/inquiries';
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

export const INQUIRY_STATUSES = ['new', 'answered', 'closed'] as const;

export const InquiriesPage: FC<Base & { items: InquirySummary[]; status: string; next: string | null }> = ({ lang, staff, csrf, items, status, next }) => {
  const w = backOfficeText(lang);
  return (
    <ConsoleLayout lang={lang} title={w.inquiriesTitle} path="/staff/inquiries" query={{ status }} staff={staff} csrf={csrf}>
      <h1>{w.inquiriesTitle}</h1>
      <form class="search" method="get" action="/staff/inquiries">
        {lang === 'en' ? <input type="hidden" name="lang" value="en" /> : null}
        <div class="field">
          <label for="status">{w.statusFilter}</label>
          <select id="status" name="status">
            <option value="" selected={status === ''}>
              {w.allStatuses}
            </option>
            {INQUIRY_STATUSES.map((s) => (
              <option value={s} selected={status === s}>
                {w.inquiryStatuses[s]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{w.filter}</button>
      </form>
      {items.length === 0 ? (
        <p>{w.none}</p>
      ) : (
        <DataTable caption={w.inquiriesTitle} head={[w.reference, w.receivedAt, w.status, w.service]}>
          {items.map((i) => (
            <tr>
              <td>
                <a href={consoleHref(`/staff/inquiries/${i.id}`, lang)} class="mono">
                  {i.reference}
                </a>
              </td>
              <td>
                <InstantText at={new Date(i.receivedAt)} lang={lang} />
              </td>
              <td>{w.inquiryStatuses[i.status] ?? i.status}</td>
              <td>{i.serviceNumber ?? '—'}</td>
            </tr>
          ))}
        </DataTable>
      )}
      {next ? (
        <nav class="pager" aria-label={w.inquiriesTitle}>
          <a href={next}>→</a>
        </nav>
      ) : null}
    </ConsoleLayout>
  );
};

export const InquiryPage: FC<
  Base & {
    q: InquiryForStaff & { answeredByName: string | null; closedByName: string | null };
    flash: Flash | null;
    canWrite: boolean;
    form: { answer: string; note: string };
  }
> = ({ lang, staff, csrf, q, flash, canWrite, form }) => {
  const w = backOfficeText(lang);
  const title = w.inquiryTitle(q.reference);
  const base = `/staff/inquiries/${q.id}`;
  return (
    <ConsoleLayout lang={lang} title={title} path={base} staff={staff} csrf={csrf}>
      <p class="eyebrow">
        <a href={consoleHref('/staff/inquiries', lang)}>{w.inquiriesTitle}</a>
      </p>
      <h1>{title}</h1>
      <FlashBox flash={flash} />
      <dl class="facts">
        <div>
          <dt>{w.status}</dt>
          <dd>{w.inquiryStatuses[q.status] ?? q.status}</dd>
        </div>
        <div>
          <dt>{w.receivedAt}</dt>
          <dd>
            <InstantText at={new Date(q.receivedAt)} lang={lang} />
          </dd>
        </div>
        <div>
          <dt>{w.from}</dt>
          <dd>
            <bdi>{q.name}</bdi>
            {q.organisation ? (
              <>
                {' '}
                (<bdi>{q.organisation}</bdi>)
              </>
            ) : null}
          </dd>
        </div>
        <div>
          <dt>{w.emailAddress}</dt>
          <dd class="mono">{q.email}</dd>
        </div>
        <div>
          <dt>{w.service}</dt>
          <dd>{q.serviceNumber ?? '—'}</dd>
        </div>
        <div>
          <dt>{w.inquirySubject}</dt>
          <dd>
            <bdi>{q.subject}</bdi>
          </dd>
        </div>
        <div>
          <dt>{w.body}</dt>
          <dd class="pre">{q.body}</dd>
        </div>
        {q.answer !== null ? (
          <div>
            <dt>{w.answer}</dt>
            <dd>
              <p class="pre" id="answer-text">
                {q.answer}
              </p>
              <p class="meta">
                {w.answeredBy}: <bdi>{q.answeredByName ?? q.answeredBy}</bdi>
                {q.answeredAt ? (
                  <>
                    {' · '}
                    <InstantText at={new Date(q.answeredAt)} lang={lang} />
                  </>
                ) : null}
              </p>
            </dd>
          </div>
        ) : null}
        {q.closedAt ? (
          <div>
            <dt>{w.closedBy}</dt>
            <dd>
              <bdi>{q.closedByName ?? q.closedBy}</bdi> · <InstantText at={new Date(q.closedAt)} lang={lang} />
              {q.closeNote ? <> · {q.closeNote}</> : null}
            </dd>
          </div>
        ) : null}
      </dl>
      {canWrite && q.status === 'new' ? (
        <form class="console-form" method="post" action={consoleHref(`${base}/answer`, lang)} aria-labelledby="answer-h">
          <h2 id="answer-h">{w.answerTitle}</h2>
          <p class="hint">{w.answerHint}</p>
          <CsrfField csrf={csrf} />
          <div class="field">
            <label for="answer">{w.answer}</label>
            <textarea id="answer" name="answer" required maxlength={20000} rows={8}>
              {form.answer}
            </textarea>
          </div>
          <button type="submit">{w.recordAnswer}</button>
        </form>
      ) : null}
      {canWrite && q.status !== 'closed' ? (
        <form class="console-form" method="post" action={consoleHref(`${base}/closing`, lang)} aria-labelledby="close-h">
          <h2 id="close-h">{w.closeTitle}</h2>
          {q.status === 'new' ? <p class="hint">{w.closeHint}</p> : null}
          <CsrfField csrf={csrf} />
          <div class="field">
            <label for="close-note">{w.closeNote}</label>
            <textarea id="close-note" name="note" maxlength={2000} rows={2} required={q.status === 'new'}>
              {form.note}
            </textarea>
          </div>
          <button type="submit" class="secondary">
            {w.close}
          </button>
        </form>
      ) : null}
    </ConsoleLayout>
  );
};
