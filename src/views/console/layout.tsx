/**
 * The staff console's shell. Every console page is `<ConsoleLayout>`; every form that changes anything is a POST
 * with `<CsrfField csrf={…} />` inside it (the synchronizer token of the session, checked with the Origin by
 * src/routes/console/context.ts before the route runs). The shell is the public pages' design system
 * (assets/site.css) plus assets/console.css; no inline script or style (CSP); the one script is the passkey
 * ceremony, loaded only where a page asks for it (`script`).
 */
import type { Child, FC } from 'hono/jsx';
import type { Staff } from '../../http/env';
import { href } from '../components';
import type { Lang } from '../i18n';
import { titleText } from '../layout';
import { accessText } from './access-text';
import { backOfficeText } from './back-office-text';
import { consoleText } from './text';

export const CONSOLE_SCRIPT_PATH = '/staff/assets/console.js';
export const CONSOLE_CSS_PATH = '/staff/assets/console.css';

export interface ConsolePage {
  lang: Lang;
  title: string;
  /** The page's path, for the language switch and the current navigation item. */
  path: string;
  query?: Record<string, string | null | undefined>;
  /** The signed-in staff member; null on the sign-in and enrolment pages. */
  staff: Staff | null;
  /** The session's CSRF token, for the sign-out form. */
  csrf: string;
  /** Load the passkey script (sign-in and enrolment pages). */
  script?: boolean;
  children?: Child;
}

/** The hidden field every console form carries. */
export const CsrfField: FC<{ csrf: string }> = ({ csrf }) => <input type="hidden" name="_csrf" value={csrf} />;

/** A console link in the page's language. */
export const consoleHref = (path: string, lang: Lang, params: Record<string, string | null | undefined> = {}) =>
  href(path, { ...params, lang: lang === 'ja' ? null : lang });

interface NavItem {
  path: string;
  label: string;
}

function navItems(staff: Staff, lang: Lang): NavItem[] {
  const t = consoleText(lang);
  const items: (NavItem | null)[] = [
    { path: '/staff/', label: t.navDashboard },
    { path: '/staff/services', label: t.navServices },
    staff.role === 'committee' ? null : { path: '/staff/cases', label: t.navCases },
    staff.role === 'delegate' || staff.role === 'committee' ? null : { path: '/staff/revocations', label: backOfficeText(lang).navRevocations },
    staff.role === 'delegate' || staff.role === 'committee' ? null : { path: '/staff/inquiries', label: t.navInquiries },
    staff.role === 'admin' || staff.role === 'auditor' ? { path: '/staff/audit-log', label: t.navAudit } : null,
    staff.role === 'admin' ? { path: '/staff/accounts', label: t.navAccounts } : null,
    staff.role === 'admin' ? { path: '/staff/crawler-keys', label: accessText(lang).navCrawlerKeys } : null,
  ];
  return items.filter((i): i is NavItem => i !== null);
}

const isCurrent = (item: string, path: string) => (item === '/staff/' ? path === '/staff/' || path === '/staff' : path.startsWith(item));

export const ConsoleLayout: FC<ConsolePage> = (p) => {
  const t = consoleText(p.lang);
  const other: Lang = p.lang === 'ja' ? 'en' : 'ja';
  return (
    <html lang={p.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <title>{titleText(`${p.title} | ${t.console}`)}</title>
        <link rel="icon" href="/assets/icon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/assets/site.css" />
        <link rel="stylesheet" href={CONSOLE_CSS_PATH} />
        {p.script ? <script src={CONSOLE_SCRIPT_PATH} defer /> : null}
      </head>
      <body class="console">
        <a class="skip" href="#main">
          {t.skip}
        </a>
        <header class="site">
          <p class="site-name">
            <a href={consoleHref('/staff/', p.lang)}>{t.console}</a>
          </p>
          <nav aria-label={t.nav}>
            <ul>
              {p.staff
                ? navItems(p.staff, p.lang).map((i) => (
                    <li>
                      <a href={consoleHref(i.path, p.lang)} aria-current={isCurrent(i.path, p.path) ? 'page' : undefined}>
                        {i.label}
                      </a>
                    </li>
                  ))
                : null}
              <li>
                <a href={href(p.path, { ...p.query, lang: other === 'ja' ? null : other })} hreflang={other} lang={other}>
                  {t.otherLanguage}
                </a>
              </li>
            </ul>
          </nav>
          {p.staff ? (
            <form class="sign-out" method="post" action={consoleHref('/staff/sign-out', p.lang)}>
              <CsrfField csrf={p.csrf} />
              <span class="who">{t.signedInAs(p.staff.name, t.roles[p.staff.role])}</span>
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
