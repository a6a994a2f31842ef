/**
 * Requests vendors filed through the portal that need staff's decision (issue 15): /staff/vendor-requests (the
 * list, pending first) and /staff/vendor-requests/:id (one, with the decision form). Roles and scope as the
 * lifecycle forms: admins, reviewers and delegates decide, auditors read; a delegate reaches its services only
 * (else 404). Accepting runs the domain's renewal with the reason as the override (actor `staff:{id}`).
 */
import { Hono } from 'hono';
import { auditConfidentialRead } from '../../domain/confidential';
import { AppError } from '../../errors';
import { decideVendorRequest, vendorRequest, vendorRequestList } from '../../portal/vendor-requests';
import type { Flash } from '../../views/console/auth-pages';
import { consoleHref } from '../../views/console/layout';
import { VendorRequestPage, VendorRequestsPage } from '../../views/console/vendor-requests-page';
import { type ConsoleCtx, type ConsoleEnv, langOf, lifecycleContext, page, reader, requireInScope, requireRole, session, staff } from './context';

const READ = ['admin', 'reviewer', 'auditor', 'delegate'] as const;
const DECIDE = ['admin', 'reviewer', 'delegate'] as const;

async function one(c: ConsoleCtx) {
  requireRole(c, ...READ);
  const r = await vendorRequest(c.get('deps').database.db, c.req.param('id') ?? '');
  requireInScope(c, r.serviceId); // Arts. 7, 19
  await auditConfidentialRead(reader(c), r.id, ['vendor request']); // Art. 20: the vendor's filing is confidential
  return r;
}

function show(
  c: ConsoleCtx,
  r: Awaited<ReturnType<typeof one>>,
  o: { flash?: Flash | null; reason?: string; error?: string | null; status?: 200 | 400 | 409 | 422 } = {},
) {
  const canDecide = (DECIDE as readonly string[]).includes(staff(c).role);
  return page(
    c,
    <VendorRequestPage
      lang={langOf(c)}
      staff={staff(c)}
      csrf={session(c)!.csrf}
      r={r}
      flash={o.flash ?? null}
      canDecide={canDecide}
      reason={o.reason ?? ''}
      error={o.error ?? null}
    />,
    o.status ?? 200,
  );
}

export function vendorRequestRoutes() {
  const r = new Hono<ConsoleEnv>();
  r.get('/vendor-requests', async (c) => {
    requireRole(c, ...READ);
    const list = await vendorRequestList(c.get('deps').database.db, staff(c).scope ?? null);
    await auditConfidentialRead(reader(c), 'vendor-requests', ['vendor request list']); // Art. 20
    return page(c, <VendorRequestsPage lang={langOf(c)} staff={staff(c)} csrf={session(c)!.csrf} list={list} />);
  });

  r.get('/vendor-requests/:id', async (c) => show(c, await one(c)));

  r.post('/vendor-requests/:id/decide', async (c) => {
    const req = await one(c);
    requireRole(c, ...DECIDE);
    const body = await c.req.parseBody();
    const reason = typeof body.reason === 'string' ? body.reason.slice(0, 4000) : '';
    const decision = body.decision;
    if (decision !== 'accept' && decision !== 'decline') return show(c, req, { reason, error: 'choose accept or decline', status: 400 });
    try {
      const ctx = lifecycleContext(c);
      await decideVendorRequest({ ...ctx, notices: ctx.notices! }, req.id, { accept: decision === 'accept', reason });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.kind === 'invalid' && err.field === 'reason') return show(c, req, { reason, error: err.message, status: 400 });
      if (err.kind === 'invalid' || err.kind === 'forbidden_transition' || err.kind === 'conflict' || err.kind === 'unprocessable') {
        const status = err.kind === 'unprocessable' || err.kind === 'invalid' ? 422 : 409;
        return show(c, await one(c), { reason, flash: { text: err.message, bad: true }, status });
      }
      throw err;
    }
    return c.redirect(consoleHref(`/staff/vendor-requests/${encodeURIComponent(req.id)}`, langOf(c)), 303);
  });
  return r;
}
