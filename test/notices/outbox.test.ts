import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../src/db/open';
import { apply, decide, registerService, registerVendor } from '../../src/domain/lifecycle/application';
import { requestInvestigation } from '../../src/domain/lifecycle/oversight';
import type { LifecycleContext } from '../../src/domain/lifecycle/context';
import { noticeSettingsOf } from '../../src/notices/compose';
import { runReminders } from '../../src/notices/reminders';
import { deliverDue, fileMailer, MAX_ATTEMPTS, smtpMailer, type DeliveryDeps } from '../../src/notices/delivery';
import { application as appForm, ok, problem } from '../admin/fixtures';
import { testApp, type TestApp } from '../support/app';
import { TEST_DATABASE_URL } from '../support/db';

/**
 * Written notices (DOMAIN.md, "Notices the body sends"): written with the event that causes them, delivered by
 * real SMTP (a server inside the test), at least once, never twice, in the vendor's language.
 */

const ADMIN = '/api/v1/admin';
let t: TestApp;

/** The text of a PDF, as poppler's pdftotext reads it. */
const pdfText = (pdf: Buffer) => execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString('utf8');

/** A real SMTP server on 127.0.0.1: every message it accepts, parsed. `down()` and `up()` stop and restart it on its port. */
async function smtpSink() {
  const received: (ParsedMail & { to_: string[] })[] = [];
  let port = 0;
  let server: SMTPServer | null = null;
  const up = async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      // down() must not wait for the sender's pooled connections to close by themselves
      closeTimeout: 50,
      onData(stream, session, cb) {
        simpleParser(stream).then(
          (m) => {
            received.push({ ...m, to_: session.envelope.rcptTo.map((r) => r.address) });
            cb();
          },
          (e) => cb(e),
        );
      },
    });
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', () => resolve()));
    port = (server.server.address() as AddressInfo).port;
  };
  const down = () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await up();
  return { received, up, down, url: () => `smtp://127.0.0.1:${port}` };
}

let sink: Awaited<ReturnType<typeof smtpSink>>;
const delivery = (over: Partial<DeliveryDeps> = {}): DeliveryDeps => ({
  db: t.database.db,
  clock: t.clock,
  mailer: smtpMailer(sink.url(), { connectionMs: 2_000, socketMs: 5_000 }),
  from: '認定機関 <notices@certmark.test>',
  settings: noticeSettingsOf(t.config, t.deps.mark),
  ...over,
});

/** Delivers until nothing is due now, then closes the sender's connections. */
async function drain(deps = delivery()) {
  try {
    for (let i = 0; i < 50; i++) {
      const r = await deliverDue(deps);
      if (r.sent + r.retried + r.dead === 0) return;
    }
  } finally {
    deps.mailer.close();
  }
}

async function vendorWith(noticeEmails: string[], language: 'ja' | 'en' = 'ja') {
  return (
    await ok(
      t.json('POST', `${ADMIN}/vendors`, { nameJa: '株式会社通知テスト', nameEn: 'Notice Test KK', noticeEmails, language, contact: { person: '担当' } }),
      201,
    )
  ).id as string;
}

async function serviceOf(vendorId: string) {
  return (
    await ok(t.json('POST', `${ADMIN}/services`, { vendorId, nameJa: '通知カルテ', nameEn: 'Notice Karte', origins: ['https://notice.example.jp'] }), 201)
  ).id as string;
}

const application = appForm();

beforeAll(async () => {
  t = await testApp({ now: '2026-04-01T03:00:00Z' });
  sink = await smtpSink();
});
afterAll(async () => {
  await sink.down();
  await t.close();
});
afterEach(() => {
  sink.received.length = 0;
});

describe('Art. 6.4: the decision is notified, with its reason on a refusal', () => {
  it('sends the certification to every address of the vendor, in Japanese, with the number, the period and the verification URL', async () => {
    const s = await serviceOf(await vendorWith(['a@clinic-vendor.example.jp', 'b@clinic-vendor.example.jp']));
    await ok(t.json('POST', `${ADMIN}/services/${s}/applications`, application), 201);
    const d = await ok(t.json('POST', `${ADMIN}/services/${s}/decision`, { outcome: 'certify', notice: '審査の結果、基準に適合しています。' }));
    await drain();
    expect(sink.received).toHaveLength(1);
    const m = sink.received[0]!;
    expect(m.to_.sort()).toEqual(['a@clinic-vendor.example.jp', 'b@clinic-vendor.example.jp']);
    expect(m.subject).toBe(`【認定のお知らせ】通知カルテ（認定番号 ${d.service.number}）`);
    expect(m.text).toContain('株式会社通知テスト 御中');
    expect(m.text).toContain(`認定番号: ${d.service.number}`);
    expect(m.text).toContain('有効期間: 2026年4月1日 から 2028年4月1日 まで');
    expect(m.text).toContain(`https://certmark.test/verify/${d.service.number}`);
    expect(m.text).toContain('審査の結果、基準に適合しています。');
    expect(m.headers.get('x-certmark-notice')).toBe('decision');
    expect(m.from?.value[0]?.address).toBe('notices@certmark.test');
  });

  it('attaches the certificate (Art. 6.5) as a PDF with the number, the service, the vendor and the period in Japanese', async () => {
    const s = await serviceOf(await vendorWith(['cert@clinic-vendor.example.jp']));
    await ok(t.json('POST', `${ADMIN}/services/${s}/applications`, application), 201);
    const d = await ok(t.json('POST', `${ADMIN}/services/${s}/decision`, { outcome: 'certify', notice: '認定' }));
    await drain();
    const [pdf] = sink.received[0]!.attachments;
    expect(pdf).toMatchObject({ contentType: 'application/pdf', filename: `certificate-${d.service.number}.pdf` });
    const text = pdfText(pdf!.content);
    for (const s of [
      d.service.number,
      '認定証',
      '通知カルテ',
      'Notice Karte',
      '株式会社通知テスト',
      '2026年4月1日 から 2028年4月1日 まで',
      `https://certmark.test/verify/${d.service.number}`,
    ])
      expect(text).toContain(s);
    const { notices } = await ok(t.json('GET', `${ADMIN}/services/${s}/notices`));
    expect(notices[0].attachments[0].sha256).toBe(createHash('sha256').update(pdf!.content).digest('hex'));
  });

  it('sends a refusal with its reason', async () => {
    const s = await serviceOf(await vendorWith(['refused@clinic-vendor.example.jp']));
    await ok(t.json('POST', `${ADMIN}/services/${s}/applications`, application), 201);
    await ok(t.json('POST', `${ADMIN}/services/${s}/decision`, { outcome: 'refuse', reason: '第5条の基準を満たさない', notice: '認定を実施しません。' }));
    await drain();
    expect(sink.received.map((m) => m.subject)).toEqual(['【認定を実施しない旨のお知らせ】通知カルテ']);
    expect(sink.received[0]!.text).toContain('理由: 第5条の基準を満たさない');
  });

  it('writes to a vendor that chose English in English', async () => {
    const s = await serviceOf(await vendorWith(['en@clinic-vendor.example.jp'], 'en'));
    await ok(t.json('POST', `${ADMIN}/services/${s}/applications`, application), 201);
    const d = await ok(t.json('POST', `${ADMIN}/services/${s}/decision`, { outcome: 'certify', notice: 'Meets the criteria.' }));
    await drain();
    expect(sink.received[0]!.subject).toBe(`Certification certified: Notice Karte (${d.service.number})`);
    expect(sink.received[0]!.text).toContain('Valid: 1 April 2026 to 1 April 2028');
    expect(sink.received[0]!.headers.get('content-language')).toBe('en');
  });
});

describe('Arts. 15.1, 16.1, 17.2, 13.2, 13.3: requests, the revocation notice and acknowledgements', () => {
  it('notifies an investigation and an improvement with their due dates, then the revocation with its ground and reason', async () => {
    const s = await serviceOf(await vendorWith(['oversight@clinic-vendor.example.jp']));
    await ok(t.json('POST', `${ADMIN}/services/${s}/applications`, application), 201);
    await ok(t.json('POST', `${ADMIN}/services/${s}/decision`, { outcome: 'certify', notice: '認定' }));
    const inv = await ok(t.json('POST', `${ADMIN}/services/${s}/investigations`, { subject: '標章の色の変更について', dueOn: '2026-04-15' }), 201);
    await ok(
      t.json('POST', `${ADMIN}/services/${s}/improvements`, { investigationId: inv.result.id, content: '公式の標章に戻すこと', dueOn: '2026-04-30' }),
      201,
    );
    await ok(t.json('POST', `${ADMIN}/services/${s}/revocation`, { ground: 3, reason: '改善の要請に従わない' }));
    await drain();
    const bySubject = Object.fromEntries(sink.received.map((m) => [m.subject, m.text]));
    expect(bySubject['【調査のお願い】通知カルテ']).toContain('期限: 2026年4月15日');
    expect(bySubject['【調査のお願い】通知カルテ']).toContain('事項: 標章の色の変更について');
    expect(bySubject['【改善のお願い】通知カルテ']).toContain('内容: 公式の標章に戻すこと');
    const revocation = sink.received.find((m) => m.subject?.startsWith('【認定取消しの通知】'))!;
    expect(revocation.text).toContain('第17条第1項第3号');
    expect(revocation.text).toContain('理由: 改善の要請に従わない');
    // Art. 17.2: the letter is a PDF whose hash the revocation event records, and its delivery is an event after it
    const letter = revocation.attachments[0]!;
    expect(pdfText(letter.content)).toContain('認定取消通知書');
    expect(pdfText(letter.content)).toContain('改善の要請に従わない');
    const events = (await ok(t.json('GET', `${ADMIN}/services/${s}/events`))).events as { type: string; payload: Record<string, any> }[];
    const revoked = events.find((e) => e.type === 'service.revoked')!;
    expect(revoked.payload.letter.sha256).toBe(createHash('sha256').update(letter.content).digest('hex'));
    expect(events.at(-1)).toMatchObject({ type: 'notice.delivered', payload: { kind: 'revocation', attachments: [revoked.payload.letter.sha256] } });
  });

  it('acknowledges a termination and the certificate’s return', async () => {
    const s = await serviceOf(await vendorWith(['end@clinic-vendor.example.jp']));
    await ok(t.json('POST', `${ADMIN}/services/${s}/applications`, application), 201);
    await ok(t.json('POST', `${ADMIN}/services/${s}/decision`, { outcome: 'certify', notice: '認定' }));
    await ok(t.json('POST', `${ADMIN}/services/${s}/termination`, { certificateReturned: false }));
    await ok(t.json('POST', `${ADMIN}/services/${s}/certificate-return`));
    await drain();
    const subjects = sink.received.map((m) => m.subject);
    expect(subjects).toContain('【提供終了の届出の受理】通知カルテ');
    expect(subjects).toContain('【認定証の返却の受領】通知カルテ');
  });

  it('goes where the vendor’s notice settings say once staff change them, in the language chosen', async () => {
    const vendor = await vendorWith(['old@clinic-vendor.example.jp']);
    const s = await serviceOf(vendor);
    await ok(t.json('PUT', `${ADMIN}/vendors/${vendor}/notice-settings`, { noticeEmails: ['new@clinic-vendor.example.jp'], language: 'en' }), 204);
    await problem(t.json('PUT', `${ADMIN}/vendors/${vendor}/notice-settings`, { noticeEmails: ['not-an-address'], language: 'en' }), 400);
    await problem(t.json('PUT', `${ADMIN}/vendors/no-such-vendor/notice-settings`, { noticeEmails: [], language: 'ja' }), 404);
    expect(await ok(t.json('GET', `${ADMIN}/vendors/${vendor}`))).toMatchObject({ noticeEmails: ['new@clinic-vendor.example.jp'], language: 'en' });
    await ok(t.json('POST', `${ADMIN}/services/${s}/applications`, application), 201);
    await ok(t.json('POST', `${ADMIN}/services/${s}/decision`, { outcome: 'certify', notice: 'ok' }));
    await drain();
    expect(sink.received.map((m) => [m.to_, m.headers.get('content-language')])).toEqual([[['new@clinic-vendor.example.jp'], 'en']]);
    const changed = await t.database.db.selectFrom('events').select('payload').where('type', '=', 'vendor.notice_settings_changed').execute();
    expect(changed.map((e) => (typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload).vendorId)).toContain(vendor);
  });

  it('lists a service’s notices for staff with their delivery, and audits the read (Art. 20)', async () => {
    const s = await serviceOf(await vendorWith(['list@clinic-vendor.example.jp']));
    await ok(t.json('POST', `${ADMIN}/services/${s}/applications`, application), 201);
    await ok(t.json('POST', `${ADMIN}/services/${s}/decision`, { outcome: 'certify', notice: '認定' }));
    let { notices } = await ok(t.json('GET', `${ADMIN}/services/${s}/notices`));
    expect(notices).toMatchObject([{ kind: 'decision', status: 'pending', recipients: ['list@clinic-vendor.example.jp'], attempts: 0 }]);
    await drain();
    ({ notices } = await ok(t.json('GET', `${ADMIN}/services/${s}/notices`)));
    expect(notices).toMatchObject([{ status: 'sent', attempts: 1, sentAt: '2026-04-01T03:00:00.000Z' }]);
    const full = await ok(t.json('GET', `${ADMIN}/notices/${notices[0].id}`));
    expect(full.body).toContain('認定番号');
    const { entries } = await ok(t.json('GET', `${ADMIN}/audit-log?subject=${s}`));
    expect(entries.map((e: { action: string }) => e.action)).toContain('read notices');
  });
});

describe('the outbox: written with its event, delivered at least once and never twice', () => {
  it('writes nothing when the operation fails: the notice and the decision commit together', async () => {
    const s = await serviceOf(await vendorWith(['atomic@clinic-vendor.example.jp']));
    await problem(t.json('POST', `${ADMIN}/services/${s}/decision`, { outcome: 'certify', notice: '認定' }), 409);
    expect((await ok(t.json('GET', `${ADMIN}/services/${s}/notices`))).notices).toEqual([]);
  });

  it('keeps a notice for a vendor with no address as a dead letter that staff see and resend to an address they give', async () => {
    const s = await serviceOf(await vendorWith([]));
    await ok(t.json('POST', `${ADMIN}/services/${s}/applications`, application), 201);
    await ok(t.json('POST', `${ADMIN}/services/${s}/decision`, { outcome: 'certify', notice: '認定' }));
    await drain();
    expect(sink.received).toHaveLength(0);
    const { notices } = await ok(t.json('GET', `${ADMIN}/notices?status=dead`));
    const dead = notices.find((n: { serviceId: string }) => n.serviceId === s);
    expect(dead.lastError).toContain('no address');
    await problem(t.json('POST', `${ADMIN}/notices/${dead.id}/resend`, {}), 400);
    await ok(t.json('POST', `${ADMIN}/notices/${dead.id}/resend`, { recipients: ['found@clinic-vendor.example.jp'] }));
    await problem(t.json('POST', `${ADMIN}/notices/${dead.id}/resend`, { recipients: ['x@clinic-vendor.example.jp'] }), 409);
    await drain();
    expect(sink.received.map((m) => m.to_)).toEqual([['found@clinic-vendor.example.jp']]);
    await problem(t.json('POST', `${ADMIN}/notices/no-such-notice/resend`, {}), 404);
    await problem(t.json('POST', `${ADMIN}/notices/${dead.id}/resend`, { recipients: ['not an address'] }), 400);
  });

  it('retries while the SMTP server is down, delivers 100 notices once each when it is back, across a restart of the sender', async () => {
    const ctx: LifecycleContext = {
      db: t.database.db,
      clock: t.clock,
      actor: 'test',
      notices: noticeSettingsOf(t.config, t.deps.mark),
    };
    // 100 investigation requests (Art. 15.1) to one certified service: 101 notices with its decision
    const vendor = await registerVendor(ctx, { nameJa: '一括', nameEn: null, contact: {}, noticeEmails: ['bulk@clinic-vendor.example.jp'] });
    const s = await registerService(ctx, { vendorId: vendor.id, nameJa: '一括サービス', nameEn: null, origins: [], continues: null });
    await apply(ctx, s.id, { documents: ['申請書'], feePaid: true, items: [] });
    await decide(ctx, s.id, { outcome: 'certify', notice: '認定', reason: null, committeeOpinion: null, decidedOn: null });
    for (let i = 0; i < 100; i++) await requestInvestigation(ctx, s.id, { subject: `調査事項${i}`, dueOn: '2026-05-01' });
    await sink.down();
    const first = delivery();
    const r1 = await deliverDue(first, 200);
    expect(r1).toEqual({ sent: 0, retried: 101, dead: 0 });
    expect(await deliverDue(first, 200)).toEqual({ sent: 0, retried: 0, dead: 0 }); // backing off: nothing due yet
    first.mailer.close(); // the first sender stops here
    await sink.up();
    t.clock.advance(60_000);
    await drain(delivery()); // a new sender, as after a restart
    const ids = sink.received.map((m) => m.messageId);
    expect(ids).toHaveLength(101);
    expect(new Set(ids).size).toBe(101);
    const counts = await t.database.db
      .selectFrom('notices')
      .select(['status', 'attempts'])
      .where('recipients', '=', JSON.stringify(['bulk@clinic-vendor.example.jp']) as never)
      .execute();
    expect(counts.every((n) => n.status === 'sent' && n.attempts === 2)).toBe(true);
  });

  it('makes a notice a dead letter after its last attempt, with the error', async () => {
    const s = await serviceOf(await vendorWith(['dies@clinic-vendor.example.jp']));
    await ok(t.json('POST', `${ADMIN}/services/${s}/applications`, application), 201);
    await ok(t.json('POST', `${ADMIN}/services/${s}/decision`, { outcome: 'certify', notice: '認定' }));
    await sink.down();
    try {
      for (let i = 0; i < MAX_ATTEMPTS; i++) {
        await deliverDue(delivery());
        t.clock.advance(7 * 3_600_000);
      }
    } finally {
      await sink.up();
    }
    const [n] = (await ok(t.json('GET', `${ADMIN}/services/${s}/notices`))).notices;
    expect(n).toMatchObject({ status: 'dead', attempts: MAX_ATTEMPTS });
    expect(n.lastError).toMatch(/ECONNREFUSED|connect/i);
  });
});

describe('notices to staff: a new case, a new inquiry (Art. 18), an emergency (Art. 14), a dead letter', () => {
  const toStaff = () => sink.received.filter((m) => m.to_.includes('inquiry@certifier.example'));

  it('tells staff of an inquiry and of an emergency report, at the certifier’s address when CERTMARK_STAFF_EMAILS is unset', async () => {
    const res = await t.app.request(
      '/api/v1/inquiries',
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: '山田 花子', email: 'hanako@clinic.example', subject: 'マークの表示について', body: '教えてください。' }),
      },
      { incoming: { socket: { remoteAddress: '10.9.9.9' } } },
    );
    expect(res.status).toBe(201);
    const s = await serviceOf(await vendorWith(['em@clinic-vendor.example.jp']));
    await ok(t.json('POST', `${ADMIN}/services/${s}/applications`, application), 201);
    await ok(t.json('POST', `${ADMIN}/services/${s}/decision`, { outcome: 'certify', notice: '認定' }));
    await ok(t.json('POST', `${ADMIN}/services/${s}/emergencies`, { kind: 'leak', summary: '患者情報の漏えいの疑い' }), 201);
    await drain();
    const subjects = toStaff().map((m) => m.subject);
    expect(subjects.some((x) => x?.startsWith('[certmark] 新しい問い合わせ（第18条）'))).toBe(true);
    expect(subjects).toContain('[certmark] 緊急時の通知（第14条）: 通知カルテ（leak）');
    expect(toStaff().find((m) => m.subject?.includes('第14条'))!.text).toContain('患者情報の漏えいの疑い');
  });

  it('tells staff of a new misuse case once, however often the sighting repeats', async () => {
    const { crawlerKey, postSighting, recolouredPng } = await import('../sightings/support');
    const key = (await crawlerKey(t, 'staff notice crawler')).key;
    const s = await serviceOf(await vendorWith(['case@clinic-vendor.example.jp']));
    await ok(t.json('POST', `${ADMIN}/services/${s}/applications`, application), 201);
    const d = await ok(t.json('POST', `${ADMIN}/services/${s}/decision`, { outcome: 'certify', notice: '認定' }));
    for (let i = 0; i < 2; i++) {
      t.clock.advance(1000);
      const r = await postSighting(t, key, {
        image: await recolouredPng(),
        pageUrl: 'https://notice.example.jp/',
        linkHref: `https://certmark.test/verify/${d.service.number}`,
        seenAt: t.clock.now().toISOString(),
      });
      expect(r.status).toBe(201);
    }
    await drain();
    const cases = toStaff().filter((m) => m.subject?.startsWith('[certmark] 新しい不正使用の事案'));
    expect(cases).toHaveLength(1);
    expect(cases[0]!.text).toContain('ページ: https://notice.example.jp/');
  });

  it('tells staff of a dead letter, with the error and how to resend it', async () => {
    const s = await serviceOf(await vendorWith(['gone@clinic-vendor.example.jp']));
    await ok(t.json('POST', `${ADMIN}/services/${s}/applications`, application), 201);
    await ok(t.json('POST', `${ADMIN}/services/${s}/decision`, { outcome: 'certify', notice: '認定' }));
    await sink.down();
    try {
      for (let i = 0; i < MAX_ATTEMPTS; i++) {
        await deliverDue(delivery());
        t.clock.advance(7 * 3_600_000);
      }
    } finally {
      await sink.up();
    }
    await drain();
    const [n] = (await ok(t.json('GET', `${ADMIN}/services/${s}/notices`))).notices.filter((x: { kind: string }) => x.kind === 'decision');
    const dead = toStaff().find((m) => m.subject === `[certmark] 配信できなかった通知: ${n.subject}`);
    expect(dead?.text).toContain(`POST /api/v1/admin/notices/${n.id}/resend`);
  });
});

describe('without SMTP_URL: notices are .eml files under {DATA_DIR}/outbox', () => {
  it('writes one file per notice, named by its id, with the Message-ID and the Japanese text', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'certmark-outbox-'));
    try {
      const s = await serviceOf(await vendorWith(['eml@clinic-vendor.example.jp']));
      await ok(t.json('POST', `${ADMIN}/services/${s}/applications`, application), 201);
      await ok(t.json('POST', `${ADMIN}/services/${s}/decision`, { outcome: 'certify', notice: '認定' }));
      await drain(delivery({ mailer: fileMailer(dir) }));
      const [n] = (await ok(t.json('GET', `${ADMIN}/services/${s}/notices`))).notices;
      expect(await readdir(dir)).toContain(`${n.id}.eml`);
      const parsed = await simpleParser(await readFile(join(dir, `${n.id}.eml`)));
      expect(parsed.messageId).toBe(n.messageId);
      expect(parsed.text).toContain('認定を実施しましたので通知します');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.runIf(TEST_DATABASE_URL)('two server processes on PostgreSQL', () => {
  it('send each notice exactly once', async () => {
    const ctx: LifecycleContext = {
      db: t.database.db,
      clock: t.clock,
      actor: 'test',
      notices: noticeSettingsOf(t.config, t.deps.mark),
    };
    const vendor = await registerVendor(ctx, { nameJa: '並行', nameEn: null, contact: {}, noticeEmails: ['twice@clinic-vendor.example.jp'] });
    const s = await registerService(ctx, { vendorId: vendor.id, nameJa: '並行サービス', nameEn: null, origins: [], continues: null });
    await apply(ctx, s.id, { documents: ['申請書'], feePaid: true, items: [] });
    await decide(ctx, s.id, { outcome: 'certify', notice: '認定', reason: null, committeeOpinion: null, decidedOn: null });
    for (let i = 0; i < 39; i++) await requestInvestigation(ctx, s.id, { subject: `並行調査${i}`, dueOn: '2026-05-01' });
    const second = openPostgres({ url: TEST_DATABASE_URL!, schema: t.database.schema ?? undefined, max: 3 });
    try {
      await Promise.all([drain(delivery()), drain(delivery({ db: second.db })), drain(delivery()), drain(delivery({ db: second.db }))]);
    } finally {
      await second.close();
    }
    const ids = sink.received.filter((m) => m.to_.includes('twice@clinic-vendor.example.jp')).map((m) => m.messageId);
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
  });

  it('write and send each reminder exactly once', async () => {
    const ctx: LifecycleContext = { db: t.database.db, clock: t.clock, actor: 'test', notices: noticeSettingsOf(t.config, t.deps.mark) };
    const vendor = await registerVendor(ctx, { nameJa: '並行リマインド', nameEn: null, contact: {}, noticeEmails: ['remind-once@clinic-vendor.example.jp'] });
    for (let i = 0; i < 5; i++) {
      const s = await registerService(ctx, { vendorId: vendor.id, nameJa: `並行更新${i}`, nameEn: null, origins: [], continues: null });
      await apply(ctx, s.id, { documents: ['申請書'], feePaid: true, items: [] });
      await decide(ctx, s.id, { outcome: 'certify', notice: '認定', reason: null, committeeOpinion: null, decidedOn: null });
    }
    const second = openPostgres({ url: TEST_DATABASE_URL!, schema: t.database.schema ?? undefined, max: 3 });
    const back = t.clock.now();
    try {
      t.clock.set(new Date(back.getTime() + (2 * 365 - 80) * 86_400_000)); // past the 90-day reminder of every one
      const settings = noticeSettingsOf(t.config, t.deps.mark);
      await Promise.all([
        runReminders(t.database.db, t.clock, settings),
        runReminders(second.db, t.clock, settings),
        runReminders(t.database.db, t.clock, settings),
      ]);
      await Promise.all([drain(delivery()), drain(delivery({ db: second.db }))]);
    } finally {
      t.clock.set(back);
      await second.close();
    }
    const got = sink.received.filter((m) => m.to_.includes('remind-once@clinic-vendor.example.jp') && m.subject?.startsWith('【更新のご案内】'));
    expect(got).toHaveLength(5);
    expect(new Set(got.map((m) => m.messageId)).size).toBe(5);
  });
});
