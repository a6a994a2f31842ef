import type { AppDeps, AppEnv } from './http/env';
import { requestContext, securityHeaders } from './http/middleware';
import { handleError, notFoundHandler } from './http/problem';
import { deadline } from './http/deadline';
import { jsonBodyGuard } from './http/json-guard';
import { htmlError, wantsPage } from './routes/public/html';
import { newRouter } from './http/router';
import { adminRoutes } from './routes/admin/index';
import { consoleRoutes } from './routes/console/index';
import { portalRoutes } from './routes/portal/index';
import { docsRoutes } from './routes/docs';
import { healthRoutes } from './routes/health';
import { publicRoutes } from './routes/public/index';
import { sightingRoutes } from './routes/sightings';
import { widgetRoutes } from './routes/widget';
import { markRoutes } from './routes/mark';
import { badgeRoutes } from './routes/badge';
import { qrRoutes } from './routes/qr';
import { wellKnownRoutes } from './routes/well-known';
import { logRoutes } from './routes/log';

/** Builds the app. No I/O happens here: the shells open the database and load keys before calling it. */
export function createApp(deps: AppDeps) {
  const app = newRouter();
  app.use('*', requestContext(deps));
  app.use('*', securityHeaders());
  // pages answer a page, everything else problem+json
  app.use(
    '*',
    deadline(deps.config.deadlines, (err, c) => (wantsPage(c) ? htmlError(err, c) : handleError(err, c))),
  );
  app.use('*', jsonBodyGuard());
  app.onError(handleError);
  app.notFound(notFoundHandler);

  app.route('/', healthRoutes());
  app.route('/', publicRoutes(deps));
  app.route('/', widgetRoutes(deps.widget));
  app.route('/', markRoutes());
  app.route('/', badgeRoutes());
  app.route('/', qrRoutes());
  app.route('/', wellKnownRoutes());
  app.route('/', logRoutes());
  if (deps.surface === 'public') return app;
  app.route('/', sightingRoutes(deps));
  app.route('/api/v1/admin', adminRoutes());
  app.route('/staff', consoleRoutes()); // the staff console (issue 14): not on the public surface
  app.route('/vendor', portalRoutes()); // the vendor portal (issue 15): not on the public surface
  app.route('/', docsRoutes(app, deps));
  return app;
}

export type App = ReturnType<typeof createApp>;
export type { AppDeps, AppEnv };
