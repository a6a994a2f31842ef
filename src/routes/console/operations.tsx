/**
 * The lifecycle operations as forms (issue 14): GET the form, POST …/preview (validated by the staff API's
 * schema; a dry run of the domain function shows what will change, nothing written), POST …/commit (the same
 * domain function, committed; 303 to the service page), POST …/edit (back to the form with the values). Roles and
 * scope as the staff API: a delegate reaches its services only (else 404), auditors and committee members act on
 * nothing, revocation is the admin's.
 */
import { Hono } from 'hono';
import { NEW_APPLICATION } from '../../console/new-application';
import { type OpDef, operationOf, type ServiceDetail } from '../../console/operation-defs';
import {
  commitOperation,
  domainFieldError,
  type FieldErrors,
  type FormValues,
  formValues,
  itemRows,
  MIN_ITEM_ROWS,
  previewOperation,
  readForm,
} from '../../console/operations';
import { resolveService, staffServiceView, vendorList } from '../../domain/lifecycle/staff-view';
import { latestExtension } from '../../domain/validity';
import { AppError } from '../../errors';
import type { Lang } from '../../views/i18n';
import { consoleHref } from '../../views/console/layout';
import type { Choice } from '../../views/console/operation-fields';
import { OperationFormPage, type OpService, PreviewPage } from '../../views/console/operation-forms';
import { operationText, optionText } from '../../views/console/operation-text';
import { type ConsoleCtx, type ConsoleEnv, langOf, lifecycleContext, page, requireInScope, requireRole, session } from './context';

type Target = { def: OpDef; service: OpService | null; detail: ServiceDetail | null; choices: Record<string, Choice[]> };

const short = (s: string, n = 60) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** The operation, its service (in the staff member's scope) and the choices its form offers. */
async function target(c: ConsoleCtx, op: string | null): Promise<Target> {
  const deps = c.get('deps');
  const db = deps.database.db;
  const lang = langOf(c);
  if (op === null) {
    requireRole(c, ...NEW_APPLICATION.roles);
    const vendors = await vendorList(db);
    const choices = { vendorId: [{ value: '', label: operationText(lang).newVendor }, ...vendors.map((v) => ({ value: v.id, label: v.nameJa }))] };
    return { def: NEW_APPLICATION, service: null, detail: null, choices };
  }
  const def = operationOf(op);
  if (!def) throw new AppError('not_found', 'no such operation');
  const row = await resolveService(db, c.req.param('service')!.slice(0, 100)).catch(() => {
    throw new AppError('not_found', 'no such service');
  });
  requireInScope(c, row.id); // Arts. 7, 19: before anything else
  const who = requireRole(c, ...def.roles);
  const detail = await staffServiceView(db, deps.clock, who.id, row);
  const name = lang === 'en' && detail.nameEn ? detail.nameEn : detail.nameJa;
  const service = { id: row.id, number: row.number, name, status: detail.status };
  const choices: Record<string, Choice[]> = {
    emergency: detail.oversight.emergencies
      .filter((e) => !e.closedAt)
      .map((e) => ({
        value: String(e.id),
        label: `${optionText('kind', String(e.kind), lang)} · ${String(e.reportedAt).slice(0, 10)} · ${short(String(e.summary))}`,
      })),
    investigationId: detail.oversight.investigations.map((i) => ({ value: String(i.id), label: `${short(String(i.subject))} · ${String(i.dueOn)}` })),
    investigation: detail.oversight.investigations
      .filter((i) => !i.answer)
      .map((i) => ({ value: String(i.id), label: `${short(String(i.subject))} · ${String(i.dueOn)}` })),
    improvement: detail.oversight.improvements
      .filter((i) => (def.op === 'improvement-publication' ? !i.publishedAt : !i.completedAt))
      .map((i) => ({ value: String(i.id), label: `${short(String(i.content))} · ${String(i.dueOn)}` })),
  };
  return { def, service, detail, choices };
}

/** What a form shows first: a change notice starts from the items in force; the rest from nothing. */
function initialValues(t: Target): FormValues {
  const values: FormValues = {};
  if (t.def.op === 'revoke') values.noticeSentBy = 'not_sent';
  if (t.def.op === 'origins' && t.detail) values.origins = t.detail.origins.join('\n');
  if (t.def.op === 'change' && t.detail) {
    t.detail.disclosure.items.forEach((it, i) => {
      values[`items.${i}.key`] = it.key;
      values[`items.${i}.labelJa`] = it.labelJa;
      values[`items.${i}.labelEn`] = it.labelEn ?? '';
      values[`items.${i}.valueJa`] = it.valueJa;
      values[`items.${i}.valueEn`] = it.valueEn ?? '';
      if (it.withheld) values[`items.${i}.withheld`] = 'on';
      values[`items.${i}.withheldReason`] = it.withheldReason ?? '';
    });
  }
  return values;
}

/** The rows each items field shows: those sent, then empty ones up to the minimum (more when asked). */
function rowsOf(def: OpDef, values: FormValues, more: boolean): Record<string, number[]> {
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

/** The dates the form is about: validity, and the renewal window or the latest extension (the domain's own functions). */
function factsOf(t: Target, lang: Lang): [string, string[]][] {
  const o = operationText(lang);
  const d = t.detail;
  if (!d) return [];
  const rows: [string, string[]][] = [];
  if (d.validThrough) rows.push([o.validThrough, [d.validThrough]]);
  if (d.inForceThrough && d.inForceThrough !== d.validThrough) rows.push([o.inForceThrough, [d.inForceThrough]]);
  if (t.def.op === 'renew' && d.renewalWindow) rows.push([o.window, [d.renewalWindow.opensOn, d.renewalWindow.closesOn]]);
  if (t.def.op === 'extend' && d.validThrough) rows.push([o.latestExtension, [latestExtension(d.validThrough)]]);
  return rows;
}

function formPage(
  c: ConsoleCtx,
  t: Target,
  values: FormValues,
  errors: FieldErrors,
  status: 200 | 400 | 409 | 422,
  refusal: { status: number; message: string } | null = null,
  more = false,
) {
  return page(
    c,
    <OperationFormPage
      lang={langOf(c)}
      staff={requireRole(c, ...t.def.roles)}
      csrf={session(c)!.csrf}
      def={t.def}
      service={t.service}
      values={values}
      errors={errors}
      choices={t.choices}
      rows={rowsOf(t.def, values, more)}
      refusal={refusal}
      facts={factsOf(t, langOf(c))}
    />,
    status,
  );
}

async function step(c: ConsoleCtx, op: string | null, which: string) {
  const t = await target(c, op);
  if (which !== 'edit' && which !== 'preview' && which !== 'commit') throw new AppError('not_found', 'no such page');
  const body = await c.req.parseBody();
  const values = formValues(body);
  if (which === 'edit' || body._more !== undefined) return formPage(c, t, values, {}, 200, null, body._more !== undefined);
  const read = readForm(t.def, values);
  if (!read.ok) return formPage(c, t, values, read.errors, 400);
  const ctx = lifecycleContext(c);
  const rc = { approvals: c.get('deps').config.revocationApprovals };
  const serviceId = t.service?.id ?? null;
  try {
    if (which === 'preview') {
      const preview = await previewOperation(ctx, t.def, serviceId, read.input, rc);
      return page(
        c,
        <PreviewPage
          lang={langOf(c)}
          staff={requireRole(c, ...t.def.roles)}
          csrf={session(c)!.csrf}
          def={t.def}
          service={t.service}
          values={values}
          preview={preview}
          choices={t.choices}
        />,
      );
    }
    const done = await commitOperation(ctx, t.def, serviceId, read.input, rc);
    return c.redirect(`${consoleHref(`/staff/services/${encodeURIComponent(done.number ?? done.serviceId)}`, langOf(c))}#timeline-h`, 303);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const inline = domainFieldError(t.def, err, read.rowsOf);
    if (inline) return formPage(c, t, values, inline, 400);
    if (err.kind === 'forbidden_transition' || err.kind === 'conflict' || err.kind === 'unprocessable') {
      const status = err.kind === 'unprocessable' ? 422 : 409;
      return formPage(c, t, values, {}, status, { status, message: err.message });
    }
    throw err;
  }
}

export function operationRoutes() {
  const r = new Hono<ConsoleEnv>();
  r.get('/applications/new', async (c) => {
    const t = await target(c, null);
    return formPage(c, t, { 'vendor.language': 'ja' }, {}, 200);
  });
  r.post('/applications/new/:step', (c) => step(c, null, c.req.param('step')));
  r.get('/services/:service/ops/:op', async (c) => {
    const t = await target(c, c.req.param('op'));
    return formPage(c, t, initialValues(t), {}, 200);
  });
  r.post('/services/:service/ops/:op/:step', (c) => step(c, c.req.param('op'), c.req.param('step')));
  return r;
}
