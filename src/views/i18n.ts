import { en } from './messages-en';
import { ja } from './messages-ja';
import type { Messages } from './messages';

export type Lang = 'ja' | 'en';
export const LANGS: readonly Lang[] = ['ja', 'en'];

/** `?lang=` wins; otherwise the first of ja/en in Accept-Language (by q); Japanese by default. */
export function pickLang(query: Lang | undefined, acceptLanguage: string | undefined): Lang {
  if (query) return query;
  if (!acceptLanguage) return 'ja';
  let best: { lang: Lang; q: number } | null = null;
  for (const part of acceptLanguage.slice(0, 512).split(',')) {
    const [tag, ...params] = part.trim().toLowerCase().split(';');
    const base = tag?.split('-')[0];
    if (base !== 'ja' && base !== 'en') continue;
    const qp = params.find((p) => p.trim().startsWith('q='));
    const q = qp ? Number(qp.trim().slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    if (!best || q > best.q) best = { lang: base, q };
  }
  return best?.lang ?? 'ja';
}

export type { Messages } from './messages';

export function messages(lang: Lang): Messages {
  return lang === 'en' ? en : ja;
}
