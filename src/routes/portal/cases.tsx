/**
 * A vendor's misuse case (issue 15), thin: the work is in src/portal/cases.ts. The case page, the image a crawler
 * sent in the case (only if seen in a case of the user's vendor's service), and the official mark to compare it
 * with. Any other vendor's service, case or image answers 404.
 */
import { Hono } from 'hono';
import { vendorCase, vendorCaseImage } from '../../portal/cases';
import { PortalCasePage } from '../../views/portal/case-pages';
import { langOf, page, portalSession, vendorUser, type PortalEnv } from './context';

export function caseRoutes() {
  const r = new Hono<PortalEnv>();

  r.get('/services/:service/cases/:case', async (c) => {
    const user = vendorUser(c);
    const k = await vendorCase(c.get('deps').database.db, c.get('deps').clock, user, c.req.param('service'), c.req.param('case'));
    return page(c, <PortalCasePage lang={langOf(c)} user={user} csrf={portalSession(c)!.csrf} k={k} />);
  });

  r.get('/services/:service/cases/:case/images/:sha256', async (c) => {
    const image = await vendorCaseImage(
      c.get('deps').database.db,
      c.get('deps').clock,
      vendorUser(c),
      c.req.param('service'),
      c.req.param('case'),
      c.req.param('sha256'),
    );
    return c.body(new Uint8Array(image.bytes), 200, { 'Content-Type': image.contentType, 'X-Content-Type-Options': 'nosniff' });
  });

  // The official mark as the public mark endpoint draws it (not confidential), to compare at the same size.
  r.get('/official-mark.svg', (c) => {
    const variant = c.req.query('variant') === 'mono' ? 'mono' : 'colour';
    return c.body(new Uint8Array(c.get('deps').mark.svg(variant)), 200, { 'Content-Type': 'image/svg+xml; charset=utf-8' });
  });

  return r;
}
