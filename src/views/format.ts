export { formatDate, formatInstant } from './vocabulary';

/** The ISO 8601 form for <time datetime>, with the +09:00 offset the reader's day is counted in. */
export function isoJst(instant: Date): string {
  const t = new Date(instant.getTime() + 9 * 3600_000);
  return `${t.toISOString().slice(0, 19)}+09:00`;
}
