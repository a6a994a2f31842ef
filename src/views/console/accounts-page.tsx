/** Staff accounts (admins): the list, an invitation form, and disabling. */
import type { FC } from 'hono/jsx';
import { ROLES, type AccountView } from '../../console/accounts';
import type { Staff } from '../../http/env';
import { InstantText } from '../components';
import type { Lang } from '../i18n';
import { FlashBox, type Flash } from './auth-pages';
import { ConsoleLayout, consoleHref, CsrfField } from './layout';
import { DataTable } from './screens';
import { consoleText } from './text';

export const AccountsPage: FC<{
  lang: Lang;
  staff: Staff;
  csrf: string;
  accounts: AccountView[];
  flash: Flash | null;
  /** The enrolment link just made: shown once. */
  invited: { email: string; url: string } | null;
  form: { email: string; name: string; role: string; delegate: string };
}> = ({ lang, staff, csrf, accounts, flash, invited, form }) => {
  const t = consoleText(lang);
  return (
    <ConsoleLayout lang={lang} title={t.accountsTitle} path="/staff/accounts" staff={staff} csrf={csrf}>
      <h1>{t.accountsTitle}</h1>
      <FlashBox flash={flash} />
      {invited ? (
        <section class="flash" aria-labelledby="invited-h">
          <h2 id="invited-h">{t.invited(invited.email)}</h2>
          <p class="secret" id="enrolment-url">
            {invited.url}
          </p>
        </section>
      ) : null}
      <DataTable caption={t.accountsTitle} head={[t.name, t.email, t.role, t.enrolledAt, t.disabledAt, '']}>
        {accounts.map((a) => (
          <tr>
            <td>
              <a href={consoleHref(`/staff/accounts/${a.id}`, lang)}>
                <bdi>{a.name}</bdi>
              </a>
            </td>
            <td class="mono">{a.email}</td>
            <td>{t.roles[a.role]}</td>
            <td>{a.enrolledAt ? <InstantText at={a.enrolledAt} lang={lang} /> : t.notYet}</td>
            <td>{a.disabledAt ? <InstantText at={a.disabledAt} lang={lang} /> : '—'}</td>
            <td>
              {a.disabledAt || a.id === staff.id ? null : (
                <form class="inline" method="post" action={consoleHref(`/staff/accounts/${a.id}/disable`, lang)}>
                  <CsrfField csrf={csrf} />
                  <button type="submit" class="secondary" aria-label={`${t.disable}: ${a.email}`}>
                    {t.disable}
                  </button>
                </form>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
      <section aria-labelledby="invite-h">
        <h2 id="invite-h">{t.inviteTitle}</h2>
        <p class="hint">{t.inviteHint}</p>
        <form class="console-form" method="post" action={consoleHref('/staff/accounts', lang)}>
          <CsrfField csrf={csrf} />
          <div class="field">
            <label for="invite-email">{t.email}</label>
            <input id="invite-email" name="email" type="email" required maxlength={254} value={form.email} />
          </div>
          <div class="field">
            <label for="invite-name">{t.name}</label>
            <input id="invite-name" name="name" type="text" required maxlength={200} value={form.name} />
          </div>
          <div class="field">
            <label for="invite-role">{t.role}</label>
            <select id="invite-role" name="role">
              {ROLES.map((r) => (
                <option value={r} selected={form.role === r}>
                  {t.roles[r]}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="invite-delegate">{t.delegateId}</label>
            <input id="invite-delegate" name="delegate" type="text" maxlength={100} value={form.delegate} />
          </div>
          <button type="submit">{t.invite}</button>
        </form>
      </section>
    </ConsoleLayout>
  );
};
