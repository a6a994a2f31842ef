/**
 * What the vendor filed, on a service's console page: the renewal's Art. 10.7 self-declaration, the emergency
 * reports and their progress (Art. 14), and the investigations and improvement requests with the vendor's answers
 * and their PDFs (Arts. 15, 16). Confidential (Art. 20): the page's read is audited (staff-view.ts).
 */
import type { FC } from 'hono/jsx';
import { DateText, InstantText } from '../components';
import type { Lang } from '../i18n';
import { consoleHref } from './layout';
import type { ServiceDetail } from '../../console/operation-defs';

const FILINGS = {
  ja: {
    renewalTitle: '更新の申請（第12条第1項）',
    filedOn: '申請日',
    declaration: '認定マークの適正な使用の申告（第10条第7項）',
    declared: (yes: boolean) => (yes ? '申告あり' : '申告なし'),
    statement: '申告の内容',
    override: '受付期間外の受理の理由',
    emergencyTitle: '緊急事態の通知と経過報告（第14条）',
    kinds: { outage: '障害による停止', leak: '情報の漏洩', other: 'その他' } as Record<string, string>,
    reported: '通知',
    closed: '終結',
    open: '対応中',
    progress: '経過報告',
  },
  en: {
    renewalTitle: 'Renewal application (Art. 12.1)',
    filedOn: 'Filed on',
    declaration: 'Declaration of correct use of the mark (Art. 10.7)',
    declared: (yes: boolean) => (yes ? 'declared' : 'not declared'),
    statement: 'Statement',
    override: 'Reason for accepting it outside the window',
    emergencyTitle: 'Emergency notices and progress reports (Art. 14)',
    kinds: { outage: 'outage', leak: 'information leak', other: 'other' } as Record<string, string>,
    reported: 'notified',
    closed: 'closed',
    open: 'open',
    progress: 'Progress reports',
  },
};

/** The renewal application on file (Art. 12.1) with the vendor's Art. 10.7 self-declaration, read before deciding on it. */
export const RenewalFiling: FC<{ lang: Lang; s: ServiceDetail }> = ({ lang, s }) => {
  const f = FILINGS[lang];
  if (!s.renewal) return null;
  const { filedOn, selfDeclaration, overrideReason } = s.renewal;
  return (
    <section aria-labelledby="renewal-h">
      <h2 id="renewal-h">{f.renewalTitle}</h2>
      <dl class="facts">
        <div>
          <dt>{f.filedOn}</dt>
          <dd>
            <DateText date={filedOn} lang={lang} />
          </dd>
        </div>
        <div>
          <dt>{f.declaration}</dt>
          <dd>{f.declared(selfDeclaration.usedMarkCorrectly)}</dd>
        </div>
        {overrideReason ? (
          <div>
            <dt>{f.override}</dt>
            <dd>
              <bdi>{overrideReason}</bdi>
            </dd>
          </div>
        ) : null}
      </dl>
      {selfDeclaration.statement ? (
        <>
          <h3>{f.statement}</h3>
          <pre class="letter">{selfDeclaration.statement}</pre>
        </>
      ) : null}
    </section>
  );
};

/** Every emergency notified (Art. 14): what the vendor reported, and each progress report, newest last. */
export const EmergencySection: FC<{ lang: Lang; s: ServiceDetail }> = ({ lang, s }) => {
  const f = FILINGS[lang];
  const { emergencies } = s.oversight;
  if (emergencies.length === 0) return null;
  return (
    <section aria-labelledby="emergencies-h">
      <h2 id="emergencies-h">{f.emergencyTitle}</h2>
      <ul class="oversight">
        {emergencies.map((e) => (
          <li>
            <strong>{f.kinds[e.kind] ?? e.kind}</strong> <span class="mono">{e.id}</span> — {f.reported} <InstantText at={new Date(e.reportedAt)} lang={lang} />{' '}
            ·{' '}
            {e.closedAt ? (
              <>
                {f.closed} <InstantText at={new Date(e.closedAt)} lang={lang} />
              </>
            ) : (
              <strong>{f.open}</strong>
            )}
            <pre class="letter">{e.summary}</pre>
            {e.reports.length > 0 ? (
              <>
                <h3>{f.progress}</h3>
                <ol class="responses">
                  {e.reports.map((r) => (
                    <li>
                      <InstantText at={new Date(r.at)} lang={lang} />
                      <pre class="letter">{r.report}</pre>
                    </li>
                  ))}
                </ol>
              </>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
};

const OVERSIGHT = {
  ja: {
    title: '調査・改善要求（第15条・第16条）',
    investigation: '調査',
    improvement: '改善要求',
    due: '期限',
    overdue: '期限超過',
    awaiting: '回答受付済み・判断待ち',
    open: '回答待ち',
    answered: (ok: boolean) => `判断済み（${ok ? '十分' : '不十分'}）`,
    completed: '完了',
    by: '提出者',
    files: '添付書類',
    judge: '判断は「操作」から記録します（調査への回答の記録／改善の完了）。',
  },
  en: {
    title: 'Investigations and improvement requests (Arts. 15, 16)',
    investigation: 'Investigation',
    improvement: 'Improvement request',
    due: 'due',
    overdue: 'overdue',
    awaiting: 'answer received, awaiting your judgement',
    open: 'awaiting the vendor’s answer',
    answered: (ok: boolean) => `judged (${ok ? 'satisfactory' : 'not satisfactory'})`,
    completed: 'completed',
    by: 'by',
    files: 'Attachments',
    judge: 'Record the judgement with the operations above (investigation answer, improvement completed).',
  },
};

type Responses = ServiceDetail['oversight']['investigations'][number]['responses'];

/** The vendor's answers and their PDFs (Arts. 15.1, 16.1): confidential, each PDF read through the audited document route (Art. 20). */
const ResponseList: FC<{ lang: Lang; svc: string; responses: Responses }> = ({ lang, svc, responses }) => {
  const o = OVERSIGHT[lang];
  return responses.length === 0 ? null : (
    <ol class="responses">
      {responses.map((r) => (
        <li>
          <InstantText at={new Date(r.at)} lang={lang} /> · {o.by} <span class="mono">{r.actor}</span>
          <pre class="letter">{r.text}</pre>
          {r.documents.length > 0 ? (
            <p>
              {o.files}:{' '}
              {r.documents.map((d) => (
                <a class="file" href={consoleHref(`/staff/services/${svc}/documents/${d.sha256}`, lang)} download={d.name}>
                  <bdi>{d.name}</bdi>
                </a>
              ))}
            </p>
          ) : null}
        </li>
      ))}
    </ol>
  );
};

export const OversightSection: FC<{ lang: Lang; s: ServiceDetail }> = ({ lang, s }) => {
  const o = OVERSIGHT[lang];
  const { investigations, improvements } = s.oversight;
  if (investigations.length === 0 && improvements.length === 0) return null;
  const ref = encodeURIComponent(s.number ?? s.id);
  return (
    <section aria-labelledby="oversight-h">
      <h2 id="oversight-h">{o.title}</h2>
      <p class="hint">{o.judge}</p>
      <ul class="oversight">
        {investigations.map((i) => (
          <li>
            <strong>{o.investigation}</strong> <span class="mono">{i.id}</span>: <bdi>{i.subject}</bdi> — {o.due} <DateText date={i.dueOn} lang={lang} /> ·{' '}
            {i.answer ? o.answered(i.answer.satisfactory) : i.responses.length > 0 ? <strong>{o.awaiting}</strong> : o.open}
            {i.overdue ? <strong class="overdue"> ({o.overdue})</strong> : null}
            <ResponseList lang={lang} svc={ref} responses={i.responses} />
          </li>
        ))}
        {improvements.map((i) => (
          <li>
            <strong>{o.improvement}</strong> <span class="mono">{i.id}</span>: <bdi>{i.content}</bdi> — {o.due} <DateText date={i.dueOn} lang={lang} /> ·{' '}
            {i.completedAt ? o.completed : i.reports.length > 0 ? <strong>{o.awaiting}</strong> : o.open}
            {i.overdue ? <strong class="overdue"> ({o.overdue})</strong> : null}
            <ResponseList lang={lang} svc={ref} responses={i.reports} />
          </li>
        ))}
      </ul>
    </section>
  );
};
