import type { Child, FC } from 'hono/jsx';
import { jstDate, type CalendarDate } from '../domain/calendar';
import type { Bilingual, PublicService } from '../publication/public-service';
import type { PublicStatus } from '../publication/timeline';
import { formatDate, formatInstant, isoJst } from './format';
import { messages, type Lang } from './i18n';

/**
 * Text that came from a vendor or staff: always a text node (escaped by hono/jsx), isolated with <bdi> so a
 * right-to-left override inside it cannot reorder the text around it. English falls back to Japanese, marked so.
 */
export const Vendor: FC<{ text: Bilingual; lang: Lang }> = ({ text, lang }) => {
  const useEn = lang === 'en' && text.en !== null && text.en.trim() !== '';
  const shown = useEn ? text.en! : text.ja;
  const shownLang: Lang = useEn ? 'en' : 'ja';
  return shownLang === lang ? <bdi>{shown}</bdi> : <bdi lang={shownLang}>{shown}</bdi>;
};

/** Free text (a reason, an improvement request) that exists in one language only. */
export const Plain: FC<{ text: string; lang: Lang; textLang?: Lang }> = ({ text, lang, textLang = 'ja' }) =>
  textLang === lang ? <bdi>{text}</bdi> : <bdi lang={textLang}>{text}</bdi>;

export const DateText: FC<{ date: CalendarDate; lang: Lang }> = ({ date, lang }) => <time datetime={date}>{formatDate(date, lang)}</time>;

export const InstantText: FC<{ at: Date; lang: Lang }> = ({ at, lang }) => <time datetime={isoJst(at)}>{formatInstant(at, lang)}</time>;

export const StatusBadge: FC<{ status: PublicStatus; lang: Lang }> = ({ status, lang }) => (
  <span class={`badge badge-${status.replace('_', '-')}`}>{messages(lang).status[status].label}</span>
);

/** A titled section whose heading names it for assistive technology. */
export const Section: FC<{ id: string; title: string; children?: Child; class?: string }> = ({ id, title, children, class: cls }) => (
  <section aria-labelledby={`${id}-h`} class={cls}>
    <h2 id={`${id}-h`}>{title}</h2>
    {children}
  </section>
);

/** Builds a same-site link keeping only the named, already validated query parameters. */
export function href(path: string, params: Record<string, string | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** The day the status speaks of, in words. */
export function statusDate(s: PublicService, lang: Lang): string {
  switch (s.status) {
    case 'certified':
    case 'renewal_pending':
      return formatDate(s.inForceThrough, lang);
    case 'expired':
      return formatDate(s.expiredAfter ?? s.inForceThrough, lang);
    case 'revoked':
      return formatDate(jstDate(s.revocation!.at), lang);
    case 'terminated':
      return formatDate(jstDate(s.termination!.at), lang);
    case 'lapsed':
      return formatDate(jstDate(s.lapse!.at), lang);
  }
}
