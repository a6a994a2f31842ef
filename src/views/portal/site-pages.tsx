/** The portal's sites and embedding screen (issue 15): registered sites, their proofs, the embed snippets, and page checks. */
import type { FC } from 'hono/jsx';
import type { IntegrationCheckView } from '../../portal/integration-check';
import type { VendorUser } from '../../portal/sessions';
import type { SitesView } from '../../portal/sites';
import { InstantText } from '../components';
import { FlashBox, type Flash } from '../console/auth-pages';
import { DataTable } from '../console/screens';
import type { Lang } from '../i18n';
import { CsrfField, PortalLayout, portalHref } from './layout';
import { siteText } from './site-text';

export interface SitesForm {
  origin: string;
  method: string;
  pageUrl: string;
}

interface Props {
  lang: Lang;
  user: VendorUser;
  csrf: string;
  v: SitesView;
  flash: Flash | null;
  form: SitesForm;
}

export const sitesPath = (v: { number: string | null; serviceId: string }) => `/vendor/services/${encodeURIComponent(v.number ?? v.serviceId)}/sites`;

const Proofs: FC<Props> = ({ lang, csrf, v }) => {
  const t = siteText(lang);
  if (v.proofs.length === 0) return <p>{t.noProofs}</p>;
  return (
    <ul class="proofs">
      {v.proofs.map((p) => (
        <li id={`proof-${p.id}`}>
          <h3 class="mono">
            <bdi>{p.origin}</bdi> — {p.method}
          </h3>
          <dl class="facts">
            <dt>{t.status}</dt>
            <dd>{t.statuses[p.status] ?? p.status}</dd>
            {p.status === 'pending' ? (
              <>
                <dt>{t.expires}</dt>
                <dd>
                  <InstantText at={new Date(p.expiresAt)} lang={lang} />
                </dd>
              </>
            ) : null}
            {p.result ? (
              <>
                <dt>{t.lastCheck}</dt>
                <dd>
                  <InstantText at={new Date(p.checkedAt ?? p.requestedAt)} lang={lang} />: {t.results[p.result]}
                </dd>
              </>
            ) : null}
          </dl>
          {p.status === 'pending' ? (
            'url' in p.instructions ? (
              <>
                <p>{t.httpDo}</p>
                <dl class="facts">
                  <dt>{t.url}</dt>
                  <dd class="secret">{p.instructions.url}</dd>
                  <dt>{t.content}</dt>
                  <dd class="secret">{p.instructions.content}</dd>
                </dl>
              </>
            ) : (
              <>
                <p>{t.dnsDo}</p>
                <dl class="facts">
                  <dt>{t.name}</dt>
                  <dd class="secret">{p.instructions.name}</dd>
                  <dt>{t.value}</dt>
                  <dd class="secret">{p.instructions.value}</dd>
                </dl>
              </>
            )
          ) : null}
          {['pending', 'valid', 'failing'].includes(p.status) ? (
            <form class="inline" method="post" action={portalHref(`${sitesPath(v)}/proofs/${p.id}/check`, lang)}>
              <CsrfField csrf={csrf} />
              <button type="submit" aria-label={`${t.checkNow}: ${p.origin} (${p.method})`}>
                {t.checkNow}
              </button>
            </form>
          ) : null}
        </li>
      ))}
    </ul>
  );
};

const Embeds: FC<Props> = ({ lang, csrf, v }) => {
  const t = siteText(lang);
  const verified = v.sites.filter((s) => s.verified);
  if (verified.length === 0) return <p>{t.noEmbed}</p>;
  if (!v.number) return <p>{t.noNumber}</p>;
  return (
    <>
      <p class="hint">{t.embedHint}</p>
      <p>
        {t.integrity}: <code class="secret">{v.integrity}</code>
      </p>
      {verified.map((s, i) => (
        <section class="embed" aria-labelledby={`embed-${i}`}>
          <h3 id={`embed-${i}`} class="mono">
            <bdi>{s.origin}</bdi>
          </h3>
          {s.embed ? (
            <>
              <pre class="letter">
                <code>{s.embed.snippet}</code>
              </pre>
              <p>{t.preview}:</p>
              <p>
                <img class="badge-preview" src={s.embed.badgeUrl} alt={t.previewAlt(s.origin)} referrerpolicy="no-referrer" width="240" />
              </p>
            </>
          ) : (
            <form class="inline" method="post" action={portalHref(`${sitesPath(v)}/tokens`, lang)}>
              <CsrfField csrf={csrf} />
              <input type="hidden" name="origin" value={s.origin} />
              <button type="submit" aria-label={`${t.issue}: ${s.origin}`}>
                {t.issue}
              </button>
            </form>
          )}
        </section>
      ))}
    </>
  );
};

const word = (t: ReturnType<typeof siteText>, good: boolean, yes: boolean) => t.judged(yes ? t.yes : t.no, good ? t.ok : t.bad);

const Checks: FC<{ lang: Lang; checks: IntegrationCheckView[] }> = ({ lang, checks }) => {
  const t = siteText(lang);
  if (checks.length === 0) return <p>{t.noChecks}</p>;
  return (
    <DataTable caption={t.icTitle} head={[t.checkedAt, t.page, t.present, t.renders, t.links, t.altered, t.cspScript, t.cspMark]}>
      {checks.map((k) => (
        <tr id={`check-${k.id}`}>
          <td>
            <InstantText at={k.checkedAt} lang={lang} />
          </td>
          <td class="mono">
            <bdi>{k.pageUrl}</bdi>
            {k.problem ? <div>{`${t.failed}: ${k.problem}`}</div> : null}
            {k.refused.length > 0 ? (
              <details>
                <summary>{t.refused(k.refused.length)}</summary>
                <ul>
                  {k.refused.map((r) => (
                    <li>
                      <bdi>{r.url}</bdi> — {r.reason}
                    </li>
                  ))}
                </ul>
              </details>
            ) : null}
          </td>
          <td>{word(t, k.badgePresent, k.badgePresent)}</td>
          <td>{word(t, k.badgeRenders, k.badgeRenders)}</td>
          <td>{word(t, k.linksToVerify, k.linksToVerify)}</td>
          <td>{word(t, !k.altered, k.altered)}</td>
          <td>{t.csp[k.cspScript]}</td>
          <td>{t.csp[k.cspMark]}</td>
        </tr>
      ))}
    </DataTable>
  );
};

export const PortalSitesPage: FC<Props> = (p) => {
  const { lang, v } = p;
  const t = siteText(lang);
  const verified = v.sites.filter((s) => s.verified);
  return (
    <PortalLayout lang={lang} title={`${t.title} — ${v.nameJa}`} path={sitesPath(v)} user={p.user} csrf={p.csrf}>
      <p>
        <a href={portalHref(`/vendor/services/${encodeURIComponent(v.number ?? v.serviceId)}`, lang)}>{t.back}</a>
      </p>
      <h1>
        {t.title} — <bdi>{v.nameJa}</bdi>
      </h1>
      <FlashBox flash={p.flash} />
      <section aria-labelledby="sites-h">
        <h2 id="sites-h">{t.sitesTitle}</h2>
        <p class="hint">{t.sitesHint}</p>
        {v.sites.length === 0 ? (
          <p>{t.noSites}</p>
        ) : (
          <DataTable caption={t.sitesTitle} head={[t.origin, t.verifiedBy, t.usable]}>
            {v.sites.map((s) => (
              <tr>
                <td class="mono">
                  <bdi>{s.origin}</bdi>
                </td>
                <td>{t.by[s.verifiedBy] ?? s.verifiedBy}</td>
                <td>{s.verified ? t.usableYes : t.usableNo}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
      <section aria-labelledby="add-h">
        <h2 id="add-h">{t.addTitle}</h2>
        <form class="console-form" method="post" action={portalHref(sitesPath(v), lang)}>
          <CsrfField csrf={p.csrf} />
          <p class="hint" id="add-hint">
            {t.addHint}
          </p>
          <div class="field">
            <label for="site-origin">{t.origin}</label>
            <input
              id="site-origin"
              name="origin"
              type="url"
              required
              maxlength={255}
              value={p.form.origin}
              aria-describedby="add-hint"
              placeholder="https://"
            />
          </div>
          <fieldset class="item">
            <legend>{t.method}</legend>
            {(
              [
                ['http-01', t.httpMethod],
                ['dns-01', t.dnsMethod],
              ] as const
            ).map(([m, label]) => (
              <div class="check">
                <input id={`method-${m}`} type="radio" name="method" value={m} checked={p.form.method === m} />
                <label for={`method-${m}`}>{label}</label>
              </div>
            ))}
          </fieldset>
          <button type="submit">{t.add}</button>
        </form>
      </section>
      <section aria-labelledby="proofs-h">
        <h2 id="proofs-h">{t.proofsTitle}</h2>
        <Proofs {...p} />
      </section>
      <section aria-labelledby="embed-h">
        <h2 id="embed-h">{t.embedTitle}</h2>
        <Embeds {...p} />
      </section>
      <section aria-labelledby="ic-h">
        <h2 id="ic-h">{t.icTitle}</h2>
        {verified.length > 0 ? (
          <form class="console-form" method="post" action={portalHref(`${sitesPath(v)}/integration-checks`, lang)}>
            <CsrfField csrf={p.csrf} />
            <p class="hint" id="ic-hint">
              {t.icHint}
            </p>
            <div class="field">
              <label for="ic-url">{t.pageUrl}</label>
              <input id="ic-url" name="pageUrl" type="url" required maxlength={2000} value={p.form.pageUrl} aria-describedby="ic-hint" placeholder="https://" />
            </div>
            <button type="submit">{t.runCheck}</button>
          </form>
        ) : (
          <p>{t.noEmbed}</p>
        )}
        <Checks lang={lang} checks={v.checks} />
      </section>
    </PortalLayout>
  );
};

/** The "サイト・埋め込み" section of a service's page: the way to its sites and embedding screen. */
export const SitesLinkSection: FC<{ lang: Lang; s: { id: string; number: string | null } }> = ({ lang, s }) => {
  const t = siteText(lang);
  return (
    <section aria-labelledby="sites-link-h">
      <h2 id="sites-link-h">{t.link}</h2>
      <p>{t.linkHint}</p>
      <p>
        <a href={portalHref(sitesPath({ number: s.number, serviceId: s.id }), lang)}>{t.link}</a>
      </p>
    </section>
  );
};
