/**
 * The words the badge (widget/) and the pages share (issue 18): the scheme's name, one term per status and one
 * date style per language. No imports, so the badge bundle takes only what it uses. ISO dates stay in JSON and CSV.
 */
export type VocabularyLang = 'ja' | 'en';
export type StatusTerm = 'certified' | 'renewal_pending' | 'expired' | 'revoked' | 'terminated' | 'lapsed';

/** The scheme the mark certifies, as the badge, its card and the pages name it. */
export const SCHEME = {
  ja: '医療情報ASP・SaaS 情報開示認定',
  en: 'Medical ASP/SaaS disclosure certification',
} as const;

/** One term per status, the same on the badge, the verification page, the registry and the feeds. */
export const STATUS_TERMS: Record<VocabularyLang, Record<StatusTerm, string>> = {
  ja: {
    certified: '認定中',
    renewal_pending: '認定中（更新審査中）',
    expired: '有効期限切れ',
    revoked: '認定取消し',
    terminated: '提供終了',
    lapsed: '失効',
  },
  en: {
    certified: 'Certified',
    renewal_pending: 'Certified, renewal under review',
    expired: 'Expired',
    revoked: 'Revoked',
    terminated: 'Terminated',
    lapsed: 'Lapsed',
  },
};

const MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** A calendar date (YYYY-MM-DD, JST) in words: 2026年4月1日 / 1 April 2026. */
export function formatDate(d: string, lang: VocabularyLang): string {
  const [y, m, day] = d.split('-').map(Number) as [number, number, number];
  return lang === 'ja' ? `${y}年${m}月${day}日` : `${day} ${MONTHS_EN[m - 1]} ${y}`;
}

/** An instant in Japan time: 2026年4月1日 12:00（日本時間） / 1 April 2026, 12:00 JST. */
export function formatInstant(instant: Date, lang: VocabularyLang): string {
  const t = new Date(instant.getTime() + 9 * 3600_000).toISOString();
  const day = formatDate(t.slice(0, 10), lang);
  const time = t.slice(11, 16);
  return lang === 'ja' ? `${day} ${time}（日本時間）` : `${day}, ${time} JST`;
}
