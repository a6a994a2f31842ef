import type { Logger } from 'pino';
import type { Clock } from './clock';
import type { Config } from './config';
import type { Database } from './db/database';
import type { AppEnv } from './http/env';
import { requestContext, securityHeaders } from './http/middleware';
import { handleError, notFoundHandler } from './http/problem';
import { deadline } from './http/deadline';
import { jsonBodyGuard } from './http/json-guard';
import { htmlError, wantsPage } from './routes/public/html';
import { newRouter } from './http/router';
import { adminRoutes } from './routes/admin/index';
import { docsRoutes } from './routes/docs';
import { healthRoutes } from './routes/health';
import { publicRoutes } from './routes/public/index';
import { sightingRoutes } from './routes/sightings';
import type { MarkMatcher } from './detection/image';
import { widgetRoutes } from './routes/widget';
import type { WidgetBundle } from '../widget/build';
import type { MarkDeps } from './mark/deps';
import { markRoutes } from './routes/mark';
import { badgeRoutes } from './routes/badge';
import { qrRoutes } from './routes/qr';
import { wellKnownRoutes } from './routes/well-known';
import { adminTokenRoutes } from './routes/admin/tokens';
import { adminKeyRoutes } from './routes/admin/keys';

/** Everything the app needs, made by a shell (Node server, Workers entry, CLI, tests) and passed in. */
export interface AppDeps extends MarkDeps {
  config: Config;
  database: Database;
  clock: Clock;
  logger: Logger;
  /** Judges sighting images against the official renderings, built once from them (prepareDeps). */
  markMatcher: MarkMatcher;
  /** The badge script, bundled once at start (prepareDeps). */
  widget: WidgetBundle;
  /** The public pages' stylesheet (assets/site.css), read by the shell. */
  siteCss: string;
  /** Skip the per-request log line (benchmarks). */
  quietRequests?: boolean;
  /**
   * `public`: only what the public and vendor pages read (registry, verification, mark, badge, QR, JWKS,
   * widget, inquiries): the Workers build, where the staff API, sightings and image checks do not run.
   */
  surface?: 'all' | 'public';
}

/** Builds the app. No I/O happens here: the shells open the database and load keys before calling it. */
export function createApp(deps: AppDeps) {
  const app = newRouter();
  app.use('*', requestContext(deps));
  app.use('*', securityHeaders());
  // pages answer a page, everything else problem+json
  app.use('*', deadline(deps.config.deadlines, (err, c) => (wantsPage(c) ? htmlError(err, c) : handleError(err, c))));
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
  if (deps.surface === 'public') return app;
  app.route('/', sightingRoutes(deps));
  app.route('/api/v1/admin', adminRoutes());
  app.route('/api/v1/admin', adminTokenRoutes());
  app.route('/api/v1/admin', adminKeyRoutes());
  app.route('/', docsRoutes(app, deps));
  return app;
}

export type App = ReturnType<typeof createApp>;
export type { AppEnv };
