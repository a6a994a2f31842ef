import type { Child, FC } from 'hono/jsx';
import { raw } from 'hono/html';
import type { Certifier } from '../config';
import { href } from './components';
import { messages, type Lang } from './i18n';

export interface PageMeta {
  lang: Lang;
  title: string;
  /** The page's path, for the language switch (query parameters other than lang are passed in `query`). */
  path: string;
  query?: Record<string, string | null | undefined>;
  /** `<link rel="alternate">` targets, e.g. the JSON of the page. */
  alternates?: { href: string; type: string; title: string }[];
  /** JSON-LD, serialised here so that no "</script>" in vendor text can end the block. */
  jsonLd?: unknown;
  robots?: string;
  /** Who certifies: named in the footer of every public page (issue 18). */
  certifier: Certifier;
}

/** The path the certifier's logo is served at, when one is configured (src/routes/public/assets.ts). */
export const CERTIFIER_LOGO_PATH = '/assets/certifier-logo';

/** The certification body: name, address, contact and site, and its logo when one is configured. */
export const CertifierCard: FC<{ certifier: Certifier; lang: Lang }> = ({ certifier: c, lang }) => {
  const m = messages(lang);
  return (
    <section class="certifier" aria-labelledby="certifier-h">
      <h2 id="certifier-h">{m.certifierHeading}</h2>
      {c.logoFile ? <img class="certifier-logo" src={CERTIFIER_LOGO_PATH} alt={m.certifierLogoAlt(c.name[lang])} height="40" /> : null}
      <p class="certifier-name">{c.name[lang]}</p>
      <dl class="certifier-facts">
        <div>
          <dt>{m.certifierAddress}</dt>
          <dd>{c.address[lang]}</dd>
        </div>
        <div>
          <dt>{m.certifierContact}</dt>
          <dd>
            <a href={`mailto:${c.email}`}>{c.email}</a>
            {c.phone ? <> · {c.phone}</> : null} · <a href={href('/inquiry', { lang })}>{m.navInquiry}</a>
          </dd>
        </div>
        <div>
          <dt>{m.certifierWebsite}</dt>
          <dd>
            <a href={c.url}>{c.url}</a>
          </dd>
        </div>
      </dl>
    </section>
  );
};

/** JSON for a <script type="application/ld+json"> block: `<`, `>`, `&` and line separators escaped. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A <title> cannot isolate bidirectional text, so the explicit direction controls are dropped from it. */
export function titleText(s: string): string {
  return s.replace(/[\u202A-\u202E\u2066-\u2069]/g, '');
}

/** Every public page: no inline script, no inline style (CSP), one stylesheet, landmarks and a skip link. */
export const Layout: FC<PageMeta & { children?: Child }> = (p) => {
  const m = messages(p.lang);
  const other: Lang = p.lang === 'ja' ? 'en' : 'ja';
  return (
    <html lang={p.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{titleText(`${p.title} | ${m.siteName}`)}</title>
        {p.robots ? <meta name="robots" content={p.robots} /> : null}
        <link rel="icon" href="/assets/icon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/assets/site.css" />
        <link rel="alternate" hreflang={other} href={href(p.path, { ...p.query, lang: other })} />
        {(p.alternates ?? []).map((a) => (
          <link rel="alternate" type={a.type} href={a.href} title={a.title} />
        ))}
        {p.jsonLd === undefined ? null : <script type="application/ld+json">{raw(jsonForScript(p.jsonLd))}</script>}
      </head>
      <body>
        <a class="skip" href="#main">
          {m.skip}
        </a>
        <header class="site">
          <p class="site-name">
            <a href={href('/registry', { lang: p.lang })}>{m.siteName}</a>
          </p>
          <nav aria-label={p.lang === 'ja' ? 'サイト' : 'Site'}>
            <ul>
              <li>
                <a href={href('/registry', { lang: p.lang })}>{m.navRegistry}</a>
              </li>
              <li>
                <a href={href('/inquiry', { lang: p.lang })}>{m.navInquiry}</a>
              </li>
              <li>
                <a href={href(p.path, { ...p.query, lang: other })} hreflang={other} lang={other}>
                  {m.otherLanguage}
                </a>
              </li>
            </ul>
          </nav>
        </header>
        <main id="main" tabindex={-1}>
          {p.children}
        </main>
        <footer class="site">
          <CertifierCard certifier={p.certifier} lang={p.lang} />
          <p>{m.scheme}</p>
          <p>
            <a href="/docs">{m.navApi}</a>
          </p>
        </footer>
      </body>
    </html>
  );
};

/** Renders a page to a string, with the doctype. */
export async function renderPage(node: { toString(): string | Promise<string> }): Promise<string> {
  return `<!doctype html>${await node.toString()}`;
}
