import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { AppError } from '../errors';
import type { AppEnv } from './env';

export interface Deadlines {
  /** GET and HEAD. */
  readMs: number;
  /** Every other method. */
  writeMs: number;
}

/** The request outlived its deadline: the database (or something it waits on) is too slow now. */
export const deadlinePassed = () => new AppError('unavailable', 'the request took too long; try again shortly');

/**
 * Every request is answered within its deadline: past it, 503 with Retry-After (through `answer`, so pages get
 * a page). The work still running is told through the request's AbortSignal (`c.get('signal')`), and a lifecycle
 * transaction checks it before committing, so a write answered 503 commits nothing.
 */
const NEVER = new AbortController().signal;

export function deadline(deadlines: Deadlines, answer: (err: Error, c: Context<AppEnv>) => Response | Promise<Response>) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const read = c.req.method === 'GET' || c.req.method === 'HEAD';
    const ms = read ? deadlines.readMs : deadlines.writeMs;
    // reads write nothing: one signal that never aborts spares the hot endpoints a controller each
    const controller = read ? null : new AbortController();
    c.set('signal', controller?.signal ?? NEVER);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), ms);
    });
    const outcome = await Promise.race([next().then(() => 'done' as const), late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      const err = deadlinePassed();
      controller?.abort(err);
      c.res = await answer(err, c);
    }
  });
}
