/**
 * The vendor's application (issue 15, Art. 4) at /vendor/apply: GET the form, POST it as multipart (fields and
 * PDFs). Only the vendor's portal administrators (403 for members, before anything is read or written). The form
 * is read with the staff API's schemas (400: the form again, errors by their control, values kept); the domain's
 * refusals answer 409/422 as the form with the refusal; an application filed goes to the new service's page (303).
 */
import { Hono } from 'hono';
import type { OpDef } from '../../console/operation-defs';
import { domainFieldError, type FieldErrors, type FormValues, formValues, itemRows, MIN_ITEM_ROWS, readForm } from '../../console/operations';
import { AppError } from '../../errors';
import { noticeSettingsOf } from '../../notices/compose';
import { MAX_ANSWER_BODY, type Upload } from '../../portal/answers';
import { applyAsVendor, checkApplicationFiles, requireApplicant, VENDOR_APPLICATION, type VendorApplicationInput } from '../../portal/application';
import { type ApplicationFilesError, ApplicationFormPage, applicationText } from '../../views/portal/application-pages';
import { portalHref } from '../../views/portal/layout';
import { langOf, page, type PortalCtx, type PortalEnv, portalSession, vendorUser } from './context';

const DEF = VENDOR_APPLICATION as OpDef;
const ITEMS = 'application.items';

function rowsOf(values: FormValues, more: boolean): Record<string, number[]> {
  const rows = itemRows(ITEMS, values);
  const want = Math.min(200, Math.max(rows.length + 1, MIN_ITEM_ROWS) + (more ? 2 : 0));
  let next = (rows.at(-1) ?? -1) + 1;
  while (rows.length < want) rows.push(next++);
  return { [ITEMS]: rows };
}

function formPage(
  c: PortalCtx,
  values: FormValues,
  errors: FieldErrors,
  filesError: ApplicationFilesError | null,
  status: 200 | 400 | 409 | 422,
  refusal: string | null = null,
  more = false,
) {
  return page(
    c,
    <ApplicationFormPage
      lang={langOf(c)}
      user={vendorUser(c)}
      csrf={portalSession(c)!.csrf}
      values={values}
      errors={errors}
      filesError={filesError}
      rows={rowsOf(values, more)}
      refusal={refusal}
    />,
    status,
  );
}

/** The PDFs sent (an empty file control sends one nameless, empty file: not a document). */
async function uploadsOf(v: unknown): Promise<Upload[]> {
  const out: Upload[] = [];
  for (const f of Array.isArray(v) ? v : v === undefined ? [] : [v]) {
    if (!(f instanceof File) || (f.size === 0 && !f.name)) continue;
    out.push({ name: f.name || 'document.pdf', bytes: Buffer.from(await f.arrayBuffer()) });
  }
  return out;
}

const filesProblem = (err: AppError): ApplicationFilesError =>
  ({ reason: (err.extra?.reason as string | undefined) ?? 'type', file: (err.extra?.file as string | null | undefined) ?? null }) as ApplicationFilesError;

export function applicationRoutes() {
  const r = new Hono<PortalEnv>();
  r.get('/apply', (c) => {
    requireApplicant(vendorUser(c)); // 403 for members
    return formPage(c, {}, {}, null, 200);
  });

  r.post('/apply', async (c) => {
    const user = vendorUser(c);
    requireApplicant(user); // 403 for members, before the form is read
    if (Number(c.req.header('content-length') ?? 0) > MAX_ANSWER_BODY) return formPage(c, {}, {}, { reason: 'body', file: null }, 400);
    const body = await c.req.parseBody({ all: true });
    const values = formValues(body);
    if (body._more !== undefined) return formPage(c, values, {}, null, 200, null, true);
    const read = readForm(DEF, values);
    let files: Upload[] = [];
    let filesError: ApplicationFilesError | null = null;
    try {
      files = await uploadsOf(body.files);
      checkApplicationFiles(files); // Art. 4.1: PDFs, at least one, bounded: nothing is stored otherwise
    } catch (err) {
      if (!(err instanceof AppError) || err.kind !== 'invalid') throw err;
      filesError = filesProblem(err);
    }
    if (!read.ok || filesError) return formPage(c, values, read.ok ? {} : read.errors, filesError, 400);
    const deps = c.get('deps');
    try {
      const fc = { db: deps.database.db, clock: deps.clock, notices: noticeSettingsOf(deps.config, deps.mark) };
      const done = await applyAsVendor(fc, user, read.input as VendorApplicationInput, files);
      return c.redirect(`${portalHref(`/vendor/services/${encodeURIComponent(done.serviceId)}`, langOf(c))}#filings-h`, 303);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.kind === 'invalid' && (err.field === 'files' || err.field === 'name')) return formPage(c, values, {}, filesProblem(err), 400);
      const inline = domainFieldError(DEF, err, read.rowsOf);
      if (inline) return formPage(c, values, inline, null, 400);
      if (err.kind === 'forbidden_transition' || err.kind === 'conflict' || err.kind === 'unprocessable') {
        const status = err.kind === 'unprocessable' ? 422 : 409;
        // Art. 8: a similar service revoked within the year: staff, not the vendor, say whether this one continues it
        return formPage(c, values, {}, null, status, err.field === 'continues' ? applicationText(langOf(c)).continuity : err.message);
      }
      throw err;
    }
  });
  return r;
}
