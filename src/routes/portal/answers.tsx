/**
 * The vendor's answers (issue 15, Arts. 15.1, 16.1) at /vendor/services/:service/answer/:request: GET the form for
 * an open request of the user's own service, POST it as multipart (text and PDFs). Another vendor's service, an
 * unknown request or one staff already judged: 404, before anything is read or written. Bad input answers 400 as
 * the form with the error by its control and the text kept; an answer filed goes back to the service page (303).
 */
import { Hono } from 'hono';
import { AppError } from '../../errors';
import { noticeSettingsOf } from '../../notices/compose';
import { AnswerText, answerRequest, checkUploads, MAX_ANSWER_BODY, type OpenRequest, openRequestOf, type Upload } from '../../portal/answers';
import { vendorServiceOf } from '../../portal/services';
import type { ServiceRow } from '../../db/schema';
import { type AnswerErrors, AnswerFormPage } from '../../views/portal/answer-pages';
import { serviceRef } from '../../views/portal/filing-pages';
import { portalHref } from '../../views/portal/layout';
import { langOf, page, type PortalCtx, type PortalEnv, portalSession, vendorUser } from './context';

type Target = { service: ServiceRow; request: OpenRequest };

async function target(c: PortalCtx): Promise<Target> {
  const deps = c.get('deps');
  const service = await vendorServiceOf(deps.database.db, vendorUser(c), c.req.param('service') ?? ''); // isolation: 404
  const request = await openRequestOf({ db: deps.database.db, clock: deps.clock }, service, (c.req.param('request') ?? '').slice(0, 100));
  return { service, request };
}

function formPage(c: PortalCtx, t: Target, text: string, errors: AnswerErrors, status: 200 | 400 | 409, refusal: string | null = null) {
  return page(
    c,
    <AnswerFormPage
      lang={langOf(c)}
      user={vendorUser(c)}
      csrf={portalSession(c)!.csrf}
      service={{ id: t.service.id, number: t.service.number, nameJa: t.service.name_ja }}
      request={t.request}
      text={text}
      errors={errors}
      refusal={refusal}
    />,
    status,
  );
}

/** The files the form sent (an empty file control sends one nameless, empty file: not an attachment). */
async function uploadsOf(v: unknown): Promise<Upload[]> {
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  const out: Upload[] = [];
  for (const f of list) {
    if (typeof f === 'string') throw new AppError('invalid', 'attachments are sent as files', { field: 'files', extra: { reason: 'type', file: null } });
    if (!(f instanceof File) || (f.size === 0 && !f.name)) continue;
    out.push({ name: f.name || 'document.pdf', bytes: Buffer.from(await f.arrayBuffer()) });
  }
  return out;
}

const filesProblem = (err: AppError): AnswerErrors['files'] => ({
  reason: ((err.extra?.reason as string | undefined) ?? 'type') as 'type',
  file: (err.extra?.file as string | null | undefined) ?? null,
});

export function answerRoutes() {
  const r = new Hono<PortalEnv>();
  r.get('/services/:service/answer/:request', async (c) => formPage(c, await target(c), '', {}, 200));

  r.post('/services/:service/answer/:request', async (c) => {
    const t = await target(c);
    // Bounded before the files are read (the size of each is checked again below)
    if (Number(c.req.header('content-length') ?? 0) > MAX_ANSWER_BODY) return formPage(c, t, '', { files: { reason: 'body', file: null } }, 400);
    const body = await c.req.parseBody({ all: true });
    const raw = typeof body.text === 'string' ? body.text.slice(0, 20_000) : '';
    const errors: AnswerErrors = {};
    const text = AnswerText.safeParse({ text: raw });
    if (!text.success) errors.text = true;
    let files: Upload[] = [];
    try {
      files = await uploadsOf(body.files);
      checkUploads(files); // PDF only, bounded in size and count: nothing is stored otherwise
    } catch (err) {
      if (!(err instanceof AppError) || err.kind !== 'invalid') throw err;
      errors.files = filesProblem(err);
    }
    if (!text.success || errors.files) return formPage(c, t, raw, errors, 400);
    const deps = c.get('deps');
    try {
      const fc = { db: deps.database.db, clock: deps.clock, notices: noticeSettingsOf(deps.config, deps.mark) };
      await answerRequest(fc, vendorUser(c), t.service, t.request.id, { text: text.data.text, files });
      return c.redirect(`${portalHref(`/vendor/services/${serviceRef(t.service)}`, langOf(c))}#requests-h`, 303);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.kind === 'invalid' && (err.field === 'files' || err.field === 'name')) return formPage(c, t, raw, { files: filesProblem(err) }, 400);
      if (err.kind === 'conflict' || err.kind === 'forbidden_transition') return formPage(c, t, raw, {}, 409, err.message);
      throw err;
    }
  });
  return r;
}
