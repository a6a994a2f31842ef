import { addDays } from '../domain/calendar';
import { renewalWindow } from '../domain/validity';
import type { PublicService } from '../publication/public-service';
import { verifyUrl } from '../urls';
import { messages, type Lang } from './i18n';

/** RFC 5545 §3.3.11: backslash, semicolon, comma and line breaks escaped; controls XML-like dropped. */
export function icalText(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '')
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/** RFC 5545 §3.1: lines of at most 75 octets, continued with CRLF and a space; never splitting a UTF-8 character. */
export function foldLine(line: string): string {
  const out: string[] = [];
  let cur = '';
  let octets = 0;
  for (const ch of line) {
    const n = Buffer.byteLength(ch);
    if (octets + n > (out.length ? 74 : 75)) {
      out.push(cur);
      cur = '';
      octets = 0;
    }
    cur += ch;
    octets += n;
  }
  out.push(cur);
  return out.join('\r\n ');
}

const day = (d: string) => d.replace(/-/g, '');
const stamp = (t: Date) => `${t.toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;

/**
 * A service's validity period and its renewal filing window (Art. 9.1, 12.1) as all-day events (issue 18), so a
 * clinic's calendar says when to check again. An ended certification keeps its period, marked cancelled.
 */
export function serviceCalendar(s: PublicService, base: string, lang: Lang, now: Date): string {
  const m = messages(lang);
  const host = new URL(base).hostname;
  const name = lang === 'en' && s.name.en ? s.name.en : s.name.ja;
  const url = `${verifyUrl(base, s.number)}${lang === 'en' ? '?lang=en' : ''}`;
  const inForce = s.status === 'certified' || s.status === 'renewal_pending';
  const event = (uid: string, from: string, through: string, summary: string, cancelled: boolean) => [
    'BEGIN:VEVENT',
    `UID:${uid}@${host}`,
    `DTSTAMP:${stamp(now)}`,
    `DTSTART;VALUE=DATE:${day(from)}`,
    // DTEND of an all-day event is the day after the last (exclusive).
    `DTEND;VALUE=DATE:${day(addDays(through, 1))}`,
    `SUMMARY:${icalText(summary)}`,
    `URL:${url}`,
    'TRANSP:TRANSPARENT',
    `STATUS:${cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
    'END:VEVENT',
  ];
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:-//certmark//${host}//${lang.toUpperCase()}`,
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${icalText(`${s.number} ${name}`)}`,
    ...event(`${s.number}-validity-${s.certifiedOn}`, s.certifiedOn, inForce ? s.inForceThrough : s.validThrough, m.calendarValidity(s.number, name), !inForce),
  ];
  if (inForce && !s.renewal) {
    const w = renewalWindow(s.validThrough);
    lines.push(...event(`${s.number}-renewal-${s.validThrough}`, w.opensOn, w.closesOn, m.calendarRenewal(s.number, name), false));
  }
  lines.push('END:VCALENDAR');
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}
