/**
 * Delivery of the outbox: at least once, by SMTP to SMTP_URL, or as .eml files under {DATA_DIR}/outbox/ when
 * no SMTP_URL is set (the embedded default needs no mail server). Each attempt leases the notice, so several
 * processes on PostgreSQL never send one notice at the same time; a process that dies mid-send leaves the lease
 * to expire and another sends it again under the same Message-ID. Failures back off; after MAX_ATTEMPTS a
 * notice is a dead letter that staff see and may resend.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Transporter } from 'nodemailer';

/** nodemailer is imported when the first notice goes out: an idle server does without it (issue 17). */
const nodemailer = async () => (await import('nodemailer')).default;
import type { Logger } from 'pino';
import type { Clock } from '../clock';
import { inTransaction, type Db } from '../db/database';
import { appendEvents } from '../repositories/events';
import type { NoticeAttachment } from '../db/schema';
import { claimDueNotices, markNoticeFailed, markNoticeSent, noticeFiles, settlePendingAttachment, type NoticeRow } from '../repositories/notices';
import type { NoticeSettings } from './compose';
import { makeCertificate } from './outbox';
import { queueStaffNotices } from './staff-notices';

export const MAX_ATTEMPTS = 8;
/** How long one attempt may hold a notice before another process may take it up. */
export const LEASE_MS = 5 * 60_000;

/** The wait before attempt n+1 after n failed: 1, 2, 4 … minutes, at most 6 hours. */
export const backoffMs = (attempts: number) => Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 6 * 3_600_000);

export interface OutgoingMessage {
  from: string;
  to: string[];
  subject: string;
  text: string;
  messageId: string;
  date: Date;
  headers: Record<string, string>;
  attachments: { filename: string; contentType: string; content: Buffer }[];
}

/** Where messages go. `describe` is what start-up prints. */
export interface Mailer {
  describe: string;
  send(message: OutgoingMessage): Promise<void>;
  close(): void;
}

/** SMTP (smtp:// or smtps://, credentials in the URL) through nodemailer. */
export function smtpMailer(url: string, timeouts: { connectionMs: number; socketMs: number } = { connectionMs: 10_000, socketMs: 30_000 }): Mailer {
  const u = new URL(url);
  let closed = false;
  let made: Promise<Transporter> | null = null;
  const transport = async () =>
    (made ??= nodemailer().then((n) =>
      n.createTransport({
        // a pool: a round's messages share a connection instead of opening one each
        pool: true,
        maxConnections: 2,
        maxMessages: 100,
        host: u.hostname,
        port: Number(u.port) || (u.protocol === 'smtps:' ? 465 : 587),
        secure: u.protocol === 'smtps:',
        ...(u.username ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } } : {}),
        connectionTimeout: timeouts.connectionMs,
        greetingTimeout: timeouts.connectionMs,
        socketTimeout: timeouts.socketMs,
        // a test server on 127.0.0.1 offers no certificate worth checking; a real one must
        tls: { rejectUnauthorized: u.hostname !== '127.0.0.1' && u.hostname !== 'localhost' },
      }),
    ));
  return {
    describe: `SMTP ${u.protocol}//${u.host}`,
    async send(m) {
      if (closed) throw new Error('the mailer is closed');
      await (await transport()).sendMail({ ...m, envelope: { from: addressOf(m.from), to: m.to } });
    },
    close: () => {
      closed = true;
      void made?.then((t) => t.close());
    },
  };
}

/** .eml files, one per notice (named by its id, so a resend overwrites rather than duplicates). */
export function fileMailer(dir: string): Mailer {
  let build: Promise<Transporter> | null = null;
  return {
    describe: `files in ${dir}`,
    async send(m) {
      build ??= nodemailer().then((n) => n.createTransport({ streamTransport: true, buffer: true, newline: 'unix' }));
      const info = (await (await build).sendMail(m)) as unknown as { message: Buffer };
      await mkdir(dir, { recursive: true });
      const name = m.messageId.replace(/^<notice-|@.*$/g, '');
      const tmp = join(dir, `.${name}.eml.tmp`);
      await writeFile(tmp, info.message);
      await rename(tmp, join(dir, `${name}.eml`));
    },
    close: () => {},
  };
}

const addressOf = (from: string) => /<([^>]+)>/.exec(from)?.[1] ?? from;

export interface DeliveryDeps {
  db: Db;
  clock: Clock;
  mailer: Mailer;
  /** MAIL_FROM */
  from: string;
  /** For the attachments made at the first attempt (the certificate). */
  settings: NoticeSettings;
  logger?: Logger;
}

export interface DeliveryRound {
  sent: number;
  retried: number;
  dead: number;
}

/** One round: claims what is due and sends it. Tests call it with their clock; the server runs it in a loop. */
export async function deliverDue(deps: DeliveryDeps, limit = 20): Promise<DeliveryRound> {
  const now = deps.clock.now();
  const claimed = await claimDueNotices(deps.db, now, new Date(now.getTime() + LEASE_MS), limit);
  const round = { sent: 0, retried: 0, dead: 0 };
  for (const n of claimed) {
    try {
      await deps.mailer.send(await messageOf(deps, n));
      await recordDelivery(deps, n);
      round.sent++;
    } catch (e) {
      const error = e instanceof Error ? e.message.slice(0, 500) : String(e);
      const dead = n.attempts >= MAX_ATTEMPTS;
      const at = deps.clock.now();
      await inTransaction(deps.db, async (tx) => {
        await markNoticeFailed(tx, n.id, error, dead ? null : new Date(at.getTime() + backoffMs(n.attempts)));
        // staff hear of a dead letter (never of their own: a dead staff notice would only beget another)
        if (dead && !n.kind.startsWith('staff_')) {
          await queueStaffNotices(
            tx,
            deps.settings,
            [
              {
                kind: 'staff_dead_letter',
                cause: `dead:${n.id}:${n.message_id}:${at.toISOString()}`,
                serviceId: n.service_id,
                subject: `配信できなかった通知: ${n.subject}`,
                lines: [`通知を ${n.attempts} 回送信できませんでした。`, '', `最後のエラー: ${error}`, '', `POST /api/v1/admin/notices/${n.id}/resend`],
              },
            ],
            at,
          );
        }
      });
      deps.logger?.warn({ notice: n.id, kind: n.kind, attempts: n.attempts, dead, err: error }, dead ? 'notice is a dead letter' : 'notice delivery failed');
      if (dead) round.dead++;
      else round.retried++;
    }
  }
  return round;
}

/** Sent: and the revocation letter's delivery goes on the chain beside the revocation (Art. 17.2). */
async function recordDelivery(deps: DeliveryDeps, n: NoticeRow): Promise<void> {
  const at = deps.clock.now();
  await inTransaction(deps.db, async (tx) => {
    await markNoticeSent(tx, n.id, at);
    if (n.kind !== 'revocation' || !n.service_id) return;
    const attachments = (typeof n.attachments === 'string' ? JSON.parse(n.attachments) : n.attachments) as { sha256: string }[];
    await appendEvents(tx, n.service_id, 'notices', at, [
      { type: 'notice.delivered', payload: { noticeId: n.id, kind: n.kind, messageId: n.message_id, attachments: attachments.map((a) => a.sha256) } },
    ]);
  });
}

async function messageOf(deps: DeliveryDeps, n: NoticeRow): Promise<OutgoingMessage> {
  let attachments: NoticeAttachment[] = typeof n.attachments === 'string' ? JSON.parse(n.attachments) : n.attachments;
  if (n.pending_attachment === 'certificate' && n.event_id !== null && n.service_id !== null) {
    attachments = [...attachments, await makeCertificate(deps.db, n.event_id, n.service_id, deps.settings)];
    await settlePendingAttachment(deps.db, n.id, attachments);
  }
  const files = new Map(
    (
      await noticeFiles(
        deps.db,
        attachments.map((a: { sha256: string }) => a.sha256),
      )
    ).map((f) => [f.sha256, f]),
  );
  return {
    from: deps.from,
    to: typeof n.recipients === 'string' ? JSON.parse(n.recipients) : n.recipients,
    subject: n.subject,
    text: n.body,
    messageId: n.message_id,
    date: new Date(n.created_at),
    headers: { 'X-Certmark-Notice': n.kind, 'Content-Language': n.language },
    attachments: attachments.map((a: { name: string; contentType: string; sha256: string }) => {
      const f = files.get(a.sha256);
      if (!f) throw new Error(`attachment ${a.name} (${a.sha256}) is missing`);
      return { filename: a.name, contentType: a.contentType, content: Buffer.from(f.bytes) };
    }),
  };
}

/**
 * The delivery loop of a server process: a round every `intervalMs`, and one soon after `wake()` (called after
 * a commit that wrote notices). Errors of a round (the database down) are logged; the next round tries again.
 */
export function startDelivery(deps: DeliveryDeps, intervalMs = 15_000): { wake(): void; stop(): Promise<void> } {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;
  let again = false;
  const round = async () => {
    do {
      again = false;
      try {
        const r = await deliverDue(deps);
        if (r.sent + r.retried + r.dead === 20) again = true; // a full batch: there may be more
      } catch (e) {
        deps.logger?.warn({ err: e instanceof Error ? e.message : String(e) }, 'notice delivery round failed');
      }
    } while (again && !stopped);
  };
  const run = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = round().finally(() => {
      running = null;
      schedule();
    });
  };
  const schedule = () => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, intervalMs);
    timer.unref();
  };
  schedule();
  return {
    wake: () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(run, 50);
      timer.unref();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      deps.mailer.close();
    },
  };
}
