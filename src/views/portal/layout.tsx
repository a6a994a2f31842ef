/** The vendor portal's page shell: the public pages' and the console's design system, its own navigation. */
import type { Child, FC } from 'hono/jsx';
import type { VendorUser } from '../../portal/sessions';
import { href } from '../components';
import type { Lang } from '../i18n';
import { titleText } from '../layout';
import { CONSOLE_CSS_PATH, CsrfField } from '../console/layout';
import { portalText } from './text';

export { CsrfField };

/** A portal link in the page's language. */
export const portalHref = (path: string, lang: Lang, params: Record<string, string | null | undefined> = {}) =>
  href(path, { ...params, lang: lang === 'ja' ? null : lang });

export interface PortalPage {
  lang: Lang;
  title: string;
  path: string;
  query?: Record<string, string | null | undefined>;
  user: VendorUser | null;
  csrf: string;
  children?: Child;
}

export const PortalLayout: FC<PortalPage> = (p) => {
  const t = portalText(p.lang);
  const other: Lang = p.lang === 'ja' ? 'en' : 'ja';
  const items = p.user ? [{ path: '/vendor/', label: t.navHome }, ...(p.user.role === 'admin' ? [{ path: '/vendor/users', label: t.navUsers }] : [])] : [];
  const current = (path: string) => (path === '/vendor/' ? p.path === '/vendor/' || p.path.startsWith('/vendor/services') : p.path.startsWith(path));
  return (
    <html lang={p.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <title>{titleText(`${p.title} | ${t.portal}`)}</title>
        <link rel="icon" href="/assets/icon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/assets/site.css" />
        <link rel="stylesheet" href={CONSOLE_CSS_PATH} />
      </head>
      <body class="console">
        <a class="skip" href="#main">
          {t.skip}
        </a>
        <header class="site">
          <p class="site-name">
            <a href={portalHref('/vendor/', p.lang)}>{t.portal}</a>
          </p>
          <nav aria-label={t.nav}>
            <ul>
              {items.map((i) => (
                <li>
                  <a href={portalHref(i.path, p.lang)} aria-current={current(i.path) ? 'page' : undefined}>
                    {i.label}
                  </a>
                </li>
              ))}
              <li>
                <a href={href(p.path, { ...p.query, lang: other === 'ja' ? null : other })} hreflang={other} lang={other}>
                  {t.otherLanguage}
                </a>
              </li>
            </ul>
          </nav>
          {p.user ? (
            <form class="sign-out" method="post" action={portalHref('/vendor/sign-out', p.lang)}>
              <CsrfField csrf={p.csrf} />
              <span class="who">{t.signedInAs(p.user.name)}</span>
              <button type="submit" class="secondary">
                {t.signOut}
              </button>
            </form>
          ) : null}
        </header>
        <main id="main" tabindex={-1}>
          {p.children}
        </main>
      </body>
    </html>
  );
};
