import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { Config } from '../config';
import { onLocalCommit, type Database } from '../db/database';
import type { MarkRenderer } from '../mark/render';
import { noticeSettingsOf } from './compose';
import { fileMailer, smtpMailer, startDelivery, type Mailer } from './delivery';
import { NOTICES_CHANNEL } from './ids';
import { runReminders } from './reminders';

/** SMTP when SMTP_URL is set; otherwise .eml files in {DATA_DIR}/outbox, so `npm start` needs no mail server. */
export function mailerFor(config: Config): Mailer {
  return config.mail.smtpUrl ? smtpMailer(config.mail.smtpUrl) : fileMailer(join(config.dataDir, 'outbox'));
}

/** The server's delivery loop, woken as soon as a commit of this process wrote notices. */
export function startNotices(config: Config, database: Database, clock: Clock, logger: Logger, mark: Pick<MarkRenderer, 'png'>) {
  const mailer = mailerFor(config);
  const settings = noticeSettingsOf(config, mark);
  const loop = startDelivery({ db: database.db, clock, mailer, from: config.mail.from, logger, settings });
  // Reminders (reminders.ts): at start, then every hour; each is written once whatever the number of processes.
  const remind = () =>
    void runReminders(database.db, clock, settings).then(
      (n) => n > 0 && logger.info({ reminders: n }, 'reminders written'),
      (err) => logger.warn({ err }, 'reminder run failed; tried again within the hour'),
    );
  remind();
  const hourly = setInterval(remind, 3_600_000);
  hourly.unref();
  const off = onLocalCommit(database.db, (channel) => {
    if (channel === NOTICES_CHANNEL) loop.wake();
  });
  loop.wake(); // whatever an earlier run left due
  return {
    describe: mailer.describe,
    async stop() {
      clearInterval(hourly);
      off();
      await loop.stop();
    },
  };
}
