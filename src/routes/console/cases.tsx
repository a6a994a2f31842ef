/**
 * The case queue and a misuse case with its actions (issue 14). Every read and write goes through the same
 * domain functions as the staff API (src/routes/admin/cases.ts): casesForStaff, caseForStaff,
 * sightingImageForStaff (audited, Art. 20), dismissCase and actOnCase. Roles as the API: admin, reviewer,
 * auditor and delegate read; admin and reviewer act; only an admin proposes a revocation; a delegate reaches the
 * cases of its assigned services only (Art. 19), any other answers 404 on every route, before anything is read.
 */
import { Hono } from 'hono';
import { addDays, jstDate } from '../../domain/calendar';
import { AppError } from '../../errors';
import { problemStatus } from '../../http/problem';
import { findCase } from '../../repositories/cases';
import { imageSeenOnServices } from '../../repositories/sightings';
import { staffNames } from '../../repositories/staff-accounts';
import { actOnCase, caseAfterAction, caseForStaff, casesForStaff, dismissCase, sightingImageForStaff, type CaseAction } from '../../sightings/cases';
import type { Flash } from '../../views/console/auth-pages';
import { backOfficeText } from '../../views/console/back-office-text';
import { DELIVERIES, type CaseFormValues } from '../../views/console/case-actions';
import { CASE_FINDINGS, CasePage, CaseQueuePage, QUEUES, type CaseDetailView } from '../../views/console/case-page';
import { consoleHref } from '../../views/console/layout';
import { langOf, lifecycleContext, page, reader, requireRole, session, staff, type ConsoleCtx, type ConsoleEnv } from './context';
import { calendarDate, formBody, formError, keep, oneOf, optionalText, pathId, requiredText, type FormBody } from './form-fields';

const SIGHTINGS_SHOWN = 20;
const READERS = ['admin', 'reviewer', 'auditor', 'delegate'] as const;

/** Art. 19: a scoped role reaches only the cases of its services; any other case is unknown to it. */
async function caseInScope(c: ConsoleCtx, id: string): Promise<void> {
  const scope = staff(c).scope;
  if (!scope) return;
  const k = await findCase(c.get('deps').database.db, id);
  if (!k || k.service_id === null || !scope.has(k.service_id)) throw new AppError('not_found', 'no such case');
}

/** Actors as people read them: a staff account's or token's name, else the actor as recorded (crawler, …). */
export async function actorNames(c: ConsoleCtx, actors: string[]): Promise<(actor: string) => string> {
  const ids = [...new Set(actors.filter((a) => a.startsWith('staff:')).map((a) => a.slice(6)))];
  const names = await staffNames(c.get('deps').database.db, ids);
  return (a) => (a.startsWith('staff:') ? (names.get(a.slice(6)) ?? a) : a);
}

const iso = (d: Date | string) => new Date(d);

async function caseView(c: ConsoleCtx, id: string): Promise<CaseDetailView> {
  const db = c.get('deps').database.db;
  const { found: k, sightings, history, proposals } = await caseForStaff(reader(c), id, SIGHTINGS_SHOWN);
  const ids = history.flatMap((h) => h.event_ids);
  const types = new Map(
    ids.length ? (await db.selectFrom('events').select(['id', 'type']).where('id', 'in', ids).execute()).map((e) => [e.id, e.type] as const) : [],
  );
  const name = await actorNames(c, [...history.map((h) => h.actor), ...proposals.map((p) => p.proposedBy)]);
  const latest = sightings[0] ?? null;
  const withImage = sightings.find((s) => s.image_sha256 !== null) ?? latest;
  const image = (latest?.evidence as { image?: { variant?: unknown } } | undefined)?.image;
  return {
    id: k.id,
    finding: k.finding,
    status: k.status,
    awaiting: k.awaiting,
    dueOn: k.awaiting_until === null ? null : addDays(jstDate(new Date(k.awaiting_until)), -1),
    serviceId: k.service_id,
    serviceNumber: k.service_number,
    pageUrl: k.page_url,
    firstSeenAt: iso(k.first_seen_at),
    lastSeenAt: iso(k.last_seen_at),
    closeReason: k.close_reason,
    repeatCount: k.sightings_count - 1,
    reopenCount: k.reopen_count,
    latest: latest && {
      seenAt: iso(latest.seen_at),
      linkHref: latest.link_href,
      token: latest.token,
      imageSha256: withImage?.image_sha256 ?? null,
      findings: latest.findings.includes(k.finding) ? [k.finding, ...latest.findings.filter((f) => f !== k.finding)] : latest.findings,
      evidence: latest.evidence,
    },
    variant: image?.variant === 'mono' ? 'mono' : 'colour',
    sightings: sightings.map((s) => ({ id: s.id, seenAt: iso(s.seen_at), findings: s.findings })),
    history: history.map((h) => ({
      id: h.id,
      at: iso(h.at),
      by: name(h.actor),
      kind: h.kind,
      proposalId: typeof h.details.proposalId === 'string' ? h.details.proposalId : null,
      events: h.event_ids.map((e) => ({ id: e, type: types.get(e) ?? '' })),
    })),
    proposals: proposals.map((p) => ({ ...p, proposedByName: name(p.proposedBy) })),
  };
}

function emptyForm(c: ConsoleCtx, k: { finding: string; pageUrl: string }): CaseFormValues {
  const w = backOfficeText(langOf(c));
  const today = jstDate(c.get('deps').clock.now());
  return {
    reason: '',
    subject: w.investigationSubject(w.findings[k.finding] ?? k.finding, k.pageUrl),
    content: '',
    dueOn: addDays(today, 14),
    publish: false,
    proposalReason: '',
    letter: '',
    sentBy: 'post',
  };
}

async function renderCase(c: ConsoleCtx, id: string, flash: Flash | null, status: 400 | 409 | 422 | 200 = 200, sent?: FormBody, errorField?: string | null) {
  const lang = langOf(c);
  const who = staff(c);
  const k = await caseView(c, id);
  let form = emptyForm(c, k);
  if (sent) {
    const kind = keep(sent, 'kind');
    form = {
      ...form,
      ...(kind === '' ? { reason: keep(sent, 'reason', 2000) } : {}),
      ...(kind === 'investigation' ? { subject: keep(sent, 'subject', 5000), dueOn: keep(sent, 'dueOn', 10) } : {}),
      ...(kind === 'improvement' ? { content: keep(sent, 'content', 5000), dueOn: keep(sent, 'dueOn', 10), publish: sent.publish === '1' } : {}),
      ...(kind === 'revocation_proposal'
        ? { proposalReason: keep(sent, 'reason', 5000), letter: keep(sent, 'notice', 5000), sentBy: keep(sent, 'noticeSentBy', 20) }
        : {}),
    };
  }
  const can = { act: who.role === 'admin' || who.role === 'reviewer', propose: who.role === 'admin' };
  return page(
    c,
    <CasePage lang={lang} staff={who} csrf={session(c)!.csrf} k={k} flash={flash} can={can} form={form} errorField={errorField ?? null} />,
    status,
  );
}

/** The last investigation the case's actions opened: an improvement request follows it (Art. 16.1). */
async function investigationOf(c: ConsoleCtx, id: string): Promise<string | undefined> {
  const { history } = await caseAfterAction(c.get('deps').database.db, id);
  for (const h of [...history].reverse()) if (typeof h.details.investigationId === 'string') return h.details.investigationId;
  return undefined;
}

function readAction(f: FormBody, investigationId: string | undefined): CaseAction {
  const kind = oneOf(f, 'kind', ['investigation', 'improvement', 'revocation_proposal'] as const);
  if (kind === 'investigation') return { kind, subject: requiredText(f, 'subject', 5000), dueOn: calendarDate(f, 'dueOn') };
  if (kind === 'improvement') {
    return { kind, content: requiredText(f, 'content', 5000), dueOn: calendarDate(f, 'dueOn'), publish: f.publish === '1', investigationId };
  }
  const reason = requiredText(f, 'reason', 5000);
  const notice = optionalText(f, 'notice', 5000);
  return { kind, reason, notice, noticeSentBy: notice === null ? 'not_sent' : oneOf(f, 'noticeSentBy', DELIVERIES) };
}

export function caseRoutes() {
  const r = new Hono<ConsoleEnv>();

  r.get('/cases', async (c) => {
    const lang = langOf(c);
    const who = requireRole(c, ...READERS);
    const finding = (CASE_FINDINGS as readonly string[]).includes(c.req.query('finding') ?? '') ? c.req.query('finding')! : '';
    const queue = (QUEUES as readonly string[]).includes(c.req.query('queue') ?? '') ? c.req.query('queue')! : 'all';
    const rows = await casesForStaff(
      reader(c),
      {
        status: 'open',
        awaiting: queue === 'all' ? null : queue === 'awaiting',
        finding: finding || null,
        service: null,
        scope: who.scope,
        limit: 200,
        before: null,
      },
      new URL(c.req.url).search,
    );
    const cases = rows.map((k) => ({
      id: k.id,
      finding: k.finding,
      serviceNumber: k.service_number,
      pageUrl: k.page_url,
      sightings: Number(k.sightings_count),
      lastSeenAt: new Date(k.last_seen_at),
      awaiting: k.awaiting,
    }));
    return page(c, <CaseQueuePage lang={lang} staff={who} csrf={session(c)!.csrf} cases={cases} finding={finding} queue={queue} />);
  });

  r.get('/cases/:case', async (c) => {
    const id = pathId(c, 'case', 'case');
    requireRole(c, ...READERS);
    await caseInScope(c, id);
    const m = c.req.query('m') ?? '';
    const done = backOfficeText(langOf(c)).done[m];
    return renderCase(c, id, done ? { text: done } : null);
  });

  /** Writes: the scope first (404), then the role (403), then the form (400 on its page). */
  const write = async (c: ConsoleCtx, id: string, act: (f: FormBody) => Promise<string>) => {
    await caseInScope(c, id);
    requireRole(c, 'admin', 'reviewer');
    const f = await formBody(c);
    try {
      const done = await act(f);
      return c.redirect(consoleHref(`/staff/cases/${encodeURIComponent(id)}`, langOf(c), { m: done }), 303);
    } catch (err) {
      const known = formError(err);
      if (!known) throw err;
      if (!(await findCase(c.get('deps').database.db, id))) throw new AppError('not_found', 'no such case');
      const status = problemStatus(known.kind) as 400 | 409 | 422;
      const w = backOfficeText(langOf(c));
      return renderCase(c, id, { text: `${w.errorIntro}: ${known.message}`, bad: true }, status, f, known.field ?? null);
    }
  };

  r.post('/cases/:case/dismissal', async (c) => {
    const id = pathId(c, 'case', 'case');
    return write(c, id, async (f) => {
      await dismissCase(lifecycleContext(c), id, requiredText(f, 'reason', 2000));
      return 'dismissed';
    });
  });

  r.post('/cases/:case/actions', async (c) => {
    const id = pathId(c, 'case', 'case');
    return write(c, id, async (f) => {
      if (f.kind === 'revocation_proposal') requireRole(c, 'admin'); // Art. 17: revocation is the admins'
      const action = readAction(f, f.kind === 'improvement' ? await investigationOf(c, id) : undefined);
      await actOnCase(lifecycleContext(c), id, action);
      return action.kind;
    });
  });

  // The image a crawler sent (audited, Art. 20); a delegate sees only images seen on its services (as the API).
  r.get('/sighting-images/:sha256', async (c) => {
    const sha = c.req.param('sha256');
    const who = requireRole(c, ...READERS);
    if (!/^[0-9a-f]{64}$/.test(sha)) throw new AppError('not_found', 'no such image');
    if (who.scope && !(await imageSeenOnServices(c.get('deps').database.db, sha, [...who.scope]))) throw new AppError('not_found', 'no such image');
    const image = await sightingImageForStaff(reader(c), sha);
    return c.body(new Uint8Array(image.bytes), 200, { 'Content-Type': image.contentType, 'Cache-Control': 'private, no-store' });
  });

  // The official mark as the public mark endpoint draws it (not confidential), to compare at the same size.
  r.get('/official-mark.svg', (c) => {
    const variant = c.req.query('variant') === 'mono' ? 'mono' : 'colour';
    const svg = c.get('deps').mark.svg(variant);
    return c.body(new Uint8Array(svg), 200, { 'Content-Type': 'image/svg+xml; charset=utf-8', 'Cache-Control': 'private, max-age=3600' });
  });

  return r;
}
