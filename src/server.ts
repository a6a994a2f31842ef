import { serve } from '@hono/node-server';
import { createApp } from './app';
import { bootstrap, housekeeping } from './bootstrap';
import { systemClock } from './clock';
import { ConfigError, loadConfig } from './config';
import { openDatabase } from './db/open';
import { DataDirLockedError } from './db/lock';
import { createLogger } from './logger';
import { prepareDeps } from './deps';
import { demoBadgeUrls } from './demo/seed';
import { demoConsoleInvite } from './demo/console-invite';
import { KeySecretError } from './keys/secret';
import { startNotices } from './notices/runner';
import { startSiteChecks } from './origins/runner';

/** The Node shell: parse config once, open the database, bootstrap, serve. */
async function main() {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config);
  const clock = systemClock;
  const report = await bootstrap(config, database, clock, logger);
  const deps = await prepareDeps(config, database, clock, logger);
  const app = createApp(deps);
  // A checkpoint follows each event within a few seconds (src/transparency/log.ts).
  deps.log?.start(database);
  // Written notices go out after the commit that wrote them (src/notices/).
  const notices = startNotices(config, database, clock, logger, deps.mark);
  // Proved sites are checked again a year after they last passed (Art. 10.2, src/origins/).
  const siteChecks = startSiteChecks(config, database, clock, logger, deps.mark);
  const demoBadges = config.demo ? await demoBadgeUrls(database.db, config.publicBaseUrl, clock.now()) : [];
  const demoInvite = config.demo ? await demoConsoleInvite(database.db, clock, config.publicBaseUrl) : null;
  // Slow clients: the headers must arrive within 10 s and the whole request within its deadline (Node's defaults
  // are 60 s and 300 s).
  const serverOptions = { headersTimeout: 10_000, requestTimeout: Math.max(config.deadlines.writeMs, 10_000) };
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host, serverOptions }, (info) => {
    logger.info({ port: info.port, store: database.kind }, 'listening');
    const base = config.publicBaseUrl;
    const lines = [
      `certmark is running on ${base} (${database.kind === 'pglite' ? `embedded database in ${config.dataDir}` : 'PostgreSQL'})`,
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
  const hourly = setInterval(
    () => void housekeeping(database, clock, logger).catch((err) => logger.warn({ err }, 'housekeeping failed; retried in an hour')),
    3_600_000,
  );
  hourly.unref();
  const stop = async () => {
    clearInterval(hourly);
    server.close();
    await deps.log?.stop();
    await notices.stop();
    await siteChecks.stop();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof DataDirLockedError || err instanceof KeySecretError) {
    process.stderr.write(`certmark: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`certmark: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
