/**
 * A vendor user's account page (issue 15): their passkeys, registered, listed and removed. The passkey
 * ceremonies run in the console's script (src/console/client/passkey.ts, served as /vendor/assets/passkey.js);
 * without it the register button stays hidden and the list and removal still work.
 */
import type { FC } from 'hono/jsx';
import type { VendorPasskeyView } from '../../portal/passkeys';
import type { VendorUser } from '../../portal/sessions';
import { InstantText } from '../components';
import type { Lang } from '../i18n';
import { FlashBox, type Flash } from '../console/auth-pages';
import { DataTable } from '../console/screens';
import { CsrfField, PortalLayout, portalHref } from './layout';
import { portalText } from './text';

export const PORTAL_SCRIPT_PATH = '/vendor/assets/passkey.js';

/** A passkey ceremony's button, hidden until the script finds WebAuthn; its outcome is said in the status line. */
export const PasskeyBox: FC<{ label: string; hint: string; kind: 'sign-in' | 'enrol'; options: string; verify: string; csrf: string }> = (p) => (
  <section class="passkey" aria-labelledby="passkey-h" hidden>
    <h2 id="passkey-h">{p.label}</h2>
    <p class="hint">{p.hint}</p>
    <button type="button" data-passkey={p.kind} data-options={p.options} data-verify={p.verify} data-csrf={p.csrf} data-home="/vendor/" data-form="">
      {p.label}
    </button>
    <p role="status" class="field-error" />
    <script src={PORTAL_SCRIPT_PATH} defer />
  </section>
);

/** The passkey's id as people compare it: its first characters. */
const shortId = (id: string) => (id.length > 12 ? `${id.slice(0, 12)}…` : id);

export const PortalAccountPage: FC<{ lang: Lang; user: VendorUser; csrf: string; passkeys: VendorPasskeyView[]; flash: Flash | null }> = ({
  lang,
  user,
  csrf,
  passkeys,
  flash,
}) => {
  const t = portalText(lang);
  return (
    <PortalLayout lang={lang} title={t.accountTitle} path="/vendor/account" user={user} csrf={csrf}>
      <h1>{t.accountTitle}</h1>
      <FlashBox flash={flash} />
      <p>
        <bdi>{user.name}</bdi> · <span class="mono">{user.email}</span>
      </p>
      <section aria-labelledby="passkeys-h">
        <h2 id="passkeys-h">{t.passkeysTitle}</h2>
        <p>{t.passkeysHint}</p>
        {passkeys.length === 0 ? (
          <p>{t.noPasskeys}</p>
        ) : (
          <DataTable caption={t.passkeysTitle} head={[t.passkey, t.passkeyCreated, t.passkeyLastUsed, t.removePasskey]}>
            {passkeys.map((k) => (
              <tr>
                <td class="mono">{shortId(k.id)}</td>
                <td>
                  <InstantText at={k.createdAt} lang={lang} />
                </td>
                <td>{k.lastUsedAt ? <InstantText at={k.lastUsedAt} lang={lang} /> : t.passkeyNeverUsed}</td>
                <td>
                  <form method="post" action={portalHref(`/vendor/account/passkeys/${encodeURIComponent(k.id)}/remove`, lang)}>
                    <CsrfField csrf={csrf} />
                    <button type="submit" class="secondary" aria-label={t.removePasskeyLabel(shortId(k.id))}>
                      {t.removePasskey}
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
      <noscript>
        <p class="hint">{t.passkeyNeedsScript}</p>
      </noscript>
      <PasskeyBox
        label={t.registerPasskey}
        hint={t.passkeysHint}
        kind="enrol"
        options="/vendor/account/passkeys/options"
        verify={portalHref('/vendor/account/passkeys', lang)}
        csrf={csrf}
      />
    </PortalLayout>
  );
};
