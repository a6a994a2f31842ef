import { serve } from '@hono/node-server';
import { existsSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import { join } from 'node:path';
import { systemClock } from './clock';
import {
  BOOTSTRAP_ONLY,
  bootstrapInChild,
  bootstrapOnce,
  ChildFailed,
  isClusterWorker,
  runBootstrapOnly,
  runPrimary,
  workerRole,
  type WorkerRole,
} from './cluster';
import { ConfigError, loadConfig, type Config } from './config';
import { openDatabase } from './db/open';
import { DataDirLockedError } from './db/lock';
import { createLogger, type Logger } from './logger';
import { KeySecretError } from './keys/secret';

/** How long a stopping process waits for the requests in flight (a supervisor's SIGKILL usually follows within 5–10 s). */
const IN_FLIGHT_MS = 3_000;

/**
 * The Node shell: parse config once, open the database, bootstrap, serve. With WEB_CONCURRENCY > 1 (PostgreSQL),
 * this process is the primary (src/cluster.ts): it bootstraps once and forks the workers, which serve.
 * What only serving needs is imported when serving, so the primary stays small.
 */
async function main() {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  if (process.argv.includes(BOOTSTRAP_ONLY)) {
    await runBootstrapOnly(config, logger);
    process.exit(0);
  }
  if (config.webConcurrency === 1) return serveHere(config, logger, null);
  if (!isClusterWorker()) {
    await runPrimary({ workers: config.webConcurrency, logger, prepare: () => bootstrapOnce(config, logger) });
    process.exit(0);
  }
  const role = await workerRole();
  return serveHere(config, logger.child({ worker: role.index, pid: process.pid }), role);
}

/** Serves in this process: alone (role null), or as one worker of the cluster (bootstrapped by the primary). */
async function serveHere(config: Config, logger: Logger, role: WorkerRole | null) {
  const [{ createApp }, { bootstrap, housekeeping }, { prepareDeps }, { demoBadgeUrls }, { demoConsoleInvite }, { startNotices }, { startSiteChecks }] =
    await Promise.all([
      import('./app'),
      import('./bootstrap'),
      import('./deps'),
      import('./demo/seed'),
      import('./demo/console-invite'),
      import('./notices/runner'),
      import('./origins/runner'),
    ]);
  /** Worker 0 (or the only process) runs the site checks and the housekeeping, and prints the banner. */
  const first = role === null || role.index === 0;
  const fresh = role === null && config.databaseUrl === null && !existsSync(join(config.dataDir, 'pgdata'));
  const bootstrapped = role ? role.report : fresh ? await bootstrapInChild() : null;
  let database = await openDatabase(config);
  const clock = systemClock;
  const report = bootstrapped ?? (await bootstrap(config, database, clock, logger));
  if (bootstrapped === null && database.kind === 'pglite' && (report.migrations.length > 0 || report.demoSeeded)) {
    // The embedded database's memory (WebAssembly) keeps its high-water mark: opened afresh after migrating or
    // seeding it here, the process idles at a fraction of that. (A start-up process's work is no reason to.)
    await database.close();
    database = await openDatabase(config);
  }
  const deps = await prepareDeps(config, database, clock, logger);
  const app = createApp(deps);
  // A checkpoint follows each event within a few seconds (src/transparency/log.ts).
  deps.log?.start(database);
  // Written notices go out after the commit that wrote them (src/notices/).
  const notices = startNotices(config, database, clock, logger, deps.mark);
  // Proved sites are checked again a year after they last passed (Art. 10.2, src/origins/).
  const siteChecks = first ? startSiteChecks(config, database, clock, logger, deps.mark) : null;
  const demoBadges = first && config.demo ? await demoBadgeUrls(database.db, config.publicBaseUrl, clock.now()) : [];
  const demoInvite = first && config.demo ? await demoConsoleInvite(database.db, clock, config.publicBaseUrl) : null;
  // Slow clients: the headers must arrive within 10 s and the whole request within its deadline (Node's defaults
  // are 60 s and 300 s).
  const serverOptions = { headersTimeout: 10_000, requestTimeout: Math.max(config.deadlines.writeMs, 10_000) };
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host, serverOptions }, (info) => {
    logger.info({ port: info.port, store: database.kind }, 'listening');
    if (!first) return;
    const base = config.publicBaseUrl;
    const lines = [
      `certmark is running on ${base} (${database.kind === 'pglite' ? `embedded database in ${config.dataDir}` : 'PostgreSQL'})`,
      ...(role ? [`  processes:     ${role.workers} (WEB_CONCURRENCY), primary ${process.ppid}`] : []),
      `  registry:      ${base}/registry`,
      `  API docs:      ${base}/docs`,
      `  staff console: ${base}/staff/`,
      ...(demoInvite ? [`  demo admin:    enrol at ${demoInvite}  (one-time link, 24 h; a new one at each start until used)`] : []),
      `  services JSON: ${base}/api/v1/services`,
      `  notices:       ${notices.describe}${config.mail.smtpUrl ? '' : ' (no SMTP_URL set)'}`,
      ...demoBadges
        .slice(0, 1)
        .flatMap((d) => [
          `  demo badge:    ${d.badge}  (${d.number}, ${d.status})`,
          `  demo mark:     ${d.mark}`,
          `  (every demo token: GET ${base}/api/v1/admin/tokens)`,
        ]),
      report.adminTokenRevoked
        ? `  admin token:   CERTMARK_ADMIN_TOKEN was revoked and stays so; unset it and use another admin token`
        : report.adminTokenFile
          ? `  admin token:   in ${report.adminTokenFile}`
          : `  admin token:   the one you configured (CERTMARK_ADMIN_TOKEN) or ${config.dataDir}/admin-token from the first start`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  });
  const hourly = first
    ? setInterval(() => void housekeeping(database, clock, logger).catch((err) => logger.warn({ err }, 'housekeeping failed; retried in an hour')), 3_600_000)
    : null;
  hourly?.unref();
  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      if (hourly) clearInterval(hourly);
      // no new connections; the requests in flight get IN_FLIGHT_MS to be answered, then their connections are cut
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          (server as HttpServer).closeAllConnections();
          resolve();
        }, IN_FLIGHT_MS);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        (server as HttpServer).closeIdleConnections();
      });
      await deps.log?.stop();
      await notices.stop();
      await siteChecks?.stop();
      await database.close();
      process.exit(0);
    })());
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // a worker whose primary is gone (killed) stops too
  if (role) process.once('disconnect', stop);
}

main().catch((err) => {
  if (err instanceof ChildFailed) process.exit(err.code);
  if (err instanceof ConfigError || err instanceof DataDirLockedError || err instanceof KeySecretError) {
    process.stderr.write(`certmark: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`certmark: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
