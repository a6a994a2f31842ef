import type { FC } from 'hono/jsx';
import type { Certifier } from '../config';
import type { PublicService } from '../publication/public-service';
import { STATUS_FILTERS, type RegistryPage, type RegistrySections, type StatusFilter } from '../publication/registry';
import type { RegistryChange } from '../publication/snapshot';
import type { DelegateRow } from '../repositories/delegates';
import { InstantText, Plain, Section, StatusBadge, Vendor, href, statusDate } from './components';
import { formatDate } from './format';
import { messages, type Lang } from './i18n';
import { Layout } from './layout';
import { verifyPath } from '../urls';

export interface RegistryPageProps {
  lang: Lang;
  q: string | null;
  status: StatusFilter;
  page: RegistryPage;
  /** Whether this page is not the first one (a cursor was given). */
  paged: boolean;
  sections: RegistrySections;
  delegates: DelegateRow[];
  certifier: Certifier;
}

const ServiceCard: FC<{ s: PublicService; lang: Lang }> = ({ s, lang }) => {
  const m = messages(lang);
  return (
    <li>
      <p class="card-title">
        <a href={href(verifyPath(s.number), { lang })}>
          <Vendor text={s.name} lang={lang} />
        </a>
      </p>
      <p class="meta">
        <span class="number">{s.number}</span> · <Vendor text={s.vendor.name} lang={lang} />
      </p>
      <p class="meta">
        <StatusBadge status={s.status} lang={lang} /> {m.cardDate[s.status](statusDate(s, lang))}
      </p>
    </li>
  );
};

const ChangeCard: FC<{ c: RegistryChange; lang: Lang }> = ({ c, lang }) => {
  const m = messages(lang);
  const e = c.entry;
  return (
    <li>
      <p class="card-title">
        <a href={href(verifyPath(c.service.number), { lang })}>
          <Vendor text={c.service.name} lang={lang} />
        </a>{' '}
        <span class="number">{c.service.number}</span>
      </p>
      <p class="meta">
        <InstantText at={e.at} lang={lang} />
      </p>
      {e.type === 'revoked' ? (
        <>
          <p>
            {m.history.revoked(e.ground)}: {m.grounds[e.ground]}
          </p>
          <p>
            {m.revokedReason}: <Plain text={e.reason} lang={lang} />
          </p>
        </>
      ) : e.type === 'improvement_published' ? (
        <>
          <p>
            <Plain text={e.content} lang={lang} />
          </p>
          <p class="meta">{m.improvementDue(formatDate(e.dueOn, lang))}</p>
        </>
      ) : null}
    </li>
  );
};

const List: FC<{ items: PublicService[]; lang: Lang }> = ({ items, lang }) =>
  items.length ? (
    <ul class="cards">
      {items.map((s) => (
        <ServiceCard s={s} lang={lang} />
      ))}
    </ul>
  ) : (
    <p>{messages(lang).noneListed}</p>
  );

export const RegistryPageView: FC<RegistryPageProps> = ({ lang, q, status, page, paged, sections, delegates, certifier }) => {
  const m = messages(lang);
  const query = { q, status: status === 'in_force' ? null : status };
  return (
    <Layout
      lang={lang}
      title={m.registryTitle}
      path="/registry"
      certifier={certifier}
      query={query}
      alternates={[
        { href: '/api/v1/services', type: 'application/json', title: 'JSON' },
        { href: '/registry.csv', type: 'text/csv', title: m.csvLink },
        { href: '/registry.atom', type: 'application/atom+xml', title: m.atomLink },
      ]}
    >
      <h1>{m.registryTitle}</h1>
      <p>{m.registryIntro}</p>
      <form class="search" method="get" action="/registry" role="search">
        <input type="hidden" name="lang" value={lang} />
        <div class="field">
          <label for="q">{m.searchLabel}</label>
          <input id="q" name="q" type="search" value={q ?? ''} maxlength={200} aria-describedby="q-hint" autocomplete="off" />
          <p id="q-hint" class="hint">
            {m.searchHint}
          </p>
        </div>
        <div class="field">
          <label for="status">{m.statusFilterLabel}</label>
          <select id="status" name="status">
            {STATUS_FILTERS.map((f) => (
              <option value={f} selected={f === status}>
                {m.filters[f]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{m.searchButton}</button>
      </form>
      <Section id="results" title={`${m.resultsHeading}: ${m.filters[status]}`}>
        <p role="status">{m.resultsCount(page.total)}</p>
        {page.items.length ? (
          <ul class="cards">
            {page.items.map((s) => (
              <ServiceCard s={s} lang={lang} />
            ))}
          </ul>
        ) : (
          <p>{m.noResults}</p>
        )}
        {page.next || paged ? (
          <nav class="pager" aria-label={m.resultsHeading}>
            {paged ? <a href={href('/registry', { ...query, lang })}>{m.firstPage}</a> : null}
            {page.next ? <a href={href('/registry', { ...query, after: page.next, lang })}>{m.nextPage}</a> : null}
          </nav>
        ) : null}
      </Section>
      <Section id="expired" title={m.expiredHeading}>
        <p>{m.expiredIntro}</p>
        <List items={sections.expired} lang={lang} />
      </Section>
      <Section id="revocations" title={m.revocationsHeading}>
        {sections.revocations.length ? (
          <ul class="cards">
            {sections.revocations.map((c) => (
              <ChangeCard c={c} lang={lang} />
            ))}
          </ul>
        ) : (
          <p>{m.noneListed}</p>
        )}
      </Section>
      <Section id="improvements" title={m.improvementsRegistryHeading}>
        {sections.improvements.length ? (
          <ul class="cards">
            {sections.improvements.map((c) => (
              <ChangeCard c={c} lang={lang} />
            ))}
          </ul>
        ) : (
          <p>{m.noneListed}</p>
        )}
      </Section>
      <Section id="ended" title={m.endedHeading}>
        <List items={sections.ended} lang={lang} />
      </Section>
      <Section id="delegates" title={m.delegatesHeading}>
        <p>{m.delegatesIntro}</p>
        {delegates.length ? (
          <ul class="cards">
            {delegates.map((d) => (
              <li>
                <p class="card-title">
                  <Vendor text={{ ja: d.name_ja, en: d.name_en }} lang={lang} />
                </p>
                <p>
                  <Vendor text={{ ja: d.scope_ja, en: d.scope_en }} lang={lang} />
                </p>
                <p class="meta">
                  {m.delegatedSince(formatDate(d.delegated_on, lang))}
                  {d.ended_on ? ` · ${m.delegatedUntil(formatDate(d.ended_on, lang))}` : ''}
                </p>
              </li>
            ))}
          </ul>
        ) : (
          <p>{m.noneListed}</p>
        )}
      </Section>
      <Section id="downloads" title={m.downloads}>
        <ul>
          <li>
            <a href="/registry.csv" type="text/csv">
              {m.csvLink}
            </a>
          </li>
          <li>
            <a href="/registry.atom" type="application/atom+xml">
              {m.atomLink}
            </a>
          </li>
          <li>
            <a href="/api/v1/services" type="application/json">
              JSON
            </a>
          </li>
        </ul>
      </Section>
    </Layout>
  );
};
