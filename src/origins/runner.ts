import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Database } from '../db/database';
import type { MarkRenderer } from '../mark/render';
import { noticeSettingsOf } from '../notices/compose';
import { revalidateOriginProofs } from './proofs';

/** The yearly re-check of proved sites (Art. 10.2), run at start and then hourly; a check is at most daily per site. */
export function startSiteChecks(config: Config, database: Database, clock: Clock, logger: Logger, mark: Pick<MarkRenderer, 'png'>) {
  const ctx = {
    db: database.db,
    clock,
    actor: 'certmark:site-check',
    notices: noticeSettingsOf(config, mark),
    check: { fetch: { allow: config.fetch.allow } },
  };
  let running: Promise<void> | null = null;
  const run = () => {
    running ??= revalidateOriginProofs(ctx)
      .then(
        (r) => void (r.checked > 0 && logger.info(r, 'registered sites checked again (Art. 10.2)')),
        (err) => logger.warn({ err }, 'the yearly site check failed; tried again within the hour'),
      )
      .finally(() => {
        running = null;
      });
  };
  run();
  const hourly = setInterval(run, 3_600_000);
  hourly.unref();
  return {
    async stop() {
      clearInterval(hourly);
      await running;
    },
  };
}
