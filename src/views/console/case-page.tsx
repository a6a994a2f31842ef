/**
 * The case queue and one misuse case (issue 14): the sighting image beside the official mark at the same size,
 * the page, the link and the token found, the findings with their evidence in words, the repeat and reopen
 * counts, and the history with each action linked to the events it caused. Vendor- and crawler-supplied text
 * (URLs, tokens, reasons) is escaped by hono/jsx.
 */
import type { FC } from 'hono/jsx';
import { evidenceWords, FINDING_ARTICLES, identifiedWords } from '../../console/evidence-words';
import type { ProposalOut } from '../../domain/lifecycle/revocation-proposals';
import type { Staff } from '../../http/env';
import { DateText, InstantText } from '../components';
import type { Lang } from '../i18n';
import { FlashBox, type Flash } from './auth-pages';
import { backOfficeText } from './back-office-text';
import { CaseActions, type CaseFormValues } from './case-actions';
import { ConsoleLayout, consoleHref } from './layout';
import { DataTable } from './screens';

interface Base {
  lang: Lang;
  staff: Staff;
  csrf: string;
}

export const CASE_FINDINGS = ['stale', 'revoked', 'wrong_site', 'no_link', 'recoloured', 'partial', 'distorted'] as const;
export const QUEUES = ['review', 'awaiting', 'all'] as const;

export interface CaseRowView {
  id: string;
  finding: string;
  serviceNumber: string | null;
  pageUrl: string;
  sightings: number;
  lastSeenAt: Date;
  awaiting: string | null;
}

const findingName = (lang: Lang, f: string) => backOfficeText(lang).findings[f] ?? f;

export const CaseQueuePage: FC<Base & { cases: CaseRowView[]; finding: string; queue: string }> = ({ lang, staff, csrf, cases, finding, queue }) => {
  const w = backOfficeText(lang);
  return (
    <ConsoleLayout lang={lang} title={w.casesTitle} path="/staff/cases" query={{ finding, queue }} staff={staff} csrf={csrf}>
      <h1>{w.casesTitle}</h1>
      <form class="search" method="get" action="/staff/cases">
        {lang === 'en' ? <input type="hidden" name="lang" value="en" /> : null}
        <div class="field">
          <label for="queue">{w.queueLabel}</label>
          <select id="queue" name="queue">
            {QUEUES.map((q) => (
              <option value={q} selected={queue === q}>
                {q === 'review' ? w.queueReview : q === 'awaiting' ? w.queueAwaiting : w.queueAll}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="finding">{w.findingLabel}</label>
          <select id="finding" name="finding">
            <option value="" selected={finding === ''}>
              {w.allFindings}
            </option>
            {CASE_FINDINGS.map((f) => (
              <option value={f} selected={finding === f}>
                {findingName(lang, f)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{w.filter}</button>
      </form>
      {cases.length === 0 ? (
        <p>{w.none}</p>
      ) : (
        <DataTable caption={w.casesTitle} head={[w.findingLabel, w.service, w.pageUrl, w.sightings, w.lastSeen, w.status]}>
          {cases.map((k) => (
            <tr>
              <td>
                <a href={consoleHref(`/staff/cases/${encodeURIComponent(k.id)}`, lang)}>
                  {findingName(lang, k.finding)} <span class="meta">({FINDING_ARTICLES[k.finding] ?? 'Art. 10'})</span>
                </a>
              </td>
              <td>{k.serviceNumber ? <span class="number">{k.serviceNumber}</span> : '—'}</td>
              <td class="mono">{k.pageUrl}</td>
              <td>{k.sightings}</td>
              <td>
                <InstantText at={k.lastSeenAt} lang={lang} />
              </td>
              <td>{k.awaiting ? (w.awaiting[k.awaiting] ?? k.awaiting) : w.queueReview}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </ConsoleLayout>
  );
};

export interface CaseHistoryView {
  id: string;
  at: Date;
  by: string;
  kind: string;
  proposalId: string | null;
  events: { id: number; type: string }[];
}

export interface CaseDetailView {
  id: string;
  finding: string;
  status: string;
  awaiting: string | null;
  dueOn: string | null;
  serviceId: string | null;
  serviceNumber: string | null;
  pageUrl: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  closeReason: string | null;
  repeatCount: number;
  reopenCount: number;
  latest: { seenAt: Date; linkHref: string | null; token: string | null; imageSha256: string | null; findings: string[]; evidence: unknown } | null;
  variant: 'colour' | 'mono';
  sightings: { id: string; seenAt: Date; findings: string[] }[];
  history: CaseHistoryView[];
  proposals: (ProposalOut & { proposedByName: string })[];
}

const Fact: FC<{ term: string; children?: unknown }> = ({ term, children }) => (
  <div>
    <dt>{term}</dt>
    <dd>{children as never}</dd>
  </div>
);

export const CasePage: FC<
  Base & { k: CaseDetailView; flash: Flash | null; can: { act: boolean; propose: boolean }; form: CaseFormValues; errorField: string | null }
> = ({ lang, staff, csrf, k, flash, can, form, errorField }) => {
  const w = backOfficeText(lang);
  const serviceHref = k.serviceNumber ? consoleHref(`/staff/services/${encodeURIComponent(k.serviceNumber)}`, lang) : null;
  const title = w.caseTitle(findingName(lang, k.finding));
  const latest = k.latest;
  const identified = latest ? identifiedWords(latest.evidence, lang) : null;
  const showActions = can.act && k.status === 'open' && k.awaiting !== 'revocation';
  return (
    <ConsoleLayout lang={lang} title={title} path={`/staff/cases/${encodeURIComponent(k.id)}`} staff={staff} csrf={csrf}>
      <p class="eyebrow">
        <a href={consoleHref('/staff/cases', lang)}>{w.casesTitle}</a>
      </p>
      <h1>{title}</h1>
      <FlashBox flash={flash} />
      <section aria-labelledby="facts-h">
        <h2 id="facts-h">{w.facts}</h2>
        <dl class="facts">
          <Fact term={w.status}>
            {w.caseStatuses[k.status] ?? k.status}
            {k.awaiting ? ` · ${w.awaiting[k.awaiting] ?? k.awaiting}` : ''}
            {k.closeReason ? <> · {k.closeReason}</> : null}
          </Fact>
          {k.dueOn ? (
            <Fact term={w.dueOn}>
              <DateText date={k.dueOn} lang={lang} />
            </Fact>
          ) : null}
          <Fact term={w.service}>{serviceHref ? <a href={serviceHref}>{k.serviceNumber}</a> : w.noService}</Fact>
          <Fact term={w.pageUrl}>
            <span class="mono">{k.pageUrl}</span>
          </Fact>
          <Fact term={w.linkFound}>
            <span class="mono">{latest?.linkHref ?? w.noLink}</span>
          </Fact>
          <Fact term={w.token}>
            <span class="mono">{latest?.token ?? w.noToken}</span>
          </Fact>
          <Fact term={w.repeatCount}>{k.repeatCount}</Fact>
          <Fact term={w.reopenCount}>{k.reopenCount}</Fact>
          <Fact term={w.firstSeen}>
            <InstantText at={k.firstSeenAt} lang={lang} />
          </Fact>
          <Fact term={w.lastSeen}>
            <InstantText at={k.lastSeenAt} lang={lang} />
          </Fact>
        </dl>
      </section>
      <section aria-labelledby="images-h">
        <h2 id="images-h">{w.images}</h2>
        <div class="compare">
          <figure>
            {latest?.imageSha256 ? (
              <img src={`/staff/sighting-images/${latest.imageSha256}`} alt={w.sightingImageAlt(k.pageUrl)} width={192} height={192} />
            ) : (
              <p class="no-image">{w.noImage}</p>
            )}
            <figcaption>{w.sightingImage}</figcaption>
          </figure>
          <figure>
            <img src={`/staff/official-mark.svg?variant=${k.variant}`} alt={w.officialAlt} width={192} height={192} />
            <figcaption>{w.officialMark}</figcaption>
          </figure>
        </div>
      </section>
      <section aria-labelledby="evidence-h">
        <h2 id="evidence-h">{w.evidence}</h2>
        <ul class="evidence">
          {latest
            ? evidenceWords(latest.findings, latest.evidence, lang).map((s) => (
                <li>
                  <strong>{findingName(lang, s.finding)}</strong> ({s.article}): {s.text}
                </li>
              ))
            : null}
        </ul>
        {identified ? (
          <p>
            {w.identified}: {identified}
          </p>
        ) : null}
      </section>
      <section aria-labelledby="history-h">
        <h2 id="history-h">{w.history}</h2>
        {k.history.length === 0 ? <p>{w.noHistory}</p> : null}
        <ol class="timeline">
          {k.history.map((h) => (
            <li>
              <InstantText at={h.at} lang={lang} />
              <span class="entry">{w.historyKinds[h.kind] ?? h.kind}</span>{' '}
              <span class="entry-detail">
                {w.by}: <bdi>{h.by}</bdi>
              </span>
              {h.proposalId ? (
                <>
                  {' · '}
                  <a href={consoleHref(`/staff/revocations/${encodeURIComponent(h.proposalId)}`, lang)}>{w.proposals}</a>
                </>
              ) : null}
              {h.events.length ? (
                <p class="meta">
                  {w.events}:{' '}
                  {h.events.map((e, i) => (
                    <>
                      {i ? ', ' : ''}
                      {serviceHref ? (
                        <a href={`${serviceHref}#timeline-h`} class="mono">
                          {w.eventLink(e.id)} {e.type}
                        </a>
                      ) : (
                        <span class="mono">
                          {w.eventLink(e.id)} {e.type}
                        </span>
                      )}
                    </>
                  ))}
                </p>
              ) : null}
            </li>
          ))}
        </ol>
      </section>
      {k.proposals.length ? (
        <section aria-labelledby="proposals-h">
          <h2 id="proposals-h">{w.proposals}</h2>
          <ul>
            {k.proposals.map((p) => (
              <li>
                <a href={consoleHref(`/staff/revocations/${encodeURIComponent(p.id)}`, lang)}>
                  {p.article} · {w.proposalStatuses[p.status] ?? p.status}
                </a>{' '}
                · {w.proposedBy}: <bdi>{p.proposedByName}</bdi>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="sightings-h">
        <h2 id="sightings-h">{w.sightings}</h2>
        <DataTable caption={w.sightings} head={[w.seenAt, w.findingLabel]}>
          {k.sightings.map((s) => (
            <tr>
              <td>
                <InstantText at={s.seenAt} lang={lang} />
              </td>
              <td>{s.findings.map((f) => findingName(lang, f)).join(', ')}</td>
            </tr>
          ))}
        </DataTable>
      </section>
      {k.status !== 'open' ? <p class="hint">{w.closedNote}</p> : null}
      {k.status === 'open' && k.awaiting === 'revocation' ? <p class="hint">{w.awaitingRevocation}</p> : null}
      {showActions ? (
        <CaseActions lang={lang} csrf={csrf} caseId={k.id} hasService={k.serviceId !== null} canPropose={can.propose} form={form} errorField={errorField} />
      ) : null}
    </ConsoleLayout>
  );
};
