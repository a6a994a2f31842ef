/** The portal's sign-in pages: ask for a link, the link was sent, the link's landing page (a button: mail scanners fetch links). */
import type { FC } from 'hono/jsx';
import type { Lang } from '../i18n';
import { FlashBox, type Flash } from '../console/auth-pages';
import { PasskeyBox } from './account-pages';
import { CsrfField, PortalLayout, portalHref } from './layout';
import { portalText } from './text';

export const PortalSignInPage: FC<{ lang: Lang; csrf: string; flash: Flash | null; email: string }> = ({ lang, csrf, flash, email }) => {
  const t = portalText(lang);
  return (
    <PortalLayout lang={lang} title={t.signInTitle} path="/vendor/login" user={null} csrf={csrf}>
      <h1>{t.signInTitle}</h1>
      <FlashBox flash={flash} />
      <PasskeyBox
        label={t.signInPasskey}
        hint={t.signInPasskeyHint}
        kind="sign-in"
        options="/vendor/passkey/options"
        verify={portalHref('/vendor/passkey/verify', lang)}
        csrf={csrf}
      />
      <section aria-labelledby="link-h">
        <h2 id="link-h">{t.signInLink}</h2>
        <p>{t.signInIntro}</p>
        <form class="console-form" method="post" action={portalHref('/vendor/login', lang)}>
          <CsrfField csrf={csrf} />
          <div class="field">
            <label for="email">{t.email}</label>
            <input id="email" name="email" type="email" autocomplete="username webauthn" required maxlength={254} value={email} />
          </div>
          <button type="submit">{t.sendLink}</button>
        </form>
      </section>
    </PortalLayout>
  );
};

export const LinkSentPage: FC<{ lang: Lang; csrf: string; email: string }> = ({ lang, csrf, email }) => {
  const t = portalText(lang);
  return (
    <PortalLayout lang={lang} title={t.linkSentTitle} path="/vendor/login" user={null} csrf={csrf}>
      <h1>{t.linkSentTitle}</h1>
      <p role="status">{t.linkSent(email)}</p>
    </PortalLayout>
  );
};

export const LinkPage: FC<{ lang: Lang; csrf: string; action: string }> = ({ lang, csrf, action }) => {
  const t = portalText(lang);
  return (
    <PortalLayout lang={lang} title={t.linkTitle} path="/vendor/login" user={null} csrf={csrf}>
      <h1>{t.linkTitle}</h1>
      <p>{t.linkIntro}</p>
      <form method="post" action={action}>
        <CsrfField csrf={csrf} />
        <button type="submit">{t.linkButton}</button>
      </form>
    </PortalLayout>
  );
};

export const PortalErrorPage: FC<{ lang: Lang; status: number; csrf: string; signedIn: boolean; message: string | null }> = (p) => {
  const t = portalText(p.lang);
  return (
    <PortalLayout lang={p.lang} title={t.errorTitle} path="/vendor/" user={null} csrf={p.csrf}>
      <h1>{t.errors[p.status] ?? t.errors[500]}</h1>
      {p.message ? <p>{p.message}</p> : null}
      <p>
        <a href={portalHref(p.signedIn ? '/vendor/' : '/vendor/login', p.lang)}>{p.signedIn ? t.back : t.signInTitle}</a>
      </p>
    </PortalLayout>
  );
};
