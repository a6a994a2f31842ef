/**
 * A lifecycle operation as a form (issue 14): the form, naming its article, with its errors inline; then the
 * preview of what will change, with a confirm form that carries the values as hidden fields and the CSRF token.
 */
import type { FC } from 'hono/jsx';
import { mayApply } from '../../console/new-application';
import { offeredOperations, type OpDef, type ServiceDetail } from '../../console/operation-defs';
import type { FormValues, Preview } from '../../console/operations';
import { NOTICE_KINDS } from '../../notices/compose';
import type { CalendarDate } from '../../domain/calendar';
import type { Staff } from '../../http/env';
import { DateText } from '../components';
import type { Lang } from '../i18n';
import { ConsoleLayout, CsrfField, consoleHref } from './layout';
import { type Choice, controlId, type FieldProps, OpField } from './operation-fields';
import { articleText, fieldLabel, operationText, optionText } from './operation-text';
import { consoleText } from './text';

export interface OpService {
  id: string;
  number: string | null;
  name: string;
  status: string | null;
}

export interface OpPageBase {
  lang: Lang;
  staff: Staff;
  csrf: string;
  def: OpDef;
  service: OpService | null;
}

/** Where the operation's pages are: under its service, or the new application's own path. */
export const opBase = (def: OpDef, service: OpService | null) =>
  service ? `/staff/services/${encodeURIComponent(service.number ?? service.id)}/ops/${def.op}` : '/staff/applications/new';

export const opTitle = (def: OpDef, lang: Lang) => {
  const art = articleText(def.article, lang);
  return `${operationText(lang).ops[def.op] ?? def.op}${lang === 'ja' ? `（${art}）` : ` (${art})`}`;
};

const Heading: FC<{ lang: Lang; def: OpDef; service: OpService | null; prefix?: string }> = ({ lang, def, service, prefix }) => (
  <>
    {service ? (
      <p class="eyebrow">
        <span class="number">{service.number ?? service.id}</span> <bdi>{service.name}</bdi> · {consoleText(lang).statuses[service.status ?? 'registered']}
      </p>
    ) : null}
    <h1>{prefix ? operationText(lang).previewTitle(opTitle(def, lang)) : opTitle(def, lang)}</h1>
  </>
);

const Back: FC<{ lang: Lang; service: OpService | null }> = ({ lang, service }) => (
  <p>
    <a href={consoleHref(service ? `/staff/services/${encodeURIComponent(service.number ?? service.id)}` : '/staff/services', lang)}>
      {service ? operationText(lang).cancel : consoleText(lang).servicesTitle}
    </a>
  </p>
);

/** The form; `refusal` is the domain's answer when the rules refuse the operation now (409, 422). */
export const OperationFormPage: FC<OpPageBase & FieldProps & { refusal: { status: number; message: string } | null; facts: [string, string[]][] }> = (p) => {
  const t = operationText(p.lang);
  const base = opBase(p.def, p.service);
  const errors = Object.entries(p.errors);
  return (
    <ConsoleLayout lang={p.lang} title={opTitle(p.def, p.lang)} path={base} staff={p.staff} csrf={p.csrf}>
      <Heading lang={p.lang} def={p.def} service={p.service} />
      {p.facts.length ? (
        <dl class="facts">
          {p.facts.map(([k, days]) => (
            <div>
              <dt>{k}</dt>
              <dd>
                <Days days={days} lang={p.lang} />
              </dd>
            </div>
          ))}
        </dl>
      ) : null}
      {p.refusal ? (
        <div class="flash flash-bad" role="alert">
          <h2>{t.refused(p.refusal.status)}</h2>
          <p>
            <bdi>{p.refusal.message}</bdi>
          </p>
        </div>
      ) : null}
      {errors.length ? (
        <div class="form-errors" role="alert">
          <h2>{t.errorSummary}</h2>
          <ul>
            {errors.map(([name]) => (
              <li>
                <a href={`#${controlId(name)}`}>{fieldLabel(p.def, name, p.lang)}</a>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <form class="console-form" method="post" action={consoleHref(`${base}/preview`, p.lang)}>
        <CsrfField csrf={p.csrf} />
        {p.def.fields.map((f) => (
          <OpField op={p.def.op} f={f} p={p} />
        ))}
        <button type="submit">{t.preview}</button>
      </form>
      <Back lang={p.lang} service={p.service} />
    </ConsoleLayout>
  );
};

/** Calendar days (JST) as the console shows dates, a range joined by a dash. */
const Days: FC<{ days: string[]; lang: Lang }> = ({ days, lang }) => (
  <>
    {days.map((d, i) => (
      <>
        {i > 0 ? ' – ' : ''}
        <DateText date={d as CalendarDate} lang={lang} />
      </>
    ))}
  </>
);

const Change: FC<{ label: string; before: string | null; after: string | null; show?: boolean; dates?: Lang }> = ({ label, before, after, show, dates }) => {
  if (before === after && !show) return null;
  const value = (v: string | null) => (v === null ? '—' : dates ? <Days days={[v]} lang={dates} /> : v);
  return (
    <div>
      <dt>{label}</dt>
      <dd>
        {value(before)} → <strong>{value(after)}</strong>
      </dd>
    </div>
  );
};

/** What was entered, in words: labels and values (items by their keys), for the person to check. */
function enteredRows(def: OpDef, values: FormValues, choices: Record<string, Choice[]>, lang: Lang): [string, string][] {
  const t = operationText(lang);
  return def.fields.flatMap((f): [string, string][] => {
    const label = fieldLabel(def, f.name, lang);
    const v = values[f.name] ?? '';
    if (f.kind === 'items') {
      const keys = Object.keys(values)
        .filter((k) => k.startsWith(`${f.name}.`) && k.endsWith('.key') && values[k]!.trim())
        .map((k) => values[k]!.trim() + (values[k.replace(/\.key$/, '.withheld')] === 'on' ? ` (${t.item.withheld})` : ''));
      return [[label, keys.join(', ') || t.none]];
    }
    if (f.kind === 'checkbox') return [[label, v === 'on' ? t.yes : t.no]];
    if (f.kind === 'select') return [[label, choices[f.name]?.find((o) => o.value === v)?.label ?? optionText(f.name, v, lang)]];
    return [[label, v.trim() || t.none]];
  });
}

export const PreviewPage: FC<OpPageBase & { values: FormValues; preview: Preview; choices: Record<string, Choice[]> }> = (p) => {
  const t = operationText(p.lang);
  const c = consoleText(p.lang);
  const base = opBase(p.def, p.service);
  const v = p.preview;
  const status = (s: string | null) => (s === null ? null : (c.statuses[s] ?? s));
  return (
    <ConsoleLayout lang={p.lang} title={t.previewTitle(opTitle(p.def, p.lang))} path={base} staff={p.staff} csrf={p.csrf}>
      <Heading lang={p.lang} def={p.def} service={p.service} prefix="preview" />
      <p class="hint">{t.previewIntro}</p>
      <section aria-labelledby="changes-h">
        <h2 id="changes-h">{t.changes}</h2>
        <dl class="facts">
          <Change label={t.statusChange} before={status(v.before.status)} after={status(v.after.status)} show />
          <Change label={t.numberLabel} before={p.service?.number ?? null} after={v.number} />
          <Change label={t.validThrough} before={v.before.validThrough} after={v.after.validThrough} dates={p.lang} />
          <Change label={t.inForceThrough} before={v.before.inForceThrough} after={v.after.inForceThrough} dates={p.lang} />
          <Change label={t.publicStatus} before={status(v.before.public) ?? t.notPublic} after={status(v.after.public) ?? t.notPublic} />
        </dl>
        {v.proposed ? (
          <p class="flash">
            {t.proposal} <a href={consoleHref('/staff/revocations', p.lang)}>{t.proposals}</a>
          </p>
        ) : null}
      </section>
      <section aria-labelledby="events-h">
        <h2 id="events-h">{t.events}</h2>
        <ul>
          {v.events.map((e) => (
            <li>
              <span class="mono">{e.type}</span>
              {e.article ? ` (${articleText(e.article, p.lang)})` : ''}
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="published-h">
        <h2 id="published-h">{t.published}</h2>
        {v.published.length ? (
          <ul class="published">
            {v.published.map((e) => (
              <li>
                <bdi>{t.entry(e, p.lang)}</bdi>
              </li>
            ))}
          </ul>
        ) : (
          <p>{t.nothingPublished}</p>
        )}
      </section>
      <section aria-labelledby="notices-h">
        <h2 id="notices-h">{t.notices}</h2>
        {v.notices.length ? (
          <ul>
            {v.notices.map((n) => (
              <li>
                <bdi>{n.subject}</bdi> · <span class="mono">{n.kind}</span>
                {n.kind in NOTICE_KINDS ? ` (${articleText(NOTICE_KINDS[n.kind as keyof typeof NOTICE_KINDS], p.lang)})` : ''} · {t.noticeTo(n.recipients)}
                {n.dead ? <p class="field-error">{t.deadLetter}</p> : null}
              </li>
            ))}
          </ul>
        ) : (
          <p>{t.noNotices}</p>
        )}
      </section>
      <section aria-labelledby="entered-h">
        <h2 id="entered-h">{t.entered}</h2>
        <dl class="facts">
          {enteredRows(p.def, p.values, p.choices, p.lang).map(([k, val]) => (
            <div>
              <dt>{k}</dt>
              <dd class="entered">
                <bdi>{val}</bdi>
              </dd>
            </div>
          ))}
        </dl>
      </section>
      <form class="console-form" method="post" action={consoleHref(`${base}/commit`, p.lang)}>
        <CsrfField csrf={p.csrf} />
        {Object.entries(p.values).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <button type="submit">{t.commit}</button>
        <button type="submit" class="secondary" formaction={consoleHref(`${base}/edit`, p.lang)}>
          {t.edit}
        </button>
      </form>
      <Back lang={p.lang} service={p.service} />
    </ConsoleLayout>
  );
};

/** The operations a staff member may start on the service now, each naming its article (none for auditors; a committee member's opinion, Art. 7). */
export const OperationLinks: FC<{ lang: Lang; staff: Staff; s: ServiceDetail }> = ({ lang, staff, s }) => {
  const ops = offeredOperations(staff.role, s);
  if (ops.length === 0) return null;
  const service = { id: s.id, number: s.number, name: s.nameJa, status: s.status };
  return (
    <section aria-labelledby="operations-h">
      <h2 id="operations-h">{operationText(lang).operations}</h2>
      <ul class="operations">
        {ops.map((d) => (
          <li>
            <a href={consoleHref(opBase(d, service), lang)}>{opTitle(d, lang)}</a>
          </li>
        ))}
      </ul>
    </section>
  );
};

/** The services list's way to a new application (Art. 4), for those who may receive one. */
export const NewApplicationLink: FC<{ lang: Lang; staff: Staff }> = ({ lang, staff }) =>
  mayApply(staff.role) ? (
    <p>
      <a href={consoleHref('/staff/applications/new', lang)}>
        {operationText(lang).newApplication}
        {lang === 'ja' ? `（${articleText('Art. 4', lang)}）` : ` (${articleText('Art. 4', lang)})`}
      </a>
    </p>
  ) : null;
