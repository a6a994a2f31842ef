/** A service's console page: status, dates, timeline, disclosure versions with withheld flags, tokens, origins, notices, cases. */
import type { FC } from 'hono/jsx';
import type { OriginIntegration } from '../../console/integration';
import type { Staff } from '../../http/env';
import type { NoticeView } from '../../notices/staff';
import type { EmbedTokenView } from '../../tokens/issue';
import { DateText, InstantText } from '../components';
import type { Lang } from '../i18n';
import { ConsoleLayout, consoleHref } from './layout';
import { OperationLinks } from './operation-forms';
import { DataTable } from './screens';
import { IntegrationSection } from './integration-section';
import { EmergencySection, OversightSection, RenewalFiling } from './service-filings';
import type { ServiceDetail } from '../../console/operation-defs';
import { consoleText } from './text';

export type { ServiceDetail };

export interface CaseLine {
  id: string;
  finding: string;
  status: string;
  pageUrl: string;
  sightings: number;
  lastSeenAt: Date;
}

const Facts: FC<{ rows: [string, unknown][] }> = ({ rows }) => (
  <dl class="facts">
    {rows.map(([k, v]) => (
      <div>
        <dt>{k}</dt>
        <dd>{v ?? '—'}</dd>
      </div>
    ))}
  </dl>
);

export const ServicePage: FC<{
  lang: Lang;
  staff: Staff;
  csrf: string;
  s: ServiceDetail;
  tokens: EmbedTokenView[];
  notices: NoticeView[] | null;
  cases: CaseLine[] | null;
  integration?: OriginIntegration[] | null;
}> = ({ lang, staff, csrf, s, tokens, notices, cases, integration }) => {
  const t = consoleText(lang);
  const name = lang === 'en' && s.nameEn ? s.nameEn : s.nameJa;
  const path = `/staff/services/${encodeURIComponent(s.number ?? s.id)}`;
  return (
    <ConsoleLayout lang={lang} title={`${s.number ?? ''} ${name}`} path={path} staff={staff} csrf={csrf}>
      <p class="eyebrow">
        <span class="number">{s.number ?? s.id}</span>
      </p>
      <h1>
        <bdi>{name}</bdi>
      </h1>
      <section aria-labelledby="facts-h">
        <h2 id="facts-h">{t.serviceFacts}</h2>
        <Facts
          rows={[
            [t.status, t.statuses[s.status ?? 'registered']],
            [t.vendor, <bdi>{s.vendor.nameJa}</bdi>],
            [t.certifiedOn, s.certifiedOn ? <DateText date={s.certifiedOn} lang={lang} /> : null],
            [t.validThrough, s.validThrough ? <DateText date={s.validThrough} lang={lang} /> : null],
            [t.inForceThrough, s.inForceThrough ? <DateText date={s.inForceThrough} lang={lang} /> : null],
            [
              t.renewalWindow,
              s.renewalWindow ? (
                <>
                  <DateText date={s.renewalWindow.opensOn} lang={lang} /> – <DateText date={s.renewalWindow.closesOn} lang={lang} />
                </>
              ) : null,
            ],
            [
              t.extension,
              s.extension ? (
                <>
                  <DateText date={s.extension.until} lang={lang} /> · <bdi>{s.extension.reason}</bdi>
                </>
              ) : null,
            ],
          ]}
        />
      </section>

      <OperationLinks lang={lang} staff={staff} s={s} />

      <RenewalFiling lang={lang} s={s} />
      <EmergencySection lang={lang} s={s} />
      <OversightSection lang={lang} s={s} />

      <section aria-labelledby="disclosure-h">
        <h2 id="disclosure-h">{t.disclosure}</h2>
        {[...s.versions].reverse().map((v) => (
          <details open={v.version === s.disclosure.version}>
            <summary>
              {t.version(v.version)} · <InstantText at={new Date(v.at)} lang={lang} />
              {v.note ? (
                <>
                  {' '}
                  · <bdi>{v.note}</bdi>
                </>
              ) : null}
            </summary>
            <DataTable caption={t.version(v.version)} head={[t.item, t.value, t.status]}>
              {v.items.map((i) => (
                <tr>
                  <td>
                    <bdi>{lang === 'en' && i.labelEn ? i.labelEn : i.labelJa}</bdi>
                  </td>
                  <td>
                    <bdi>{lang === 'en' && i.valueEn ? i.valueEn : i.valueJa}</bdi>
                  </td>
                  <td>
                    {i.withheld ? (
                      <>
                        <span class="withheld">{t.withheld}</span>
                        {i.withheldReason ? (
                          <>
                            {' '}
                            · <bdi>{i.withheldReason}</bdi>
                          </>
                        ) : null}
                      </>
                    ) : (
                      t.shown
                    )}
                  </td>
                </tr>
              ))}
            </DataTable>
          </details>
        ))}
      </section>

      <section aria-labelledby="origins-h">
        <h2 id="origins-h">{t.origins}</h2>
        {s.origins.length ? (
          <ul class="origins">
            {s.origins.map((o) => (
              <li class="origin">{String(o)}</li>
            ))}
          </ul>
        ) : (
          <p>{t.none}</p>
        )}
      </section>

      <section aria-labelledby="tokens-h">
        <h2 id="tokens-h">{t.tokens}</h2>
        {tokens.length ? (
          <DataTable caption={t.tokens} head={['jti', t.origins, t.issuedAt, t.retiredAt]}>
            {tokens.map((k) => (
              <tr>
                <td class="mono">{k.jti}</td>
                <td>{k.origins.join(', ')}</td>
                <td>
                  <InstantText at={new Date(k.issuedAt)} lang={lang} />
                </td>
                <td>{k.retiredAt ? <InstantText at={new Date(k.retiredAt)} lang={lang} /> : t.live}</td>
              </tr>
            ))}
          </DataTable>
        ) : (
          <p>{t.none}</p>
        )}
      </section>

      <IntegrationSection lang={lang} checks={integration} />

      {notices === null ? null : (
        <section aria-labelledby="notices-h">
          <h2 id="notices-h">{t.notices}</h2>
          {notices.length ? (
            <DataTable caption={t.notices} head={[t.kind, t.recipients, t.status, t.sentAt]}>
              {notices.map((n) => (
                <tr>
                  <td class="mono">{n.kind}</td>
                  <td>{n.recipients.join(', ')}</td>
                  <td>{n.status}</td>
                  <td>{n.sentAt ? <InstantText at={new Date(n.sentAt)} lang={lang} /> : '—'}</td>
                </tr>
              ))}
            </DataTable>
          ) : (
            <p>{t.none}</p>
          )}
        </section>
      )}

      {cases === null ? null : (
        <section aria-labelledby="cases-h">
          <h2 id="cases-h">{t.cases}</h2>
          {cases.length ? (
            <DataTable caption={t.cases} head={[t.finding, t.status, t.page, t.sightings, t.lastSeen]}>
              {cases.map((k) => (
                <tr>
                  <td class="mono">{k.finding}</td>
                  <td>{k.status}</td>
                  <td class="mono">{k.pageUrl}</td>
                  <td>{k.sightings}</td>
                  <td>
                    <InstantText at={k.lastSeenAt} lang={lang} />
                  </td>
                </tr>
              ))}
            </DataTable>
          ) : (
            <p>{t.none}</p>
          )}
        </section>
      )}

      <section aria-labelledby="timeline-h">
        <h2 id="timeline-h">{t.timeline}</h2>
        <ol class="timeline">
          {[...s.events].reverse().map((e) => (
            <li>
              <InstantText at={new Date(e.at)} lang={lang} />
              <span class="entry mono">
                {e.type}
                {e.article ? ` (${e.article})` : ''}
              </span>
              <span class="entry-detail">{e.actor}</span>
            </li>
          ))}
        </ol>
      </section>
      <p>
        <a href={consoleHref('/staff/services', lang)}>{t.servicesTitle}</a>
      </p>
    </ConsoleLayout>
  );
};
