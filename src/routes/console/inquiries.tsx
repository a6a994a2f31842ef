/**
 * The inquiry desk in the console (Art. 18, issue 14), through the same domain functions as the staff API
 * (src/routes/public/inquiries-admin.ts): inquirySummaries (no personal data), inquiryForStaff (audited,
 * Art. 20), answerInquiry and closeInquiry. Admins, reviewers and auditors read; admins and reviewers write.
 */
import { Hono } from 'hono';
import { AppError } from '../../errors';
import { problemStatus } from '../../http/problem';
import { answerInquiry, closeInquiry, inquiryForStaff, inquirySummaries, type InquirySummary } from '../../publication/inquiries';
import type { Flash } from '../../views/console/auth-pages';
import { backOfficeText } from '../../views/console/back-office-text';
import { INQUIRY_STATUSES, InquiriesPage, InquiryPage } from '../../views/console/inquiry-page';
import { consoleHref } from '../../views/console/layout';
import { actorNames } from './cases';
import { langOf, lifecycleContext, page, reader, requireRole, session, staff, type ConsoleCtx, type ConsoleEnv } from './context';
import { formBody, formError, keep, optionalText, requiredText, type FormBody } from './form-fields';

const PAGE = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function inquiryId(c: ConsoleCtx): string {
  const id = c.req.param('id') ?? '';
  if (!UUID.test(id)) throw new AppError('not_found', 'inquiry not found');
  return id;
}

/** The keyset of the next page, as the link gave it; anything else starts from the newest. */
function cursor(raw: string | undefined): { receivedAt: Date; id: string } | null {
  if (!raw || raw.length > 200) return null;
  const [at, id] = Buffer.from(raw, 'base64url').toString('utf8').split('|');
  const receivedAt = new Date(at ?? '');
  return id && UUID.test(id) && !Number.isNaN(receivedAt.getTime()) ? { receivedAt, id } : null;
}

async function renderInquiry(c: ConsoleCtx, id: string, flash: Flash | null, status: 200 | 400 | 409 = 200, sent?: FormBody) {
  const who = staff(c);
  const q = await inquiryForStaff(reader(c), id);
  const name = await actorNames(
    c,
    [q.answeredBy, q.closedBy].filter((a): a is string => a !== null),
  );
  const view = { ...q, answeredByName: q.answeredBy ? name(q.answeredBy) : null, closedByName: q.closedBy ? name(q.closedBy) : null };
  const form = { answer: sent ? keep(sent, 'answer', 20_000) : '', note: sent ? keep(sent, 'note', 2000) : '' };
  const canWrite = who.role === 'admin' || who.role === 'reviewer';
  return page(c, <InquiryPage lang={langOf(c)} staff={who} csrf={session(c)!.csrf} q={view} flash={flash} canWrite={canWrite} form={form} />, status);
}

export function inquiryRoutes() {
  const r = new Hono<ConsoleEnv>();

  r.get('/inquiries', async (c) => {
    const lang = langOf(c);
    const who = requireRole(c, 'admin', 'reviewer', 'auditor');
    const q = c.req.query('status') ?? '';
    const status = (INQUIRY_STATUSES as readonly string[]).includes(q) ? (q as InquirySummary['status']) : null;
    const { page: items, more } = await inquirySummaries(c.get('deps').database.db, { limit: PAGE, before: cursor(c.req.query('cursor')), status });
    const last = items.at(-1);
    const next =
      more && last ? consoleHref('/staff/inquiries', lang, { status, cursor: Buffer.from(`${last.receivedAt}|${last.id}`).toString('base64url') }) : null;
    return page(c, <InquiriesPage lang={lang} staff={who} csrf={session(c)!.csrf} items={items} status={status ?? ''} next={next} />);
  });

  r.get('/inquiries/:id', async (c) => {
    const id = inquiryId(c);
    requireRole(c, 'admin', 'reviewer', 'auditor');
    const done = backOfficeText(langOf(c)).done[c.req.query('m') ?? ''];
    return renderInquiry(c, id, done ? { text: done } : null);
  });

  const step = (path: string, act: (c: ConsoleCtx, id: string, f: FormBody) => Promise<string>) =>
    r.post(`/inquiries/:id/${path}`, async (c) => {
      const id = inquiryId(c);
      requireRole(c, 'admin', 'reviewer');
      const f = await formBody(c);
      try {
        const done = await act(c, id, f);
        return c.redirect(consoleHref(`/staff/inquiries/${id}`, langOf(c), { m: done }), 303);
      } catch (err) {
        const known = formError(err);
        if (!known) throw err;
        const w = backOfficeText(langOf(c));
        return renderInquiry(c, id, { text: `${w.errorIntro}: ${known.message}`, bad: true }, problemStatus(known.kind) as 400 | 409, f);
      }
    });

  step('answer', async (c, id, f) => {
    await answerInquiry(lifecycleContext(c), id, requiredText(f, 'answer', 20_000));
    return 'answered';
  });
  step('closing', async (c, id, f) => {
    await closeInquiry(lifecycleContext(c), id, optionalText(f, 'note', 2000));
    return 'closed';
  });
  return r;
}
