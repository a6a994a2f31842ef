import { jstDate, type CalendarDate } from '../domain/calendar';
import type { Lang } from './i18n';

const MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** A calendar date (JST) in words: 2026年4月1日 / 1 April 2026. */
export function formatDate(d: CalendarDate, lang: Lang): string {
  const [y, m, day] = d.split('-').map(Number) as [number, number, number];
  return lang === 'ja' ? `${y}年${m}月${day}日` : `${day} ${MONTHS_EN[m - 1]} ${y}`;
}

function jstTime(instant: Date): string {
  const t = new Date(instant.getTime() + 9 * 3600_000);
  return `${String(t.getUTCHours()).padStart(2, '0')}:${String(t.getUTCMinutes()).padStart(2, '0')}`;
}

/** An instant in Japan time: 2026年4月1日 12:00（日本時間） / 1 April 2026, 12:00 JST. */
export function formatInstant(instant: Date, lang: Lang): string {
  const day = formatDate(jstDate(instant), lang);
  return lang === 'ja' ? `${day} ${jstTime(instant)}（日本時間）` : `${day}, ${jstTime(instant)} JST`;
}

/** The ISO 8601 form for <time datetime>, with the +09:00 offset the reader's day is counted in. */
export function isoJst(instant: Date): string {
  const t = new Date(instant.getTime() + 9 * 3600_000);
  return `${t.toISOString().slice(0, 19)}+09:00`;
}
