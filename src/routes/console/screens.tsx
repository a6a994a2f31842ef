/**
 * The read-only screens (thin): each calls the read the staff API calls, so the same Art. 20 audit entries are
 * written, and checks the role and scope (Arts. 7, 19) as the API does.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { accountById, disableStaffAccount, inviteStaff, listAccounts } from '../../console/accounts';
import { dashboard } from '../../console/dashboard';
import { integrationForStaff } from '../../console/integration';
import { documentForStaff } from '../../documents/filing';
import { readAuditLog } from '../../domain/confidential';
import { resolveService, staffServiceList, staffServiceView } from '../../domain/lifecycle/staff-view';
import { AppError } from '../../errors';
import { serviceNotices } from '../../notices/staff';
import { signInsOf, staffNames } from '../../repositories/staff-accounts';
import { casesForStaff } from '../../sightings/cases';
import { listEmbedTokens } from '../../tokens/issue';
import { AccountsPage } from '../../views/console/accounts-page';
import { consoleHref } from '../../views/console/layout';
import { AuditLogPage, DashboardPage, ServicesPage, STATUS_FILTERS } from '../../views/console/screens';
import { ServicePage } from '../../views/console/service-page';
import { accessRoutes } from './access';
import { caseRoutes } from './cases';
import { consoleContext, langOf, page, reader, requireInScope, requireRole, session, staff, type ConsoleCtx, type ConsoleEnv } from './context';
import { inquiryRoutes } from './inquiries';
import { operationRoutes } from './operations';
import { revocationRoutes } from './revocations';
import { vendorRequestRoutes } from './vendor-requests';

const ServicesQuery = z.object({
  q: z.string().max(200).catch(''),
  status: z.enum(STATUS_FILTERS).or(z.literal('')).catch(''),
});

const AuditQuery = z.object({ before: z.coerce.number().int().min(1).optional().catch(undefined) });
const AUDIT_PAGE = 100;

export function screenRoutes() {
  const r = new Hono<ConsoleEnv>();
  r.route('/', caseRoutes());
  r.route('/', revocationRoutes());
  r.route('/', inquiryRoutes());
  r.route('/', operationRoutes());

  const home = async (c: ConsoleCtx) => {
    const lang = langOf(c);
    const d = await dashboard(reader(c), staff(c));
    return page(c, <DashboardPage lang={lang} staff={staff(c)} csrf={session(c)!.csrf} d={d} />);
  };
  r.get('/', home);

  r.get('/services', async (c) => {
    const lang = langOf(c);
    const q = ServicesQuery.parse({ q: c.req.query('q') ?? '', status: c.req.query('status') ?? '' });
    const deps = c.get('deps');
    const list = await staffServiceList(deps.database.db, deps.clock.now(), { q: q.q || undefined, status: q.status || undefined, scope: staff(c).scope });
    return page(c, <ServicesPage lang={lang} staff={staff(c)} csrf={session(c)!.csrf} list={list} q={q.q} status={q.status} />);
  });

  r.get('/services/:service', async (c) => {
    const lang = langOf(c);
    const who = staff(c);
    const deps = c.get('deps');
    const db = deps.database.db;
    const service = await resolveService(db, c.req.param('service').slice(0, 100)).catch(() => {
      throw new AppError('not_found', 'no such service');
    });
    requireInScope(c, service.id); // Arts. 7, 19: before anything is read
    const view = await staffServiceView(db, deps.clock, who.id, service);
    const tokens = await listEmbedTokens({ db }, service.id);
    // the notices' recipients and the cases are the delegate's work (Art. 19) but not the committee's (Art. 7), as in the API
    const notices = who.role === 'committee' ? null : await serviceNotices(reader(c), service.id);
    const cases =
      who.role === 'committee'
        ? null
        : (
            await casesForStaff(
              reader(c),
              { status: null, finding: null, service: service.id, scope: who.scope, limit: 100, before: null },
              `service=${service.id}`,
            )
          ).map((k) => ({
            id: k.id,
            finding: k.finding,
            status: k.status,
            pageUrl: k.page_url,
            sightings: Number(k.sightings_count),
            lastSeenAt: new Date(k.last_seen_at),
          }));
    // the sites' badge checks (issue 15): read only, not the committee's (Art. 7), audited as the rest of the page
    const integration = who.role === 'committee' ? null : await integrationForStaff(reader(c), service.id);
    return page(
      c,
      <ServicePage lang={lang} staff={who} csrf={session(c)!.csrf} s={view} tokens={tokens} notices={notices} cases={cases} integration={integration} />,
    );
  });

  // a filed document (Art. 4 application, answers): as the staff API serves it; not the committee's (Art. 7), audited (Art. 20)
  r.get('/services/:service/documents/:sha256', async (c) => {
    requireRole(c, 'admin', 'reviewer', 'auditor', 'delegate');
    const sha256 = c.req.param('sha256');
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new AppError('not_found', 'no such document');
    const service = await resolveService(c.get('deps').database.db, c.req.param('service').slice(0, 100)).catch(() => {
      throw new AppError('not_found', 'no such service');
    });
    requireInScope(c, service.id); // Arts. 7, 19
    const d = await documentForStaff(reader(c), service.id, sha256);
    return c.body(new Uint8Array(d.bytes), 200, {
      'Content-Type': d.contentType,
      'Content-Disposition': 'attachment',
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    });
  });

  r.get('/audit-log', async (c) => {
    const lang = langOf(c);
    requireRole(c, 'auditor', 'admin');
    const { before } = AuditQuery.parse({ before: c.req.query('before') });
    const entries = await readAuditLog(reader(c), { staffTokenId: null, subject: null, before: before ?? null, limit: AUDIT_PAGE });
    const db = c.get('deps').database.db;
    const names = await staffNames(db, [...new Set(entries.map((e) => e.staffTokenId))]);
    const rows = entries.map((e) => ({ id: e.id, at: e.at, who: names.get(e.staffTokenId) ?? e.staffTokenId, action: e.action, subject: e.subject }));
    const next = entries.length === AUDIT_PAGE ? consoleHref('/staff/audit-log', lang, { before: String(entries.at(-1)!.id) }) : null;
    const signIns = (await signInsOf(db, null, 50)).map((s) => ({ at: new Date(s.at), email: s.email, kind: s.kind, method: s.method }));
    return page(c, <AuditLogPage lang={lang} staff={staff(c)} csrf={session(c)!.csrf} entries={rows} next={next} signIns={signIns} />);
  });

  const emptyForm = { email: '', name: '', role: 'reviewer', delegate: '' };

  r.get('/accounts', async (c) => {
    const lang = langOf(c);
    requireRole(c, 'admin');
    const accounts = await listAccounts(c.get('deps').database.db);
    return page(c, <AccountsPage lang={lang} staff={staff(c)} csrf={session(c)!.csrf} accounts={accounts} flash={null} invited={null} form={emptyForm} />);
  });

  r.post('/accounts', async (c) => {
    const lang = langOf(c);
    const who = requireRole(c, 'admin');
    const f = await c.req.parseBody();
    const form = {
      email: typeof f.email === 'string' ? f.email.slice(0, 254) : '',
      name: typeof f.name === 'string' ? f.name.slice(0, 200) : '',
      role: typeof f.role === 'string' ? f.role.slice(0, 20) : '',
      delegate: typeof f.delegate === 'string' ? f.delegate.slice(0, 100) : '',
    };
    const db = c.get('deps').database.db;
    try {
      const r = await inviteStaff(consoleContext(c), `staff:${who.id}`, form as never);
      const accounts = await listAccounts(db);
      return page(
        c,
        <AccountsPage
          lang={lang}
          staff={who}
          csrf={session(c)!.csrf}
          accounts={accounts}
          flash={null}
          invited={{ email: r.account.email, url: r.url }}
          form={emptyForm}
        />,
      );
    } catch (err) {
      if (!(err instanceof AppError) || !['invalid', 'conflict', 'unprocessable'].includes(err.kind)) throw err;
      const accounts = await listAccounts(db);
      return page(
        c,
        <AccountsPage
          lang={lang}
          staff={who}
          csrf={session(c)!.csrf}
          accounts={accounts}
          flash={{ text: err.message, bad: true }}
          invited={null}
          form={form}
        />,
        400,
      );
    }
  });

  r.post('/accounts/:id/disable', async (c) => {
    const lang = langOf(c);
    const who = requireRole(c, 'admin');
    const id = c.req.param('id').slice(0, 100);
    if (!(await accountById(c.get('deps').database.db, id))) throw new AppError('not_found', 'no such account');
    await disableStaffAccount(consoleContext(c), `staff:${who.id}`, id);
    return c.redirect(consoleHref('/staff/accounts', lang), 303);
  });

  r.route('/', accessRoutes());
  r.route('/', vendorRequestRoutes());

  // `/staff/` (the sub-app's '/' is `/staff` only); any other path under /staff/ is unknown
  r.get('/*', (c) => {
    if (c.req.path === '/staff/') return home(c);
    throw new AppError('not_found', 'no such page');
  });
  return r;
}
