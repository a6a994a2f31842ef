/**
 * WEB_CONCURRENCY > 1 (PostgreSQL only; src/config.ts refuses it on the embedded database): a primary that runs
 * the start-up work once (migrations, the bootstrap admin token, the demo seed), then forks that many workers
 * sharing the port (node:cluster), restarts a worker that dies (with backoff), and on SIGTERM or SIGINT drains
 * them all. Each worker serves (src/server.ts) and is told its index, which it keeps across restarts.
 *
 * What runs where. Every worker runs the notice outbox (claims are leased FOR UPDATE SKIP LOCKED, and each worker
 * wakes it after its own commits), the reminders (pg_try_advisory_xact_lock('certmark_reminders')) and the
 * transparency log's checkpoints (pg_advisory_xact_lock('certmark_transparency_log')): these are safe in any number
 * of processes. Worker 0 alone runs the yearly site checks (each check is conflict-guarded, but several processes
 * would fetch the same site at once), the hourly housekeeping and prints the start-up banner.
 *
 * On the embedded database (one process), a new DATA_DIR is made by a start-up process (bootstrapInChild): PGlite's
 * memory keeps its high-water mark, and creating, migrating and seeding the database takes it past 600 MB.
 */
import { spawn } from 'node:child_process';
import cluster, { type Worker } from 'node:cluster';
import type { BootstrapReport } from './bootstrap';
import { systemClock } from './clock';
import type { Config } from './config';
import type { Database } from './db/database';
import { openDatabase } from './db/open';
import type { Logger } from './logger';

/** What the primary tells a worker when it asks (a message, so that process.env stays config.ts's alone). */
export interface WorkerRole {
  index: number;
  workers: number;
  report: BootstrapReport;
}

/** A restarted worker waits min(RESTART_MS.max, RESTART_MS.min * 2^failures); a worker that ran RESTART_MS.stable resets it. */
export const RESTART_MS = { min: 250, max: 30_000, stable: 30_000 };
/** How long the primary waits for its workers to drain before it kills them. */
export const DRAIN_MS = 30_000;

const ASK = 'certmark:role?';
const TELL = 'certmark:role';

export const isClusterWorker = () => cluster.isWorker;

/** In a worker: asks the primary for this worker's role. */
export function workerRole(): Promise<WorkerRole> {
  return new Promise((resolve) => {
    const onMessage = (m: unknown) => {
      if (typeof m === 'object' && m !== null && (m as { type?: unknown }).type === TELL) {
        process.off('message', onMessage);
        resolve((m as { role: WorkerRole }).role);
      }
    };
    process.on('message', onMessage);
    process.send?.({ type: ASK });
  });
}

/**
 * In the primary: `prepare` (the one-time start-up work) and then `workers` workers, worker 0 first (it may issue
 * the demo tokens and make the first signing key); the others once it listens. Resolves when the cluster stops.
 */
export async function runPrimary(options: { workers: number; logger: Logger; prepare: () => Promise<BootstrapReport> }): Promise<void> {
  const { workers, logger } = options;
  const report = await options.prepare();
  const live = new Map<number, Worker>();
  const failures = new Map<number, number>();
  let stopping = false;
  let othersForked = false;

  const fork = (index: number) => {
    const worker = cluster.fork();
    const started = Date.now();
    live.set(index, worker);
    worker.on('message', (m: unknown) => {
      if (typeof m === 'object' && m !== null && (m as { type?: unknown }).type === ASK)
        worker.send({ type: TELL, role: { index, workers, report } satisfies WorkerRole });
    });
    worker.on('listening', () => {
      logger.info({ worker: index, pid: worker.process.pid }, 'worker listening');
      if (index === 0 && !othersForked) {
        othersForked = true;
        for (let i = 1; i < workers; i++) fork(i);
      }
    });
    worker.on('exit', (code, signal) => {
      if (live.get(index) === worker) live.delete(index);
      if (stopping) return;
      const ranMs = Date.now() - started;
      const n = ranMs >= RESTART_MS.stable ? 0 : (failures.get(index) ?? 0);
      failures.set(index, n + 1);
      const delayMs = Math.min(RESTART_MS.max, RESTART_MS.min * 2 ** n);
      logger.warn({ worker: index, pid: worker.process.pid, code, signal, ranMs, restartInMs: delayMs }, 'worker exited; restarting it');
      setTimeout(() => {
        if (!stopping) fork(index);
      }, delayMs);
    });
  };

  logger.info({ workers }, `starting ${workers} server processes (WEB_CONCURRENCY)`);
  fork(0);

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal, workers: live.size }, 'stopping: draining the workers');
      const all = [...live.values()];
      const exited = all.map((w) => (w.isDead() ? Promise.resolve() : new Promise<void>((r) => w.once('exit', () => r()))));
      for (const w of all) if (!w.isDead()) w.process.kill('SIGTERM');
      const killer = setTimeout(() => {
        for (const w of all) if (!w.isDead()) w.process.kill('SIGKILL');
      }, DRAIN_MS);
      void Promise.all(exited).then(() => {
        clearTimeout(killer);
        resolve();
      });
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}

/**
 * The start-up work done once: migrations, the bootstrap admin token, the demo seed; then the database is closed.
 * `deliver`: also send the notices that work wrote (the demo's certificates: PDFs), so that the server does not
 * carry the memory of making them.
 */
export async function bootstrapOnce(config: Config, logger: Logger, deliver = false): Promise<BootstrapReport> {
  const { bootstrap } = await import('./bootstrap');
  const database = await openDatabase(config);
  try {
    const report = await bootstrap(config, database, systemClock, logger);
    if (deliver) await deliverNow(config, database, logger);
    return report;
  } finally {
    await database.close();
  }
}

async function deliverNow(config: Config, database: Database, logger: Logger): Promise<void> {
  const [{ deliverDue }, { runReminders }, { mailerFor }, { noticeSettingsOf }, { createMarkRenderer }, { defaultMarkDir, loadMarkMasters }] =
    await Promise.all([
      import('./notices/delivery'),
      import('./notices/reminders'),
      import('./notices/runner'),
      import('./notices/compose'),
      import('./mark/render'),
      import('./mark/masters'),
    ]);
  const mark = createMarkRenderer(await loadMarkMasters(config.markDir ?? defaultMarkDir()));
  const mailer = mailerFor(config);
  const deps = { db: database.db, clock: systemClock, mailer, from: config.mail.from, settings: noticeSettingsOf(config, mark), logger };
  try {
    await runReminders(database.db, systemClock, deps.settings);
    // what is left (a mail server that is down) the server's own delivery loop retries
    for (let round = 0; round < 10; round++) {
      const r = await deliverDue(deps);
      if (r.sent + r.retried + r.dead < 20) break;
    }
  } catch (err) {
    logger.warn({ err }, 'notices written at start-up are delivered by the server instead');
  } finally {
    mailer.close();
  }
}

/** The argument that makes src/server.ts a start-up process: bootstrapOnce (delivering too), report, exit. */
export const BOOTSTRAP_ONLY = '--certmark-bootstrap-only';
const BOOTSTRAPPED = 'certmark:bootstrapped';

/** In the start-up process (BOOTSTRAP_ONLY): the work, then its report to the parent. */
export async function runBootstrapOnly(config: Config, logger: Logger): Promise<void> {
  const report = await bootstrapOnce(config, logger, true);
  process.send?.({ type: BOOTSTRAPPED, report });
}

/** A child process's exit code, passed on (it has said why already). */
export class ChildFailed extends Error {
  constructor(readonly code: number) {
    super(`the start-up process exited with code ${code}`);
  }
}

/**
 * bootstrapOnce in a child process of the same program: creating the embedded database (initdb) and migrating it
 * takes PGlite's memory to over 600 MB, which WebAssembly never gives back; the server then opens it afresh.
 */
export function bootstrapInChild(): Promise<BootstrapReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, BOOTSTRAP_ONLY], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let report: BootstrapReport | null = null;
    child.on('message', (m: { type?: string; report?: BootstrapReport }) => {
      if (m?.type === BOOTSTRAPPED && m.report) report = m.report;
    });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 && report ? resolve(report) : reject(new ChildFailed(code ?? 1))));
  });
}
