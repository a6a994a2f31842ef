/**
 * One misuse case in the vendor portal (issue 15): the finding and its evidence in words, the page, the link
 * found, first and last seen, the status, and the image found beside the official mark at the same size (the
 * console's case page, without what is staff's own). Crawler-supplied text (URLs) is escaped by hono/jsx.
 */
import type { FC } from 'hono/jsx';
import { evidenceWords, FINDING_ARTICLES, identifiedWords } from '../../console/evidence-words';
import type { VendorCaseView } from '../../portal/cases';
import type { VendorUser } from '../../portal/sessions';
import { InstantText } from '../components';
import type { Lang } from '../i18n';
import { backOfficeText } from '../console/back-office-text';
import { PortalLayout, portalHref } from './layout';
import { portalText } from './text';

const Fact: FC<{ term: string; children?: unknown }> = ({ term, children }) => (
  <div>
    <dt>{term}</dt>
    <dd>{children as never}</dd>
  </div>
);

/** Where a case of a service is, in the portal (the service by its number, else its id). */
export const portalCaseHref = (lang: Lang, serviceRef: string, caseId: string) =>
  portalHref(`/vendor/services/${encodeURIComponent(serviceRef)}/cases/${encodeURIComponent(caseId)}`, lang);

export const PortalCasePage: FC<{ lang: Lang; user: VendorUser; csrf: string; k: VendorCaseView }> = ({ lang, user, csrf, k }) => {
  const t = portalText(lang);
  const b = backOfficeText(lang);
  const findingName = (f: string) => b.findings[f] ?? f;
  const title = t.caseTitle(findingName(k.finding));
  const base = `/vendor/services/${encodeURIComponent(k.serviceRef)}`;
  const path = `${base}/cases/${encodeURIComponent(k.id)}`;
  const identified = k.latest ? identifiedWords(k.latest.evidence, lang) : null;
  return (
    <PortalLayout lang={lang} title={title} path={path} user={user} csrf={csrf}>
      <p class="eyebrow">
        <a href={portalHref(base, lang)}>
          {k.serviceNumber ? <span class="number">{k.serviceNumber}</span> : null} <bdi>{k.serviceNameJa}</bdi>
        </a>
      </p>
      <h1>{title}</h1>
      <p class="hint">{t.caseHint}</p>
      <section aria-labelledby="facts-h">
        <h2 id="facts-h">{t.caseFacts}</h2>
        <dl class="facts">
          <Fact term={t.finding}>
            {findingName(k.finding)} ({FINDING_ARTICLES[k.finding] ?? 'Art. 10'})
          </Fact>
          <Fact term={t.caseStatus}>{b.caseStatuses[k.status] ?? k.status}</Fact>
          <Fact term={t.page}>
            <span class="mono">
              <bdi>{k.pageUrl}</bdi>
            </span>
          </Fact>
          <Fact term={t.linkFound}>
            <span class="mono">{k.latest?.linkHref ?? t.noLink}</span>
          </Fact>
          <Fact term={t.sightings}>{k.sightings}</Fact>
          <Fact term={t.firstSeen}>
            <InstantText at={k.firstSeenAt} lang={lang} />
          </Fact>
          <Fact term={t.lastSeen}>
            <InstantText at={k.lastSeenAt} lang={lang} />
          </Fact>
        </dl>
      </section>
      <section aria-labelledby="evidence-h">
        <h2 id="evidence-h">{t.caseEvidence}</h2>
        <ul class="evidence">
          {k.latest
            ? evidenceWords(k.latest.findings, k.latest.evidence, lang).map((s) => (
                <li>
                  <strong>{findingName(s.finding)}</strong> ({s.article}): {s.text}
                </li>
              ))
            : null}
        </ul>
        {identified ? <p>{identified}</p> : null}
      </section>
      <section aria-labelledby="images-h">
        <h2 id="images-h">{t.caseImages}</h2>
        <div class="compare">
          <figure>
            {k.imageSha256 ? (
              <img src={`${path}/images/${k.imageSha256}`} alt={t.sightingImageAlt(k.pageUrl)} width={192} height={192} />
            ) : (
              <p class="no-image">{t.noImage}</p>
            )}
            <figcaption>{t.sightingImage}</figcaption>
          </figure>
          <figure>
            <img src={`/vendor/official-mark.svg?variant=${k.variant}`} alt={t.officialMarkAlt} width={192} height={192} />
            <figcaption>{t.officialMark}</figcaption>
          </figure>
        </div>
      </section>
      <p>
        <a href={portalHref(base, lang)}>{t.backToService}</a>
      </p>
    </PortalLayout>
  );
};
