import type { RegistryChange } from '../publication/snapshot';
import { formatDate } from './format';
import { messages, type Lang } from './i18n';
import { serviceFeedPath, verifyUrl } from '../urls';
import type { PublicService } from '../publication/public-service';

/** Characters XML 1.0 cannot carry are dropped; the five specials escaped. */
export function xmlText(s: string): string {
  return s
    .replace(/[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;'));
}

function entryTitle(c: RegistryChange, lang: Lang): string {
  const m = messages(lang);
  const d = (x: string) => formatDate(x, lang);
  const e = c.entry;
  switch (e.type) {
    case 'certified':
      return m.history.certified(d(e.certifiedOn), d(e.validThrough));
    case 'renewed':
      return m.history.renewed(d(e.certifiedOn), d(e.validThrough));
    case 'extended':
      return m.history.extended(d(e.until));
    case 'disclosure_updated':
      return m.history.disclosure_updated(e.version);
    case 'improvement_published':
      return m.history.improvement_published(d(e.dueOn));
    case 'improvement_completed':
      return m.history.improvement_completed;
    case 'revoked':
      return `${m.history.revoked(e.ground)}: ${m.grounds[e.ground]}`;
    case 'terminated':
      return m.history.terminated;
    case 'lapsed':
      return m.history.lapsed(e.cause);
    case 'expired':
      return m.history.expired(d(e.lastDay));
  }
}

function entrySummary(c: RegistryChange): string | null {
  const e = c.entry;
  if (e.type === 'revoked') return e.reason;
  if (e.type === 'improvement_published') return e.content;
  return null;
}

/** The Atom feed (RFC 4287) of status changes in the registry, newest first. */
export function registryAtom(changes: readonly RegistryChange[], base: string, lang: Lang, now: Date): string {
  const m = messages(lang);
  const host = new URL(base).hostname;
  const tag = (s: string) => `tag:${host},2026:${s}`;
  const updated = (changes[0]?.entry.at ?? now).toISOString();
  const entries = changes.map((c) => {
    const name = lang === 'en' && c.service.name.en ? c.service.name.en : c.service.name.ja;
    const summary = entrySummary(c);
    const url = `${verifyUrl(base, c.service.number)}${lang === 'en' ? '?lang=en' : ''}`;
    return [
      '<entry>',
      `<id>${xmlText(tag(`${c.service.number}/${c.entry.id}`))}</id>`,
      `<title>${xmlText(`${c.service.number} ${name}: ${entryTitle(c, lang)}`)}</title>`,
      `<updated>${c.entry.at.toISOString()}</updated>`,
      `<link rel="alternate" type="text/html" href="${xmlText(url)}"/>`,
      `<category term="${c.entry.type}"/>`,
      summary === null ? '' : `<summary>${xmlText(summary)}</summary>`,
      '</entry>',
    ].join('');
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${lang}">`,
    `<title>${xmlText(`${m.registryTitle}: ${m.atomLink}`)}</title>`,
    `<id>${tag('registry')}</id>`,
    `<updated>${updated}</updated>`,
    `<link rel="self" type="application/atom+xml" href="${xmlText(`${base}/registry.atom${lang === 'en' ? '?lang=en' : ''}`)}"/>`,
    `<link rel="alternate" type="text/html" href="${xmlText(`${base}/registry`)}"/>`,
    `<author><name>${xmlText(m.siteName)}</name></author>`,
    ...entries,
    '</feed>',
  ].join('\n');
}

/**
 * One service's public events as an Atom feed (RFC 4287), newest first (issue 18): what a clinic's IT watches for
 * the services it depends on. The same entries as the registry feed, from the same public history.
 */
export function serviceAtom(s: PublicService, base: string, lang: Lang, now: Date): string {
  const m = messages(lang);
  const host = new URL(base).hostname;
  const tag = (x: string) => `tag:${host},2026:${x}`;
  const name = lang === 'en' && s.name.en ? s.name.en : s.name.ja;
  const page = `${verifyUrl(base, s.number)}${lang === 'en' ? '?lang=en' : ''}`;
  const history = [...s.history].reverse();
  const entries = history.map((e) => {
    const summary = entrySummary({ service: s, entry: e });
    return [
      '<entry>',
      `<id>${xmlText(tag(`${s.number}/${e.id}`))}</id>`,
      `<title>${xmlText(entryTitle({ service: s, entry: e }, lang))}</title>`,
      `<updated>${e.at.toISOString()}</updated>`,
      `<link rel="alternate" type="text/html" href="${xmlText(page)}"/>`,
      `<category term="${e.type}"/>`,
      summary === null ? '' : `<summary>${xmlText(summary)}</summary>`,
      '</entry>',
    ].join('');
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${lang}">`,
    `<title>${xmlText(m.feedTitle(s.number, name))}</title>`,
    `<id>${xmlText(tag(`service/${s.number}`))}</id>`,
    `<updated>${(history[0]?.at ?? now).toISOString()}</updated>`,
    `<link rel="self" type="application/atom+xml" href="${xmlText(`${base}${serviceFeedPath(s.number)}${lang === 'en' ? '?lang=en' : ''}`)}"/>`,
    `<link rel="alternate" type="text/html" href="${xmlText(page)}"/>`,
    `<author><name>${xmlText(m.siteName)}</name></author>`,
    ...entries,
    '</feed>',
  ].join('\n');
}
