/**
 * The Cloudflare Workers shell (wrangler.toml): the public read path — registry, verification page, mark,
 * badge, QR, JWKS, badge script — on PostgreSQL through Hyperdrive. Built by `npm run build:worker`.
 */
import * as assets from 'certmark-worker-assets';
import { createApp, type App } from './app';
import { AppError } from './errors';
import { handleError } from './http/problem';
import { newRouter } from './http/router';
import { workerDeps, type WorkerBindings } from './worker/deps';

/** What every request gets while the app cannot start: the one problem shape, 503. */
const starting = newRouter();
starting.onError(handleError);
starting.all('*', () => {
  throw new AppError('unavailable', 'the service is starting or cannot reach its database; retry shortly', { extra: { retryAfter: 5 } });
});

let app: Promise<App> | null = null;

export default {
  async fetch(request: Request, env: WorkerBindings, ctx: unknown): Promise<Response> {
    const current = (app ??= workerDeps(env, assets).then(createApp));
    // A failed start (the database unreachable, say) is tried again by the next request.
    current.catch(() => {
      if (app === current) app = null;
    });
    let ready: App;
    try {
      ready = await current;
    } catch (err) {
      console.error('certmark worker: could not start', err);
      return starting.fetch(request);
    }
    return ready.fetch(request, env, ctx as never);
  },
};
