import type { AppDeps } from '../../http/env';
import { newRouter } from '../../http/router';
import { assetRoutes } from './assets';
import { publicContext } from './context';
import { feedRoutes } from './feeds';
import { inquiryRoutes } from './inquiries';
import { registryRoutes } from './registry';
import { servicesApiRoutes } from './services-api';
import { verifyRoutes } from './verify';

/**
 * Everything the public sees (Arts. 10.4, 11, 16.2, 17.3, 18, 19.2): the verification page, the registry as
 * HTML, JSON, CSV and Atom, and the inquiry desk. All drawn from one read model (src/publication).
 */
export function publicRoutes(deps: AppDeps) {
  const ctx = publicContext(deps);
  const inquiries = inquiryRoutes(ctx);
  const r = newRouter();
  // the site's front page is the public registry (Art. 11); a language asked for in the query is kept
  r.get('/', (c) => c.redirect(`/registry${new URL(c.req.url).search}`, 302));
  r.route('/', assetRoutes(deps.siteCss, deps.config.certifier.logoFile));
  r.route('/', verifyRoutes(ctx));
  r.route('/', registryRoutes(ctx));
  r.route('/', feedRoutes(ctx));
  r.route('/', servicesApiRoutes(ctx));
  r.route('/', inquiries.pages);
  r.route('/', inquiries.api);
  return r;
}

export { inquiryAdminRoutes } from './inquiries-admin';
