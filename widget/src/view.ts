/** The badge's states as DOM (built node by node: no HTML strings, so a Trusted Types page is fine too). */
import type { BadgeFacts } from './api';
import { MARK } from './style';
import type { Lang, Text } from './text';
import { formatInstant } from '../../src/views/vocabulary';

type Kid = Node | string | null;

function h(tag: string, props: Record<string, string> = {}, ...kids: Kid[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) el.setAttribute(k, v);
  for (const kid of kids) if (kid !== null) el.append(kid);
  return el;
}

/** A link; `about` (the certification number) goes into its accessible name, so several badges' links differ. */
const link = (href: string, text: string, about?: string | null, cls = '') =>
  h('a', about ? { href, class: cls, 'aria-label': `${text} (${about})` } : { href, class: cls }, text);

/** The box every state draws in: the same size, so nothing on the page moves when the answer comes. */
const box = (lang: Lang, neutral: boolean, ...kids: Kid[]) => h('div', { class: neutral ? 'b x' : 'b', lang }, ...kids);

export function nameOf(names: { ja: string; en: string | null }, lang: Lang): string {
  return (lang === 'en' && names.en) || names.ja;
}

/** The verification page in the reader's language (Japanese is its default). */
export function inLang(url: string, lang: Lang): string {
  if (lang === 'ja') return url;
  const u = new URL(url);
  u.searchParams.set('lang', 'en');
  return u.href;
}

/** Valid: the mark, the service name, its number and "valid through", all one link (Art. 10.3, 10.4). */
export function valid(f: BadgeFacts, markUrl: string, t: Text, lang: Lang): HTMLElement {
  const name = nameOf(f.serviceName, lang);
  const through = f.validThrough ? t.through(f.validThrough) : null;
  const line = (label: string, value: string) => h('div', {}, h('b', {}, label), ` ${value}`);
  return box(
    lang,
    false,
    h(
      'a',
      { class: 'l', href: inLang(f.verifyUrl, lang), 'aria-describedby': 'c' },
      h('img', {
        class: 'm',
        src: markUrl,
        alt: t.mark,
        width: `${MARK}`,
        height: `${MARK}`,
        crossorigin: 'anonymous',
        referrerpolicy: 'strict-origin',
        draggable: 'false',
      }),
      h(
        'span',
        { class: 't' },
        h('span', { class: 'n' }, name),
        h('span', { class: 's k' }, t.scheme),
        h('span', { class: 's' }, f.number),
        through && h('span', { class: 's' }, through),
      ),
    ),
    h(
      'div',
      { class: 'c', id: 'c', role: 'tooltip' },
      h('div', {}, h('b', {}, name)),
      h('div', {}, t.scheme),
      line(t.vendor, nameOf(f.vendorName, lang)),
      line(t.status, t.states[f.status === 'renewal_pending' ? 'renewal_pending' : 'certified']),
      through && h('div', {}, through),
      line(t.checked, formatInstant(new Date(f.checkedAt), lang)),
      h('div', { class: 's' }, t.verify),
    ),
  );
}

/** Not valid, not confirmable here, or altered by the page: words only, never the mark, and the way to the truth. */
export function notice(f: BadgeFacts | null, message: string, to: [string, string], lang: Lang, report?: [string, string]): HTMLElement {
  return box(
    lang,
    true,
    h(
      'span',
      { class: 't' },
      f && h('span', { class: 'n' }, `${nameOf(f.serviceName, lang)} ${f.number}`),
      h('span', { title: message }, message),
      h('span', {}, link(...to, f?.number), report ? link(...report, f?.number, 'r') : null),
    ),
  );
}

/** No answer from certmark: a plain link to where the truth is. */
export function plain(href: string, text: string, lang: Lang): HTMLElement {
  return box(lang, true, link(href, text));
}

export function waiting(t: Text, lang: Lang): HTMLElement {
  return box(lang, true, h('span', { class: 's', 'aria-busy': 'true' }, t.loading));
}
