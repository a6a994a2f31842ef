/**
 * The portal's filing forms (issue 15) and the service page's "届出・回答" section. The controls are the
 * console's (labels, errors tied to their control, values kept); no script: a plain POST form. Vendor text is
 * escaped by hono/jsx.
 */
import type { FC } from 'hono/jsx';
import type { FieldErrors, FormValues } from '../../console/operations';
import type { FilingDef, FilingKind } from '../../portal/filings';
import type { VendorServiceView } from '../../portal/services';
import type { VendorUser } from '../../portal/sessions';
import { DateText, InstantText } from '../components';
import { FlashBox } from '../console/auth-pages';
import { type Choice, Control, type FieldProps, ItemsField } from '../console/operation-fields';
import { DataTable } from '../console/screens';
import type { Lang } from '../i18n';
import { CsrfField, PortalLayout, portalHref } from './layout';
import { filingText } from './filing-text';

export const serviceRef = (s: { id: string; number: string | null }) => encodeURIComponent(s.number ?? s.id);
export const filingHref = (s: { id: string; number: string | null }, kind: string, lang: Lang) =>
  portalHref(`/vendor/services/${serviceRef(s)}/file/${kind}`, lang);

const SUPERVISED = ['certified', 'renewal_pending', 'expired'];

/** The filings the service page links to, in the service's present state (the domain decides on filing). */
export function offeredFilings(s: Pick<VendorServiceView, 'status' | 'emergencies' | 'certificateOutstanding'>): FilingKind[] {
  const st = s.status ?? '';
  const out: FilingKind[] = [];
  if (st === 'certified') out.push('renewal');
  if (st === 'applied' || SUPERVISED.includes(st)) out.push('change');
  if (SUPERVISED.includes(st)) out.push('emergency');
  if (s.emergencies.length > 0) out.push('emergency-progress');
  if (SUPERVISED.includes(st)) out.push('termination');
  if (s.certificateOutstanding) out.push('certificate-return');
  return out;
}

export interface FilingFormProps {
  lang: Lang;
  user: VendorUser;
  csrf: string;
  service: { id: string; number: string | null; nameJa: string };
  def: FilingDef;
  values: FormValues;
  errors: FieldErrors;
  choices: Record<string, Choice[]>;
  rows: Record<string, number[]>;
  refusal: { status: number; message: string } | null;
}

export const FilingFormPage: FC<FilingFormProps> = (p) => {
  const t = filingText(p.lang);
  const title = t.kinds[p.def.kind]!;
  const fp: FieldProps = { lang: p.lang, values: p.values, errors: p.errors, choices: p.choices, rows: p.rows };
  const back = portalHref(`/vendor/services/${serviceRef(p.service)}`, p.lang);
  return (
    <PortalLayout lang={p.lang} title={title} path={`/vendor/services/${serviceRef(p.service)}/file/${p.def.kind}`} user={p.user} csrf={p.csrf}>
      <p>
        <a href={back}>
          {t.back}: <bdi>{p.service.nameJa}</bdi>
        </a>
      </p>
      <h1>{title}</h1>
      <p class="hint">{t.intros[p.def.kind]}</p>
      <FlashBox flash={p.refusal ? { text: `${t.refused}: ${p.refusal.message}`, bad: true } : null} />
      {p.errors._form ? (
        <p class="field-error" role="alert">
          {p.errors._form}
        </p>
      ) : null}
      <form class="console-form" method="post" action={filingHref(p.service, p.def.kind, p.lang)}>
        <CsrfField csrf={p.csrf} />
        {p.def.fields.map((f) => {
          const label = t.fields[f.name] ?? f.name;
          if (f.kind === 'items') return <ItemsField name={f.name} label={label} p={fp} />;
          const options = p.choices[f.name] ?? f.options?.map((o) => ({ value: o, label: t.kindOptions[o] ?? o }));
          return <Control name={f.name} kind={f.kind} label={label} optional={f.optional && f.kind !== 'select'} max={f.max} p={fp} options={options} />;
        })}
        <button type="submit">{t.submit}</button>
      </form>
    </PortalLayout>
  );
};

/** The service page's section: links to the filings, the filings received, the requests and their outcome. */
export const FilingsSection: FC<{ lang: Lang; s: VendorServiceView }> = ({ lang, s }) => {
  const t = filingText(lang);
  const offered = offeredFilings(s);
  return (
    <section aria-labelledby="filings-h">
      <h2 id="filings-h">{t.section}</h2>
      {offered.length > 0 ? (
        <>
          <p>{t.sectionIntro}</p>
          <ul>
            {offered.map((k) => (
              <li>
                <a href={filingHref(s, k, lang)}>{t.kinds[k]}</a>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>{t.notOffered}</p>
      )}
      <h3 id="filed-h">{t.filedTitle}</h3>
      {s.filings.length === 0 ? (
        <p>{t.noFilings}</p>
      ) : (
        <DataTable caption={t.filedTitle} head={[t.receivedAt, t.what]}>
          {s.filings.map((e) => (
            <tr>
              <td>
                <InstantText at={e.at} lang={lang} />
              </td>
              <td>{t.events[e.type] ?? e.type}</td>
            </tr>
          ))}
        </DataTable>
      )}
      {s.vendorRequests.length > 0 ? (
        <>
          <h3 id="vendor-requests-h">{t.requestsTitle}</h3>
          <ul>
            {s.vendorRequests.map((r) => (
              <li>
                {t.kinds[r.kind]} — <DateText date={r.receivedOn} lang={lang} />: <strong>{t.requestStatus[r.status]}</strong>
                {r.reason ? (
                  <>
                    {' '}
                    （{t.reason}: <bdi>{r.reason}</bdi>）
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
};
