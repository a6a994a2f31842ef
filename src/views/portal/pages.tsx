/** The portal's screens: the vendor's services, one service, one notice, the vendor's users. Vendor text is escaped by hono/jsx. */
import type { FC } from 'hono/jsx';
import type { VendorServiceView, VendorNotice, RenewalView } from '../../portal/services';
import type { VendorUser } from '../../portal/sessions';
import type { VendorUserView } from '../../portal/users';
import type { CalendarDate } from '../../domain/calendar';
import { DateText, InstantText } from '../components';
import type { Lang } from '../i18n';
import { FlashBox, type Flash } from '../console/auth-pages';
import { backOfficeText } from '../console/back-office-text';
import { DataTable } from '../console/screens';
import { consoleText } from '../console/text';
import { RequestsList } from './answer-pages';
import { applicationHref, applicationText } from './application-pages';
import { FilingsSection } from './filing-pages';
import { SitesLinkSection } from './site-pages';
import { portalCaseHref } from './case-pages';
import { CsrfField, PortalLayout, portalHref } from './layout';
import { portalText } from './text';

interface Base {
  lang: Lang;
  user: VendorUser;
  csrf: string;
}

export interface ServiceLine {
  id: string;
  number: string | null;
  nameJa: string;
  status: string | null;
  validThrough: CalendarDate | null;
  renewal: RenewalView | null;
}

const RenewalText: FC<{ lang: Lang; r: RenewalView | null }> = ({ lang, r }) => {
  const t = portalText(lang);
  if (!r) return <>{t.noRenewal}</>;
  const state = r.open ? t.renewalOpen(r.daysLeft ?? 0) : r.daysToOpen !== null ? t.renewalBefore(r.daysToOpen) : t.renewalClosed;
  return (
    <>
      <DateText date={r.opensOn} lang={lang} />〜<DateText date={r.closesOn} lang={lang} />（{state}）
    </>
  );
};

const serviceHref = (lang: Lang, s: { id: string; number: string | null }) => portalHref(`/vendor/services/${encodeURIComponent(s.number ?? s.id)}`, lang);

export const PortalHomePage: FC<Base & { services: ServiceLine[] }> = ({ lang, user, csrf, services }) => {
  const t = portalText(lang);
  const c = consoleText(lang);
  return (
    <PortalLayout lang={lang} title={t.servicesTitle} path="/vendor/" user={user} csrf={csrf}>
      <h1>{t.servicesTitle}</h1>
      {user.role === 'admin' ? (
        <p>
          <a href={applicationHref(lang)}>{applicationText(lang).link}</a>
        </p>
      ) : null}
      {services.length === 0 ? (
        <p>{t.noServices}</p>
      ) : (
        <DataTable caption={t.servicesTitle} head={[t.number, t.name, t.status, t.validThrough, t.renewal]}>
          {services.map((s) => (
            <tr>
              <td class="mono">{s.number ?? '—'}</td>
              <td>
                <a href={serviceHref(lang, s)}>
                  <bdi>{s.nameJa}</bdi>
                </a>
              </td>
              <td>{c.statuses[s.status ?? ''] ?? s.status}</td>
              <td>{s.validThrough ? <DateText date={s.validThrough} lang={lang} /> : '—'}</td>
              <td>
                <RenewalText lang={lang} r={s.renewal} />
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <p>
        <a href={portalHref('/vendor/account', lang)}>{t.accountLink}</a>
      </p>
    </PortalLayout>
  );
};

const Notices: FC<{ lang: Lang; notices: VendorNotice[] }> = ({ lang, notices }) => {
  const t = portalText(lang);
  if (notices.length === 0) return <p>{t.noNotices}</p>;
  return (
    <DataTable caption={t.noticesTitle} head={[t.sentAt, t.subject, t.files]}>
      {notices.map((n) => (
        <tr>
          <td>{n.sentAt ? <InstantText at={n.sentAt} lang={lang} /> : t.notYetSent}</td>
          <td>
            <a href={portalHref(`/vendor/notices/${n.id}`, lang)}>
              <bdi>{n.subject}</bdi>
            </a>
          </td>
          <td>
            {n.attachments.map((a) => (
              <a class="file" href={portalHref(`/vendor/notices/${n.id}/files/${a.sha256}`, lang)} download={a.name}>
                {a.name}
              </a>
            ))}
          </td>
        </tr>
      ))}
    </DataTable>
  );
};

export const PortalServicePage: FC<Base & { s: VendorServiceView }> = ({ lang, user, csrf, s }) => {
  const t = portalText(lang);
  const c = consoleText(lang);
  const b = backOfficeText(lang);
  const requests = [
    ...s.investigations.map((i) => ({ kind: t.investigation, text: i.subject, dueOn: i.dueOn, overdue: i.overdue })),
    ...s.improvements.map((i) => ({ kind: t.improvement, text: i.content, dueOn: i.dueOn, overdue: i.overdue })),
  ];
  return (
    <PortalLayout lang={lang} title={s.nameJa} path={`/vendor/services/${s.number ?? s.id}`} user={user} csrf={csrf}>
      <h1>
        <bdi>{s.nameJa}</bdi>
      </h1>
      <dl class="facts">
        <dt>{t.number}</dt>
        <dd class="mono">{s.number ?? '—'}</dd>
        <dt>{t.status}</dt>
        <dd>{c.statuses[s.status ?? ''] ?? s.status}</dd>
        <dt>{t.certifiedOn}</dt>
        <dd>{s.certifiedOn ? <DateText date={s.certifiedOn} lang={lang} /> : '—'}</dd>
        <dt>{t.validThrough}</dt>
        <dd>{s.validThrough ? <DateText date={s.validThrough} lang={lang} /> : '—'}</dd>
        <dt>{t.renewal}</dt>
        <dd>
          <RenewalText lang={lang} r={s.renewal} />
        </dd>
      </dl>
      <section aria-labelledby="requests-h">
        <h2 id="requests-h">{t.requestsTitle}</h2>
        {requests.length === 0 ? <p>{t.noRequests}</p> : null}
        {/* each open request with its answer link (Arts. 15.1, 16.1), and those judged: ./answer-pages.tsx */}
        <RequestsList lang={lang} s={s} labels={t} />
      </section>
      <FilingsSection lang={lang} s={s} />
      <SitesLinkSection lang={lang} s={s} />
      <section aria-labelledby="notices-h">
        <h2 id="notices-h">{t.noticesTitle}</h2>
        <Notices lang={lang} notices={s.notices} />
      </section>
      <section aria-labelledby="cases-h">
        <h2 id="cases-h">{t.casesTitle}</h2>
        {s.cases.length === 0 ? (
          <p>{t.noCases}</p>
        ) : (
          <DataTable caption={t.casesTitle} head={[t.finding, t.page, t.sightings, t.lastSeen, t.caseStatus]}>
            {s.cases.map((k) => (
              <tr>
                <td>
                  <a href={portalCaseHref(lang, s.number ?? s.id, k.id)}>{b.findings[k.finding] ?? k.finding}</a>
                </td>
                <td class="mono">
                  <bdi>{k.pageUrl}</bdi>
                </td>
                <td>{k.sightings}</td>
                <td>
                  <InstantText at={k.lastSeenAt} lang={lang} />
                </td>
                <td>{b.caseStatuses[k.status] ?? k.status}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </PortalLayout>
  );
};

export const PortalNoticePage: FC<
  Base & { n: { id: string; subject: string; body: string; sentAt: Date | null; attachments: VendorNotice['attachments'] } }
> = ({ lang, user, csrf, n }) => {
  const t = portalText(lang);
  return (
    <PortalLayout lang={lang} title={n.subject} path={`/vendor/notices/${n.id}`} user={user} csrf={csrf}>
      <h1>
        <bdi>{n.subject}</bdi>
      </h1>
      <p>
        {t.sentAt}: {n.sentAt ? <InstantText at={n.sentAt} lang={lang} /> : t.notYetSent}
      </p>
      <pre class="letter">{n.body}</pre>
      {n.attachments.length > 0 ? (
        <ul>
          {n.attachments.map((a) => (
            <li>
              <a href={portalHref(`/vendor/notices/${n.id}/files/${a.sha256}`, lang)} download={a.name}>
                {a.name}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </PortalLayout>
  );
};

export const PortalUsersPage: FC<Base & { users: VendorUserView[]; flash: Flash | null; form: { email: string; name: string; role: string } }> = (p) => {
  const { lang } = p;
  const t = portalText(lang);
  return (
    <PortalLayout lang={lang} title={t.usersTitle} path="/vendor/users" user={p.user} csrf={p.csrf}>
      <h1>{t.usersTitle}</h1>
      <FlashBox flash={p.flash} />
      <DataTable caption={t.usersTitle} head={[t.nameField, t.email, t.role, t.disabledAt, '']}>
        {p.users.map((u) => (
          <tr>
            <td>
              <bdi>{u.name}</bdi>
            </td>
            <td class="mono">{u.email}</td>
            <td>{t.roles[u.role]}</td>
            <td>{u.disabledAt ? <InstantText at={u.disabledAt} lang={lang} /> : '—'}</td>
            <td>
              {u.disabledAt || u.id === p.user.id ? null : (
                <form class="inline" method="post" action={portalHref(`/vendor/users/${u.id}/disable`, lang)}>
                  <CsrfField csrf={p.csrf} />
                  <button type="submit" class="secondary" aria-label={`${t.disable}: ${u.email}`}>
                    {t.disable}
                  </button>
                </form>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
      <section aria-labelledby="invite-h">
        <h2 id="invite-h">{t.invite}</h2>
        <p class="hint">{t.usersHint}</p>
        <form class="console-form" method="post" action={portalHref('/vendor/users', lang)}>
          <CsrfField csrf={p.csrf} />
          <div class="field">
            <label for="user-email">{t.email}</label>
            <input id="user-email" name="email" type="email" required maxlength={254} value={p.form.email} />
          </div>
          <div class="field">
            <label for="user-name">{t.nameField}</label>
            <input id="user-name" name="name" type="text" required maxlength={200} value={p.form.name} />
          </div>
          <div class="field">
            <label for="user-role">{t.role}</label>
            <select id="user-role" name="role">
              {(['member', 'admin'] as const).map((r) => (
                <option value={r} selected={p.form.role === r}>
                  {t.roles[r]}
                </option>
              ))}
            </select>
          </div>
          <button type="submit">{t.invite}</button>
        </form>
      </section>
    </PortalLayout>
  );
};
