/**
 * The Cloudflare Workers shell (wrangler.toml): the public read path — registry, verification page, mark,
 * badge, QR, JWKS, badge script — on PostgreSQL through Hyperdrive. Built by `npm run build:worker`.
 */
import * as assets from 'certmark-worker-assets';
import { createApp, type App } from './app';
import { workerDeps, type WorkerBindings } from './worker/deps';

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
      const body = { type: 'about:blank', title: 'Service unavailable', status: 503, detail: 'the service is starting or cannot reach its database; retry shortly' };
      return new Response(JSON.stringify(body), { status: 503, headers: { 'Content-Type': 'application/problem+json', 'Retry-After': '5' } });
    }
    return ready.fetch(request, env, ctx as never);
  },
};
