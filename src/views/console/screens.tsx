/** The console's read-only screens: dashboard, services, a service, the audit log. Vendor text is escaped by hono/jsx. */
import type { Child, FC } from 'hono/jsx';
import type { Dashboard } from '../../console/dashboard';
import type { StaffServiceSummary } from '../../domain/lifecycle/staff-view';
import type { Staff } from '../../http/env';
import { DateText, InstantText } from '../components';
import type { Lang } from '../i18n';
import { backOfficeText } from './back-office-text';
import { ConsoleLayout, consoleHref } from './layout';
import { NewApplicationLink } from './operation-forms';
import { consoleText } from './text';
import { vendorRequestText } from './vendor-requests-text';

interface Base {
  lang: Lang;
  staff: Staff;
  csrf: string;
}

/** A table that scrolls inside itself at 320 px; focusable so a keyboard can scroll it (WCAG 2.1.1). */
export const DataTable: FC<{ caption: string; head: string[]; children?: Child }> = ({ caption, head, children }) => (
  <div class="table-wrap" role="region" aria-label={caption} tabindex={0}>
    <table class="data">
      <caption class="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          {head.map((h) => (
            <th scope="col">{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  </div>
);

export const ServiceLink: FC<{ lang: Lang; id: string; number: string | null; name: string }> = ({ lang, id, number, name }) => (
  <a href={consoleHref(`/staff/services/${encodeURIComponent(number ?? id)}`, lang)}>
    {number ? <span class="number">{number}</span> : null} <bdi>{name}</bdi>
  </a>
);

const Tile: FC<{ id: string; title: string; count: number | null; lang: Lang; children?: Child }> = ({ id, title, count, lang, children }) => {
  const t = consoleText(lang);
  if (count === null) return null;
  return (
    <li>
      <section aria-labelledby={`${id}-h`}>
        <h2 id={`${id}-h`}>{title}</h2>
        <p class={count === 0 ? 'tile-count tile-count-zero' : 'tile-count'}>{count === 0 ? t.none : t.count(count)}</p>
        {count > 0 ? children : null}
      </section>
    </li>
  );
};

const Services: FC<{ lang: Lang; list: { id: string; number: string | null; nameJa: string; note?: Child }[] }> = ({ lang, list }) => (
  <ul>
    {list.slice(0, 10).map((s) => (
      <li>
        <ServiceLink lang={lang} id={s.id} number={s.number} name={s.nameJa} />
        {s.note ? <> · {s.note}</> : null}
      </li>
    ))}
  </ul>
);

export const DashboardPage: FC<Base & { d: Dashboard }> = ({ lang, staff, csrf, d }) => {
  const t = consoleText(lang);
  const len = <T,>(x: T[] | null) => (x === null ? null : x.length);
  return (
    <ConsoleLayout lang={lang} title={t.dashboardTitle} path="/staff/" staff={staff} csrf={csrf}>
      <h1>{t.dashboardTitle}</h1>
      <p class="eyebrow">
        {t.dashboardIntro} · <DateText date={d.today} lang={lang} />
      </p>
      {staff.role === 'auditor' ? <p class="hint">{t.readOnly}</p> : null}
      <ul class="tiles">
        <Tile id="applied" title={t.newApplications} count={d.newApplications.length} lang={lang}>
          <Services lang={lang} list={d.newApplications} />
        </Tile>
        <Tile id="window" title={t.renewalsInWindow} count={d.renewalsInWindow.length} lang={lang}>
          <Services
            lang={lang}
            list={d.renewalsInWindow.map((s) => ({ ...s, note: s.validThrough ? <DateText date={s.validThrough} lang={lang} /> : null }))}
          />
        </Tile>
        <Tile id="overdue" title={t.renewalsOverdue} count={d.renewalsOverdue.length} lang={lang}>
          <Services lang={lang} list={d.renewalsOverdue.map((s) => ({ ...s, note: t.statuses[s.status ?? 'registered'] }))} />
        </Tile>
        <Tile id="investigations" title={t.investigationsOverdue} count={len(d.investigationsOverdue)} lang={lang}>
          <Services lang={lang} list={(d.investigationsOverdue ?? []).map((s) => ({ ...s, note: <DateText date={s.dueOn} lang={lang} /> }))} />
        </Tile>
        <Tile id="improvements" title={t.improvementsOverdue} count={len(d.improvementsOverdue)} lang={lang}>
          <Services lang={lang} list={(d.improvementsOverdue ?? []).map((s) => ({ ...s, note: <DateText date={s.dueOn} lang={lang} /> }))} />
        </Tile>
        <Tile id="cases" title={t.openCases} count={d.openCases === null ? null : d.openCases.reduce((n, c) => n + c.count, 0)} lang={lang}>
          <ul>
            {(d.openCases ?? []).map((c) => (
              <li>
                <a href={consoleHref('/staff/cases', lang, { finding: c.finding })}>
                  {backOfficeText(lang).findings[c.finding] ?? c.finding}: {t.count(c.count)}
                </a>
              </li>
            ))}
          </ul>
        </Tile>
        <Tile id="revocations" title={backOfficeText(lang).revocationsAwaitingTile} count={len(d.revocationsAwaiting)} lang={lang}>
          <ul>
            {(d.revocationsAwaiting ?? []).slice(0, 10).map((p) => (
              <li>
                <a href={consoleHref(`/staff/revocations/${encodeURIComponent(p.proposalId)}`, lang)}>
                  {p.number ? <span class="number">{p.number}</span> : null} <bdi>{p.nameJa}</bdi>
                </a>
              </li>
            ))}
          </ul>
        </Tile>
        <Tile id="inquiries" title={t.newInquiries} count={len(d.newInquiries)} lang={lang}>
          <ul>
            {(d.newInquiries ?? []).slice(0, 10).map((i) => (
              <li>
                <a href={consoleHref(`/staff/inquiries/${i.id}`, lang)} class="mono">
                  {i.reference}
                </a>{' '}
                · <InstantText at={new Date(i.receivedAt)} lang={lang} />
              </li>
            ))}
          </ul>
        </Tile>
        <Tile id="vendor-requests" title={vendorRequestText(lang).title} count={d.vendorRequests.length} lang={lang}>
          <ul>
            {d.vendorRequests.slice(0, 10).map((r) => (
              <li>
                <a href={consoleHref(`/staff/vendor-requests/${encodeURIComponent(r.id)}`, lang)}>
                  {r.serviceNumber ? <span class="number">{r.serviceNumber}</span> : null} <bdi>{r.serviceName}</bdi>
                </a>
              </li>
            ))}
          </ul>
        </Tile>
        <Tile id="emergencies" title={t.emergencies} count={d.emergencies.length} lang={lang}>
          <Services lang={lang} list={d.emergencies.map((e) => ({ ...e, note: <InstantText at={e.reportedAt} lang={lang} /> }))} />
        </Tile>
        <Tile id="dead" title={t.deadLetters} count={len(d.deadLetters)} lang={lang}>
          <ul>
            {(d.deadLetters ?? []).slice(0, 10).map((n) => (
              <li>
                <span class="mono">{n.kind}</span> · <InstantText at={new Date(n.createdAt)} lang={lang} />
              </li>
            ))}
          </ul>
        </Tile>
      </ul>
    </ConsoleLayout>
  );
};

export const STATUS_FILTERS = ['applied', 'certified', 'renewal_pending', 'expired', 'revoked', 'terminated', 'lapsed', 'refused'] as const;

export const ServicesPage: FC<Base & { list: StaffServiceSummary[]; q: string; status: string }> = ({ lang, staff, csrf, list, q, status }) => {
  const t = consoleText(lang);
  return (
    <ConsoleLayout lang={lang} title={t.servicesTitle} path="/staff/services" query={{ q, status }} staff={staff} csrf={csrf}>
      <h1>{t.servicesTitle}</h1>
      <NewApplicationLink lang={lang} staff={staff} />
      <form class="search" method="get" action="/staff/services" role="search">
        {lang === 'en' ? <input type="hidden" name="lang" value="en" /> : null}
        <div class="field">
          <label for="q">{t.searchLabel}</label>
          <input id="q" name="q" type="search" value={q} maxlength={200} />
        </div>
        <div class="field">
          <label for="status">{t.statusFilter}</label>
          <select id="status" name="status">
            <option value="" selected={status === ''}>
              {t.allStatuses}
            </option>
            {STATUS_FILTERS.map((s) => (
              <option value={s} selected={status === s}>
                {t.statuses[s]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{t.filter}</button>
      </form>
      {list.length === 0 ? (
        <p>{t.noServices}</p>
      ) : (
        <DataTable caption={t.servicesTitle} head={[t.number, t.name, t.vendor, t.status, t.validThrough]}>
          {list.map((s) => (
            <tr>
              <td>
                <a href={consoleHref(`/staff/services/${encodeURIComponent(s.number ?? s.id)}`, lang)}>
                  <span class="number">{s.number ?? s.id}</span>
                </a>
              </td>
              <td>
                <bdi>{lang === 'en' && s.nameEn ? s.nameEn : s.nameJa}</bdi>
              </td>
              <td>
                <bdi>{s.vendorNameJa}</bdi>
              </td>
              <td>{t.statuses[s.status ?? 'registered']}</td>
              <td>{s.validThrough ? <DateText date={s.validThrough} lang={lang} /> : '—'}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </ConsoleLayout>
  );
};

export interface AuditRow {
  id: number;
  at: string;
  who: string;
  action: string;
  subject: string;
}

export const AuditLogPage: FC<
  Base & { entries: AuditRow[]; next: string | null; signIns: { at: Date; email: string; kind: string; method: string | null }[] }
> = ({ lang, staff, csrf, entries, next, signIns }) => {
  const t = consoleText(lang);
  return (
    <ConsoleLayout lang={lang} title={t.auditTitle} path="/staff/audit-log" staff={staff} csrf={csrf}>
      <h1>{t.auditTitle}</h1>
      <p>{t.auditIntro}</p>
      <DataTable caption={t.auditTitle} head={[t.at, t.who, t.action, t.subject]}>
        {entries.map((e) => (
          <tr>
            <td>
              <InstantText at={new Date(e.at)} lang={lang} />
            </td>
            <td>
              <bdi>{e.who}</bdi>
            </td>
            <td>{e.action}</td>
            <td class="mono">{e.subject}</td>
          </tr>
        ))}
      </DataTable>
      {next ? (
        <nav class="pager" aria-label={t.older}>
          <a href={next}>{t.older}</a>
        </nav>
      ) : null}
      <h2>{t.signInsTitle}</h2>
      <DataTable caption={t.signInsTitle} head={[t.at, t.email, t.kind, t.action]}>
        {signIns.map((s) => (
          <tr>
            <td>
              <InstantText at={s.at} lang={lang} />
            </td>
            <td class="mono">{s.email}</td>
            <td>{s.kind}</td>
            <td>{s.method ?? '—'}</td>
          </tr>
        ))}
      </DataTable>
    </ConsoleLayout>
  );
};
