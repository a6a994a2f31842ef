/** Sign-in and enrolment pages: the password form works with no script; the passkey button appears with it. */
import type { FC } from 'hono/jsx';
import type { Lang } from '../i18n';
import { ConsoleLayout, consoleHref, CsrfField } from './layout';
import { consoleText } from './text';

export interface Flash {
  text: string;
  bad?: boolean;
}

export const FlashBox: FC<{ flash: Flash | null }> = ({ flash }) =>
  flash ? (
    <p class={flash.bad ? 'flash flash-bad' : 'flash'} role={flash.bad ? 'alert' : 'status'}>
      {flash.text}
    </p>
  ) : null;

const PasskeyBox: FC<{ lang: Lang; label: string; hint: string; kind: 'sign-in' | 'enrol'; options: string; verify: string; csrf: string }> = (p) => (
  <section class="passkey" aria-labelledby="passkey-h" hidden>
    <h2 id="passkey-h">{p.label}</h2>
    <p class="hint">{p.hint}</p>
    <button type="button" data-passkey={p.kind} data-options={p.options} data-verify={p.verify} data-csrf={p.csrf}>
      {p.label}
    </button>
    <p role="status" class="field-error" />
  </section>
);

export const SignInPage: FC<{ lang: Lang; csrf: string; flash: Flash | null; email: string }> = ({ lang, csrf, flash, email }) => {
  const t = consoleText(lang);
  return (
    <ConsoleLayout lang={lang} title={t.signInTitle} path="/staff/login" staff={null} csrf={csrf} script>
      <h1>{t.signInTitle}</h1>
      <FlashBox flash={flash} />
      <PasskeyBox
        lang={lang}
        label={t.signInPasskey}
        hint={t.signInPasskeyHint}
        kind="sign-in"
        options="/staff/passkey/options"
        verify={consoleHref('/staff/passkey/verify', lang)}
        csrf={csrf}
      />
      <section aria-labelledby="fallback-h">
        <h2 id="fallback-h">{t.signInFallback}</h2>
        <form class="console-form" method="post" action={consoleHref('/staff/login', lang)}>
          <CsrfField csrf={csrf} />
          <div class="field">
            <label for="email">{t.email}</label>
            <input id="email" name="email" type="email" autocomplete="username" required value={email} maxlength={254} />
          </div>
          <div class="field">
            <label for="password">{t.password}</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required maxlength={256} />
          </div>
          <div class="field">
            <label for="code">{t.code}</label>
            <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" required maxlength={6} />
          </div>
          <button type="submit">{t.submitSignIn}</button>
        </form>
      </section>
    </ConsoleLayout>
  );
};

export interface EnrolView {
  token: string;
  name: string;
  email: string;
  role: string;
  totpSecret: string;
  totpUri: string;
  /** The QR code of the otpauth URI, as a data: URL (img-src allows data:). */
  totpQr: string;
}

export const EnrolPage: FC<{ lang: Lang; csrf: string; enrol: EnrolView | null; flash: Flash | null }> = ({ lang, csrf, enrol, flash }) => {
  const t = consoleText(lang);
  if (!enrol) {
    return (
      <ConsoleLayout lang={lang} title={t.enrolTitle} path="/staff/enrol" staff={null} csrf={csrf}>
        <h1>{t.enrolTitle}</h1>
        <p class="flash flash-bad">{t.linkInvalid}</p>
      </ConsoleLayout>
    );
  }
  const base = `/staff/enrol/${enrol.token}`;
  return (
    <ConsoleLayout lang={lang} title={t.enrolTitle} path={base} staff={null} csrf={csrf} script>
      <h1>{t.enrolTitle}</h1>
      <p>{t.enrolIntro(enrol.name, enrol.email, enrol.role)}</p>
      <FlashBox flash={flash} />
      <PasskeyBox
        lang={lang}
        label={t.enrolPasskeyButton}
        hint={t.enrolPasskey}
        kind="enrol"
        options={`${base}/passkey/options`}
        verify={consoleHref(`${base}/passkey`, lang)}
        csrf={csrf}
      />
      <section aria-labelledby="fallback-h">
        <h2 id="fallback-h">{t.enrolFallback}</h2>
        <form class="console-form" method="post" action={consoleHref(base, lang)}>
          <CsrfField csrf={csrf} />
          <input type="hidden" name="totpSecret" value={enrol.totpSecret} />
          <div class="field">
            <p id="secret-h">{t.enrolSecret}</p>
            <p class="secret">{enrol.totpSecret}</p>
            <img class="totp-qr" src={enrol.totpQr} alt={t.enrolSecretQr} width="180" height="180" />
          </div>
          <div class="field">
            <label for="password">{t.password}</label>
            <p class="hint" id="password-hint">
              {t.passwordHint}
            </p>
            <input
              id="password"
              name="password"
              type="password"
              autocomplete="new-password"
              required
              minlength={12}
              maxlength={256}
              aria-describedby="password-hint"
            />
          </div>
          <div class="field">
            <label for="confirm">{t.passwordConfirm}</label>
            <input id="confirm" name="confirm" type="password" autocomplete="new-password" required minlength={12} maxlength={256} />
          </div>
          <div class="field">
            <label for="code">{t.code}</label>
            <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" required maxlength={6} />
          </div>
          <button type="submit">{t.enrolSubmit}</button>
        </form>
      </section>
    </ConsoleLayout>
  );
};

export const ConsoleErrorPage: FC<{ lang: Lang; status: number; csrf: string; signedIn: boolean; message: string | null }> = (p) => {
  const t = consoleText(p.lang);
  return (
    <ConsoleLayout lang={p.lang} title={t.errorTitle} path="/staff/" staff={null} csrf={p.csrf}>
      <h1>{t.errors[p.status] ?? t.errors[500]}</h1>
      {p.message ? <p>{p.message}</p> : null}
      <p>
        <a href={consoleHref(p.signedIn ? '/staff/' : '/staff/login', p.lang)}>{p.signedIn ? t.back : t.signInTitle}</a>
      </p>
    </ConsoleLayout>
  );
};
