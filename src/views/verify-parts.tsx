import type { FC } from 'hono/jsx';
import type { PublicService } from '../publication/public-service';
import type { RefererVerdict } from '../publication/referer';
import type { PublicEntry } from '../publication/timeline';
import { InstantText, Plain, href } from './components';
import { formatDate } from './format';
import { messages, type Lang } from './i18n';

/** One line of the public history in words. */
export const EntryText: FC<{ e: PublicEntry; lang: Lang }> = ({ e, lang }) => {
  const h = messages(lang).history;
  const d = (x: string) => formatDate(x, lang);
  switch (e.type) {
    case 'certified':
      return <>{h.certified(d(e.certifiedOn), d(e.validThrough))}</>;
    case 'renewed':
      return <>{h.renewed(d(e.certifiedOn), d(e.validThrough))}</>;
    case 'extended':
      return <>{h.extended(d(e.until))}</>;
    case 'disclosure_updated':
      return <>{h.disclosure_updated(e.version)}</>;
    case 'improvement_published':
      return (
        <>
          {h.improvement_published(d(e.dueOn))}
          <span class="entry-detail">
            <Plain text={e.content} lang={lang} />
          </span>
        </>
      );
    case 'improvement_completed':
      return <>{h.improvement_completed}</>;
    case 'revoked':
      return (
        <>
          {h.revoked(e.ground)}
          <span class="entry-detail">{messages(lang).grounds[e.ground]}</span>
          <span class="entry-detail">
            <Plain text={e.reason} lang={lang} />
          </span>
        </>
      );
    case 'terminated':
      return <>{h.terminated}</>;
    case 'lapsed':
      return <>{h.lapsed(e.cause)}</>;
    case 'expired':
      return <>{h.expired(d(e.lastDay))}</>;
  }
};

/** "You came from …": whether the site that linked here is registered for the service (Art. 10.2, 10.4). */
export const RefererNotice: FC<{ verdict: RefererVerdict; service: PublicService; lang: Lang }> = ({ verdict, service, lang }) => {
  if (verdict.kind === 'none') return null;
  const m = messages(lang);
  const ok = verdict.kind === 'registered';
  return (
    <section aria-labelledby="referer-h" class={`notice ${ok && service.markServed ? 'notice-ok' : 'notice-warn'}`}>
      <h2 id="referer-h">{m.refererHeading}</h2>
      <p>{ok ? (service.markServed ? m.refererRegistered(verdict.host) : m.refererFormerlyRegistered(verdict.host)) : m.refererUnregistered(verdict.host)}</p>
      {ok && !service.markServed ? <p>{m.refererNotInForce}</p> : null}
      {!ok || !service.markServed ? (
        <p>
          <a href={href('/inquiry', { service: service.number, topic: 'misuse', lang })}>{m.reportLink}</a>
        </p>
      ) : null}
    </section>
  );
};

/** The instant the page was produced: a copy kept by a proxy or a screenshot visibly ages. */
export const CheckedAt: FC<{ at: Date; lang: Lang }> = ({ at, lang }) => <InstantText at={at} lang={lang} />;
