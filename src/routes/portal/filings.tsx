/**
 * The vendor's filings (issue 15) at /vendor/services/:service/file/:kind: GET the form, POST it. The service is
 * the user's vendor's (`vendorServiceOf`: any other answers 404, before anything is read or written). The form is
 * read with the staff API's schema (400: the form again, errors inline, values kept); the domain's refusals answer
 * 409/422 as the form with the refusal; a filing done goes back to the service page (303).
 */
import { Hono } from 'hono';
import type { OpDef } from '../../console/operation-defs';
import { domainFieldError, type FieldErrors, type FormValues, formValues, itemRows, MIN_ITEM_ROWS, readForm } from '../../console/operations';
import type { ServiceRow } from '../../db/schema';
import { oversightOf } from '../../domain/lifecycle/oversight';
import { jstDate } from '../../domain/calendar';
import { AppError } from '../../errors';
import { noticeSettingsOf } from '../../notices/compose';
import { FILINGS, type FilingDef, fileAsVendor, isFilingKind } from '../../portal/filings';
import { vendorServiceOf } from '../../portal/services';
import { serviceEvents } from '../../repositories/events';
import { disclosureItems } from '../../repositories/services';
import type { Choice } from '../../views/console/operation-fields';
import { FilingFormPage, serviceRef } from '../../views/portal/filing-pages';
import { filingText } from '../../views/portal/filing-text';
import { portalHref } from '../../views/portal/layout';
import { answerRoutes } from './answers';
import { applicationRoutes } from './application';
import { langOf, page, portalSession, type PortalCtx, type PortalEnv, vendorUser } from './context';

type Target = { def: FilingDef; service: ServiceRow; choices: Record<string, Choice[]> };

const short = (s: string, n = 60) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** The user's own service (else 404) and the filing kind (else 404), with the choices its form offers. */
async function target(c: PortalCtx): Promise<Target> {
  const deps = c.get('deps');
  const db = deps.database.db;
  const service = await vendorServiceOf(db, vendorUser(c), c.req.param('service') ?? '');
  const kind = c.req.param('kind') ?? '';
  if (!isFilingKind(kind)) throw new AppError('not_found', 'no such filing');
  const def = FILINGS[kind];
  const choices: Record<string, Choice[]> = {};
  if (kind === 'emergency-progress') {
    const lang = langOf(c);
    const open = oversightOf(await serviceEvents(db, service.id), jstDate(deps.clock.now())).emergencies.filter((e) => !e.closedAt);
    choices.emergency = open.map((e) => ({
      value: e.id,
      label: `${filingText(lang).kindOptions[e.kind] ?? e.kind} · ${e.reportedAt.toISOString().slice(0, 10)} · ${short(e.summary.split('\n')[0] ?? '')}`,
    }));
  }
  return { def, service, choices };
}

/** A change notice starts from the items in force; the other forms from nothing. */
async function initialValues(c: PortalCtx, t: Target): Promise<FormValues> {
  const values: FormValues = {};
  if (t.def.kind !== 'change') return values;
  (await disclosureItems(c.get('deps').database.db, t.service.id)).forEach((it, i) => {
    values[`items.${i}.key`] = it.key;
    values[`items.${i}.labelJa`] = it.label_ja;
    values[`items.${i}.labelEn`] = it.label_en ?? '';
    values[`items.${i}.valueJa`] = it.value_ja;
    values[`items.${i}.valueEn`] = it.value_en ?? '';
    if (it.withheld) values[`items.${i}.withheld`] = 'on';
    values[`items.${i}.withheldReason`] = it.withheld_reason ?? '';
  });
  return values;
}

function rowsOf(def: FilingDef, values: FormValues, more: boolean): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const f of def.fields.filter((x) => x.kind === 'items')) {
    const rows = itemRows(f.name, values);
    const want = Math.min(200, Math.max(rows.length + 1, MIN_ITEM_ROWS) + (more ? 2 : 0));
    let next = (rows.at(-1) ?? -1) + 1;
    while (rows.length < want) rows.push(next++);
    out[f.name] = rows;
  }
  return out;
}

function formPage(
  c: PortalCtx,
  t: Target,
  values: FormValues,
  errors: FieldErrors,
  status: 200 | 400 | 409 | 422,
  refusal: { status: number; message: string } | null = null,
  more = false,
) {
  return page(
    c,
    <FilingFormPage
      lang={langOf(c)}
      user={vendorUser(c)}
      csrf={portalSession(c)!.csrf}
      service={{ id: t.service.id, number: t.service.number, nameJa: t.service.name_ja }}
      def={t.def}
      values={values}
      errors={errors}
      choices={t.choices}
      rows={rowsOf(t.def, values, more)}
      refusal={refusal}
    />,
    status,
  );
}

export function filingRoutes() {
  const r = new Hono<PortalEnv>();
  r.get('/services/:service/file/:kind', async (c) => {
    const t = await target(c);
    return formPage(c, t, await initialValues(c, t), {}, 200);
  });

  r.post('/services/:service/file/:kind', async (c) => {
    const t = await target(c);
    const body = await c.req.parseBody();
    const values = formValues(body);
    if (body._more !== undefined) return formPage(c, t, values, {}, 200, null, true);
    const def = t.def as unknown as OpDef;
    const read = readForm(def, values);
    if (!read.ok) return formPage(c, t, values, read.errors, 400);
    const deps = c.get('deps');
    try {
      const fc = { db: deps.database.db, clock: deps.clock, notices: noticeSettingsOf(deps.config, deps.mark) };
      await fileAsVendor(fc, vendorUser(c), t.service, t.def.kind, read.input);
      return c.redirect(`${portalHref(`/vendor/services/${serviceRef(t.service)}`, langOf(c))}#filings-h`, 303);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const inline = domainFieldError(def, err, read.rowsOf);
      if (inline) return formPage(c, t, values, inline, 400);
      if (err.kind === 'forbidden_transition' || err.kind === 'conflict' || err.kind === 'unprocessable') {
        const status = err.kind === 'unprocessable' ? 422 : 409;
        return formPage(c, t, values, {}, status, { status, message: err.message });
      }
      throw err;
    }
  });
  r.route('/', answerRoutes()); // answers to the body's requests (Arts. 15.1, 16.1): ./answers.tsx
  r.route('/', applicationRoutes()); // an application for a new service (Art. 4): ./application.tsx
  return r;
}
