import type { Child, FC } from 'hono/jsx';
import { raw } from 'hono/html';
import { jstDate } from '../domain/calendar';
import type { PublicService } from '../publication/public-service';
import { DateText, InstantText, Plain, Section, StatusBadge, Vendor, href, statusDate } from './components';
import { EntryText } from './verify-parts';
import { formatDate } from './format';
import { messages, type Lang } from './i18n';
import { CERTIFIER_LOGO_PATH, Layout } from './layout';
import { qrPath, serviceCalendarPath, serviceFeedPath, verifyPath, verifyUrl } from '../urls';
import type { Certifier } from '../config';
import { SCHEME } from './vocabulary';

export interface VerifyPageProps {
  service: PublicService;
  lang: Lang;
  /** Per-request parts (the page around them is the same for every reader and is cached). */
  slots: { checkedAt: Child; referer: Child };
  /** The official mark as inline SVG, or null when it is not served (Art. 10.1) or not available. */
  markSvg: string | null;
  base: string;
  certifier: Certifier;
}

/** The statuses in which the certification is over: no print QR, no "may display", the dates shown as ended. */
export const ENDED = new Set(['expired', 'revoked', 'terminated', 'lapsed']);

/** schema.org Certification: the facts of the page for machines. */
export function verifyJsonLd(s: PublicService, base: string, certifier: Certifier) {
  const body = {
    '@type': 'Organization',
    name: certifier.name.ja,
    alternateName: certifier.name.en,
    url: certifier.url,
    email: certifier.email,
    address: certifier.address.ja,
    ...(certifier.phone ? { telephone: certifier.phone } : {}),
    ...(certifier.logoFile ? { logo: `${base}${CERTIFIER_LOGO_PATH}` } : {}),
  };
  return {
    '@context': 'https://schema.org',
    '@type': 'Certification',
    name: SCHEME.ja,
    alternateName: SCHEME.en,
    issuedBy: body,
    url: verifyUrl(base, s.number),
    certificationIdentification: s.number,
    certificationStatus: s.markServed ? 'https://schema.org/CertificationActive' : 'https://schema.org/CertificationInactive',
    validFrom: s.certifiedOn,
    expires: s.inForceThrough,
    about: {
      '@type': 'Service',
      name: s.name.ja,
      alternateName: s.name.en ?? undefined,
      provider: { '@type': 'Organization', name: s.vendor.name.ja, alternateName: s.vendor.name.en ?? undefined },
    },
  };
}

export const VerifyPage: FC<VerifyPageProps> = ({ service: s, lang, slots, markSvg, base, certifier }) => {
  const ended = ENDED.has(s.status);
  const m = messages(lang);
  const words = m.status[s.status];
  const jsonPath = `/api/v1/services/${s.number}`;
  return (
    <Layout
      lang={lang}
      title={`${s.number} ${lang === 'en' && s.name.en ? s.name.en : s.name.ja}`}
      path={verifyPath(s.number)}
      alternates={[
        { href: jsonPath, type: 'application/json', title: m.jsonLink },
        { href: href(serviceFeedPath(s.number), { lang: lang === 'en' ? 'en' : null }), type: 'application/atom+xml', title: m.serviceFeedLink },
      ]}
      jsonLd={verifyJsonLd(s, base, certifier)}
      certifier={certifier}
    >
      <p class="eyebrow">{m.verifyEyebrow}</p>
      <h1>
        <Vendor text={s.name} lang={lang} />
      </h1>
      <dl class="facts">
        <div>
          <dt>{m.vendor}</dt>
          <dd>
            <Vendor text={s.vendor.name} lang={lang} />
          </dd>
        </div>
        <div>
          <dt>{m.number}</dt>
          <dd class="number">{s.number}</dd>
        </div>
        <div>
          <dt>{m.certifiedBy}</dt>
          <dd>
            <a href={certifier.url}>{certifier.name[lang]}</a>
            <span class="scheme">{lang === 'ja' ? `（${SCHEME.ja}）` : ` (${SCHEME.en})`}</span>
          </dd>
        </div>
      </dl>
      {slots.referer}
      <section aria-labelledby="status-h" class={`status status-${s.status.replace('_', '-')}`}>
        <h2 id="status-h">
          <StatusBadge status={s.status} lang={lang} />
        </h2>
        <p class="meaning">{words.meaning(statusDate(s, lang))}</p>
        {s.renewal ? <p>{m.renewalFiled(formatDate(s.renewal.filedOn, lang))}</p> : null}
        {s.extension ? <p>{m.extension(formatDate(s.extension.until, lang), formatDate(s.extension.grantedOn, lang))}</p> : null}
        {s.revocation ? (
          <dl class="facts">
            <div>
              <dt>{m.revokedGround}</dt>
              <dd>
                {lang === 'ja' ? `第17条第1項第${s.revocation.ground}号` : `Art. 17.1(${s.revocation.ground})`}: {m.grounds[s.revocation.ground]}
              </dd>
            </div>
            <div>
              <dt>{m.revokedReason}</dt>
              <dd>
                <Plain text={s.revocation.reason} lang={lang} />
              </dd>
            </div>
          </dl>
        ) : null}
        <dl class="facts">
          <div>
            <dt>{m.certifiedOn}</dt>
            <dd>
              <DateText date={s.certifiedOn} lang={lang} />
            </dd>
          </div>
          <div class={ended ? 'ended' : undefined}>
            <dt>{ended ? m.validityEnded : m.validity}</dt>
            <dd>
              {ended
                ? m.validityRangeEnded(formatDate(s.certifiedOn, lang), formatDate(s.validThrough, lang), m.cardDate[s.status](statusDate(s, lang)))
                : m.validityRange(formatDate(s.certifiedOn, lang), formatDate(s.validThrough, lang))}
              {s.continuesPreviousPeriod ? <p class="note">{m.renewalDating}</p> : null}
            </dd>
          </div>
          {s.firstCertifiedOn !== s.certifiedOn ? (
            <div>
              <dt>{m.firstCertifiedOn}</dt>
              <dd>
                <DateText date={s.firstCertifiedOn} lang={lang} />
              </dd>
            </div>
          ) : null}
          <div>
            <dt>{m.checkedAt}</dt>
            <dd>{slots.checkedAt}</dd>
          </div>
        </dl>
      </section>
      <Section id="mark" title={m.markHeading}>
        {s.markServed && markSvg ? (
          <figure class="mark">
            {raw(markSvg)}
            <figcaption>
              <Vendor text={s.name} lang={lang} /> <span class="number">{s.number}</span>
            </figcaption>
          </figure>
        ) : s.markServed ? (
          // The mark masters could not be read; the status above still says the truth.
          <p class="mark-pending">
            {m.markCaption}: <span class="number">{s.number}</span>
          </p>
        ) : (
          <p>{m.markAbsent}</p>
        )}
      </Section>
      <Section id="origins" title={ended ? m.formerOriginsHeading : m.originsHeading}>
        {s.origins.length ? (
          <>
            <p>{ended ? m.formerOriginsIntro : m.originsIntro}</p>
            <ul class="origins">
              {s.origins.map((o) => (
                <li>
                  <bdi class="origin">{o}</bdi>
                </li>
              ))}
            </ul>
          </>
        ) : (
          <p>{m.originsNone}</p>
        )}
      </Section>
      <Section id="disclosure" title={m.disclosureHeading}>
        {s.disclosure?.items.length ? (
          <>
            <p>{m.disclosureIntro(s.disclosure.version)}</p>
            <dl class="disclosure">
              {s.disclosure.items.map((i) => (
                <div>
                  <dt>
                    <Vendor text={i.label} lang={lang} />
                  </dt>
                  <dd>
                    <Vendor text={i.value} lang={lang} />
                  </dd>
                </div>
              ))}
            </dl>
          </>
        ) : (
          <p>{m.disclosureNone}</p>
        )}
      </Section>
      {s.improvements.length ? (
        <Section id="improvements" title={m.improvementsHeading}>
          <ul class="cards">
            {s.improvements.map((i) => (
              <li>
                <p>
                  <Plain text={i.content} lang={lang} />
                </p>
                <p class="meta">
                  {m.improvementPublished(formatDate(jstDate(i.publishedAt), lang))} · {m.improvementDue(formatDate(i.dueOn, lang))}
                  {i.completedOn ? ` · ${m.improvementCompleted(formatDate(i.completedOn, lang))}` : i.overdue ? ` · ${m.improvementOverdue}` : ''}
                </p>
              </li>
            ))}
          </ul>
        </Section>
      ) : null}
      <Section id="history" title={m.historyHeading}>
        <ol class="timeline" reversed>
          {[...s.history].reverse().map((e) => (
            <li>
              <InstantText at={e.at} lang={lang} />
              <span class="entry">
                <EntryText e={e} lang={lang} />
              </span>
            </li>
          ))}
        </ol>
      </Section>
      {ended ? null : (
        <Section id="qr" title={m.qrHeading}>
          <p>{m.qrIntro}</p>
          <img class="qr" src={qrPath(s.number)} width="160" height="160" alt={m.qrAlt(s.number)} />
        </Section>
      )}
      <Section id="report" title={m.reportHeading}>
        <p>{m.reportText}</p>
        <p>
          <a href={href('/inquiry', { service: s.number, topic: 'misuse', lang })}>{m.reportLink}</a>
        </p>
      </Section>
      <Section id="watch" title={m.watchHeading}>
        <p>{m.watchIntro}</p>
        <ul>
          <li>
            <a href={href(serviceFeedPath(s.number), { lang: lang === 'en' ? 'en' : null })} type="application/atom+xml">
              {m.serviceFeedLink}
            </a>
          </li>
          <li>
            <a href={href(serviceCalendarPath(s.number), { lang: lang === 'en' ? 'en' : null })} type="text/calendar">
              {m.calendarLink}
            </a>
          </li>
        </ul>
      </Section>
      <Section id="data" title={m.machineReadable}>
        <p>
          <a href={jsonPath} type="application/json">
            {m.jsonLink}
          </a>
        </p>
      </Section>
    </Layout>
  );
};
