/**
 * The portal's sites and embedding routes (issue 15), under `/vendor/services/{service}/sites`: the registered
 * sites and their proofs, "add a site" (a challenge), "check now", the embed snippet of each verified site, and
 * the integration checker. Each route takes the service through `vendorServiceOf`: another vendor's answers 404.
 * Writes answer 303 back to the page (its flash says what happened), or the page again with 400/409/422.
 */
import type { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError } from '../../errors';
import { problemStatus } from '../../http/problem';
import { noticeSettingsOf } from '../../notices/compose';
import { type IntegrationCheckDeps, runIntegrationCheck } from '../../portal/integration-check';
import { vendorServiceOf } from '../../portal/services';
import { addVendorSite, checkVendorSite, ensureSiteToken, type SitesContext, vendorActor, vendorSitesView } from '../../portal/sites';
import type { Flash } from '../../views/console/auth-pages';
import { portalHref } from '../../views/portal/layout';
import { PortalSitesPage, type SitesForm, sitesPath } from '../../views/portal/site-pages';
import { siteText } from '../../views/portal/site-text';
import { langOf, page, portalSession, type PortalCtx, type PortalEnv, vendorUser } from './context';

const str = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : '');
const EMPTY: SitesForm = { origin: '', method: 'http-01', pageUrl: '' };
/** A domain refusal the form shows beside what was entered, rather than an error page. */
const SHOWN = new Set(['invalid', 'conflict', 'unprocessable', 'forbidden_transition', 'rate_limited']);

function sitesContext(c: PortalCtx): SitesContext {
  const deps = c.get('deps');
  return {
    db: deps.database.db,
    clock: deps.clock,
    keys: deps.keys,
    base: deps.config.publicBaseUrl,
    widget: deps.widget,
    check: { ...deps.siteCheck, fetch: { ...deps.siteCheck?.fetch, allow: deps.config.fetch.allow } },
    notices: noticeSettingsOf(deps.config, deps.mark),
  };
}

function checkerDeps(c: PortalCtx): IntegrationCheckDeps {
  const deps = c.get('deps');
  return {
    db: deps.database.db,
    clock: deps.clock,
    base: deps.config.publicBaseUrl,
    fetch: { ...deps.siteCheck?.fetch, allow: deps.config.fetch.allow },
    markMatcher: deps.markMatcher,
  };
}

const serviceOf = (c: PortalCtx) => vendorServiceOf(c.get('deps').database.db, vendorUser(c), c.req.param('service') ?? '');

async function render(c: PortalCtx, flash: Flash | null, form: SitesForm = EMPTY, status: ContentfulStatusCode = 200) {
  const ctx = sitesContext(c);
  const v = await vendorSitesView(ctx, await serviceOf(c));
  return page(c, <PortalSitesPage lang={langOf(c)} user={vendorUser(c)} csrf={portalSession(c)!.csrf} v={v} flash={flash} form={form} />, status);
}

/** What the redirect's query says happened, in words. */
async function flashOf(c: PortalCtx): Promise<Flash | null> {
  const t = siteText(langOf(c));
  const m = c.req.query('m');
  if (m === 'added') return { text: t.added };
  if (m === 'issued') return { text: t.issued };
  if (m === 'ic') return { text: t.icDone };
  const checked = c.req.query('checked');
  if (checked) {
    const ctx = sitesContext(c);
    const v = await vendorSitesView(ctx, await serviceOf(c));
    const p = v.proofs.find((x) => x.id === checked);
    if (p?.result) return { text: t.results[p.result], bad: p.result !== 'verified' };
  }
  return null;
}

/** Runs a write; a refusal the vendor can correct shows the page again with what was entered. */
async function attempt(c: PortalCtx, form: SitesForm, run: () => Promise<string>) {
  try {
    return c.redirect(await run(), 303);
  } catch (err) {
    if (!(err instanceof AppError) || !SHOWN.has(err.kind)) throw err;
    return render(c, { text: err.message, bad: true }, form, problemStatus(err.kind));
  }
}

/** Mounted by src/routes/portal/index.tsx, behind sign-in and the write guard. */
export function mountSiteRoutes(r: Hono<PortalEnv>): void {
  r.get('/services/:service/sites', async (c) => render(c, await flashOf(c)));

  r.post('/services/:service/sites', async (c) => {
    const service = await serviceOf(c);
    const f = await c.req.parseBody();
    const form = { ...EMPTY, origin: str(f.origin, 300), method: str(f.method, 10) };
    return attempt(c, form, async () => {
      const p = await addVendorSite(sitesContext(c), vendorUser(c), service, form);
      return `${portalHref(sitesPath({ number: service.number, serviceId: service.id }), langOf(c), { m: 'added' })}#proof-${p.id}`;
    });
  });

  r.post('/services/:service/sites/proofs/:proof/check', async (c) => {
    const service = await serviceOf(c);
    return attempt(c, EMPTY, async () => {
      const r = await checkVendorSite(sitesContext(c), vendorUser(c), service, c.req.param('proof'));
      return `${portalHref(sitesPath({ number: service.number, serviceId: service.id }), langOf(c), { checked: r.proof.id })}#proof-${r.proof.id}`;
    });
  });

  r.post('/services/:service/sites/tokens', async (c) => {
    const service = await serviceOf(c);
    const origin = str((await c.req.parseBody()).origin, 300);
    return attempt(c, EMPTY, async () => {
      await ensureSiteToken(sitesContext(c), vendorUser(c), service, origin);
      return portalHref(sitesPath({ number: service.number, serviceId: service.id }), langOf(c), { m: 'issued' });
    });
  });

  r.post('/services/:service/sites/integration-checks', async (c) => {
    const service = await serviceOf(c);
    const form = { ...EMPTY, pageUrl: str((await c.req.parseBody()).pageUrl, 2100) };
    return attempt(c, form, async () => {
      const k = await runIntegrationCheck(checkerDeps(c), vendorActor(vendorUser(c)), service, form.pageUrl);
      return `${portalHref(sitesPath({ number: service.number, serviceId: service.id }), langOf(c), { m: 'ic' })}#check-${k.id}`;
    });
  });
}
