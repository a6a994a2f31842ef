/**
 * Requests vendors filed through the portal that need staff's decision (issue 15: a renewal outside the Art. 12.1
 * window): the list, pending first, and one request with its self-declaration and the decision form (a reason,
 * then accept or decline). Vendor text is escaped by hono/jsx.
 */
import type { FC } from 'hono/jsx';
import type { Staff } from '../../http/env';
import type { VendorRequestView } from '../../portal/vendor-requests';
import { DateText, InstantText } from '../components';
import type { Lang } from '../i18n';
import { FlashBox, type Flash } from './auth-pages';
import { ConsoleLayout, consoleHref, CsrfField } from './layout';
import { DataTable } from './screens';
import { vendorRequestText } from './vendor-requests-text';

interface Base {
  lang: Lang;
  staff: Staff;
  csrf: string;
}

const requestHref = (lang: Lang, id: string) => consoleHref(`/staff/vendor-requests/${encodeURIComponent(id)}`, lang);

export const VendorRequestsPage: FC<Base & { list: VendorRequestView[] }> = ({ lang, staff, csrf, list }) => {
  const w = vendorRequestText(lang);
  return (
    <ConsoleLayout lang={lang} title={w.title} path="/staff/vendor-requests" staff={staff} csrf={csrf}>
      <h1>{w.title}</h1>
      <p>{w.intro}</p>
      {list.length === 0 ? (
        <p>{w.none}</p>
      ) : (
        <DataTable caption={w.title} head={[w.service, w.kind, w.by, w.receivedOn, w.status]}>
          {list.map((r) => (
            <tr>
              <td>
                <a href={requestHref(lang, r.id)}>
                  <span class="number">{r.serviceNumber ?? r.serviceId}</span> <bdi>{r.serviceName}</bdi>
                </a>
              </td>
              <td>{w.kinds[r.kind] ?? r.kind}</td>
              <td>
                <bdi>{r.userName}</bdi>
              </td>
              <td>
                <DateText date={r.receivedOn} lang={lang} />
              </td>
              <td>{w.statuses[r.status] ?? r.status}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </ConsoleLayout>
  );
};

export const VendorRequestPage: FC<Base & { r: VendorRequestView; flash: Flash | null; canDecide: boolean; reason: string; error: string | null }> = (p) => {
  const { lang, r } = p;
  const w = vendorRequestText(lang);
  return (
    <ConsoleLayout lang={lang} title={w.title} path={`/staff/vendor-requests/${r.id}`} staff={p.staff} csrf={p.csrf}>
      <p>
        <a href={consoleHref('/staff/vendor-requests', lang)}>{w.back}</a>
      </p>
      <h1>
        {w.kinds[r.kind] ?? r.kind}: <bdi>{r.serviceName}</bdi>
      </h1>
      <FlashBox flash={p.flash} />
      <dl class="facts">
        <dt>{w.service}</dt>
        <dd>
          <a href={consoleHref(`/staff/services/${encodeURIComponent(r.serviceNumber ?? r.serviceId)}`, lang)}>
            <span class="number">{r.serviceNumber ?? r.serviceId}</span> <bdi>{r.serviceName}</bdi>
          </a>
        </dd>
        <dt>{w.by}</dt>
        <dd>
          <bdi>{r.userName}</bdi>
        </dd>
        <dt>{w.receivedOn}</dt>
        <dd>
          <DateText date={r.receivedOn} lang={lang} /> (<InstantText at={r.receivedAt} lang={lang} />)
        </dd>
        <dt>{w.usedMarkCorrectly}</dt>
        <dd>{r.usedMarkCorrectly ? w.yes : w.no}</dd>
        <dt>{w.statement}</dt>
        <dd>
          <bdi>{r.statement}</bdi>
        </dd>
        <dt>{w.status}</dt>
        <dd>{w.statuses[r.status] ?? r.status}</dd>
        {r.reason ? (
          <>
            <dt>{w.decided}</dt>
            <dd>
              <bdi>{r.reason}</bdi>
              {r.decidedAt ? (
                <>
                  {' '}
                  (<InstantText at={r.decidedAt} lang={lang} />)
                </>
              ) : null}
            </dd>
          </>
        ) : null}
      </dl>
      {r.status === 'pending' && p.canDecide ? (
        <form class="console-form" method="post" action={consoleHref(`/staff/vendor-requests/${encodeURIComponent(r.id)}/decide`, lang)}>
          <CsrfField csrf={p.csrf} />
          <div class="field">
            <label for="f-reason">{w.reason}</label>
            <textarea
              id="f-reason"
              name="reason"
              rows={4}
              maxlength={2000}
              {...(p.error ? { 'aria-invalid': 'true' as const, 'aria-describedby': 'f-reason-error' } : {})}
            >
              {p.reason}
            </textarea>
            {p.error ? (
              <p id="f-reason-error" class="field-error">
                {p.error}
              </p>
            ) : null}
          </div>
          <button type="submit" name="decision" value="accept">
            {w.accept}
          </button>{' '}
          <button type="submit" name="decision" value="decline" class="secondary">
            {w.decline}
          </button>
        </form>
      ) : null}
    </ConsoleLayout>
  );
};
