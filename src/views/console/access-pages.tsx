/** A staff account's page (its assigned services and sign-ins) and the crawler keys (admins). */
import type { FC } from 'hono/jsx';
import type { AccountAssignment, AccountView } from '../../console/accounts';
import type { CrawlerKeyView } from '../../access/crawler-keys';
import type { Staff } from '../../http/env';
import { InstantText } from '../components';
import type { Lang } from '../i18n';
import { accessText } from './access-text';
import { FlashBox, type Flash } from './auth-pages';
import { ConsoleLayout, consoleHref, CsrfField } from './layout';
import { DataTable, ServiceLink } from './screens';
import { consoleText } from './text';

interface Base {
  lang: Lang;
  staff: Staff;
  csrf: string;
  flash: Flash | null;
}

export interface SignInLine {
  at: Date;
  kind: string;
  method: string | null;
}

export const AccountPage: FC<Base & { account: AccountView; assignments: AccountAssignment[]; signIns: SignInLine[]; service: string }> = (p) => {
  const { lang, account } = p;
  const t = consoleText(lang);
  const a = accessText(lang);
  const base = `/staff/accounts/${account.id}`;
  const scoped = account.role === 'delegate' || account.role === 'committee';
  return (
    <ConsoleLayout lang={lang} title={a.accountTitle(account.name)} path={base} staff={p.staff} csrf={p.csrf}>
      <h1>
        <bdi>{a.accountTitle(account.name)}</bdi>
      </h1>
      <FlashBox flash={p.flash} />
      <dl class="facts">
        <dt>{t.email}</dt>
        <dd class="mono">{account.email}</dd>
        <dt>{t.role}</dt>
        <dd>{t.roles[account.role]}</dd>
        <dt>{t.enrolledAt}</dt>
        <dd>{account.enrolledAt ? <InstantText at={account.enrolledAt} lang={lang} /> : t.notYet}</dd>
        <dt>{t.disabledAt}</dt>
        <dd>{account.disabledAt ? <InstantText at={account.disabledAt} lang={lang} /> : '—'}</dd>
      </dl>
      <section aria-labelledby="assignments-h">
        <h2 id="assignments-h">{a.assignmentsTitle}</h2>
        {!scoped ? (
          <p>{a.assignmentsEveryService}</p>
        ) : (
          <>
            <p class="hint">{a.assignmentsHint}</p>
            {p.assignments.length === 0 ? (
              <p>{a.assignmentsNone}</p>
            ) : (
              <DataTable caption={a.assignmentsTitle} head={[t.navServices, a.assignedAt, '']}>
                {p.assignments.map((s) => (
                  <tr>
                    <td>
                      <ServiceLink lang={lang} id={s.serviceId} number={s.number} name={s.nameJa} />
                    </td>
                    <td>
                      <InstantText at={s.assignedAt} lang={lang} />
                    </td>
                    <td>
                      <form class="inline" method="post" action={consoleHref(`${base}/assignments/${s.serviceId}/end`, lang)}>
                        <CsrfField csrf={p.csrf} />
                        <button type="submit" class="secondary" aria-label={`${a.endAssignment}: ${s.number ?? s.nameJa}`}>
                          {a.endAssignment}
                        </button>
                      </form>
                    </td>
                  </tr>
                ))}
              </DataTable>
            )}
            {account.disabledAt ? null : (
              <form class="console-form" method="post" action={consoleHref(`${base}/assignments`, lang)}>
                <CsrfField csrf={p.csrf} />
                <div class="field">
                  <label for="assign-service">{a.assignService}</label>
                  <input id="assign-service" name="service" type="text" required maxlength={100} value={p.service} />
                </div>
                <button type="submit">{a.assign}</button>
              </form>
            )}
          </>
        )}
      </section>
      <section aria-labelledby="sign-ins-h">
        <h2 id="sign-ins-h">{a.signInsTitle}</h2>
        <DataTable caption={a.signInsTitle} head={[a.at, a.signInKind, a.signInMethod]}>
          {p.signIns.map((s) => (
            <tr>
              <td>
                <InstantText at={s.at} lang={lang} />
              </td>
              <td>{s.kind}</td>
              <td>{s.method ?? '—'}</td>
            </tr>
          ))}
        </DataTable>
      </section>
    </ConsoleLayout>
  );
};

export const CrawlerKeysPage: FC<Base & { keys: CrawlerKeyView[]; made: { name: string; key: string } | null; name: string }> = (p) => {
  const { lang } = p;
  const a = accessText(lang);
  return (
    <ConsoleLayout lang={lang} title={a.keysTitle} path="/staff/crawler-keys" staff={p.staff} csrf={p.csrf}>
      <h1>{a.keysTitle}</h1>
      <p class="hint">{a.keysHint}</p>
      <FlashBox flash={p.flash} />
      {p.made ? (
        <section class="flash" aria-labelledby="made-h">
          <h2 id="made-h">
            <bdi>{a.keyMade(p.made.name)}</bdi>
          </h2>
          <p class="secret" id="crawler-key">
            {p.made.key}
          </p>
        </section>
      ) : null}
      {p.keys.length === 0 ? (
        <p>{a.noKeys}</p>
      ) : (
        <DataTable caption={a.keysTitle} head={[a.keyName, a.keyCreated, a.keyRevoked, '']}>
          {p.keys.map((k) => (
            <tr>
              <td>
                <bdi>{k.name}</bdi>
              </td>
              <td>
                <InstantText at={new Date(k.createdAt)} lang={lang} />
              </td>
              <td>{k.revokedAt ? <InstantText at={new Date(k.revokedAt)} lang={lang} /> : '—'}</td>
              <td>
                {k.revokedAt ? null : (
                  <form class="inline" method="post" action={consoleHref(`/staff/crawler-keys/${k.id}/revoke`, lang)}>
                    <CsrfField csrf={p.csrf} />
                    <button type="submit" class="secondary" aria-label={`${a.revokeKey}: ${k.name}`}>
                      {a.revokeKey}
                    </button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <form class="console-form" method="post" action={consoleHref('/staff/crawler-keys', lang)}>
        <CsrfField csrf={p.csrf} />
        <div class="field">
          <label for="key-name">{a.keyName}</label>
          <input id="key-name" name="name" type="text" required maxlength={100} value={p.name} />
        </div>
        <button type="submit">{a.makeKey}</button>
      </form>
    </ConsoleLayout>
  );
};
