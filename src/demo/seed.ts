import { fixedClock, type Clock } from '../clock';
import type { Db } from '../db/database';
import { addDays, jstDate, startOfJstDay } from '../domain/calendar';
import { apply, decide, registerService, registerVendor } from '../domain/lifecycle/application';
import type { NoticeSettings } from '../notices/compose';
import { lapse, revoke, terminate } from '../domain/lifecycle/closure';
import type { LifecycleContext } from '../domain/lifecycle/context';
import { recordInvestigationAnswer, requestImprovement, requestInvestigation } from '../domain/lifecycle/oversight';
import { fileRenewal } from '../domain/lifecycle/renewal';
import type { DisclosureItemInput } from '../repositories/services';
import { issueEmbedToken, type TokenContext } from '../tokens/issue';
import { servesMark, statusAt, type Status } from '../domain/lifecycle/state';
import { serviceEvents } from '../repositories/events';
import { badgeImageUrl, markUrl } from '../urls';

export async function countServicesForDemo(db: Db): Promise<number> {
  const r = await db
    .selectFrom('services')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

function items(name: string): DisclosureItemInput[] {
  return [
    {
      key: 'service.overview',
      labelJa: 'サービスの概要',
      labelEn: 'Service overview',
      valueJa: `${name}：診療所向けの電子カルテ・予約管理サービス`,
      valueEn: `${name}: electronic records and appointments for clinics`,
      withheld: false,
      withheldReason: null,
    },
    {
      key: 'datacenter.location',
      labelJa: 'データセンターの所在地',
      labelEn: 'Data centre location',
      valueJa: '日本国内（東京・大阪）',
      valueEn: 'Japan (Tokyo, Osaka)',
      withheld: false,
      withheldReason: null,
    },
    {
      key: 'backup.policy',
      labelJa: 'バックアップ',
      labelEn: 'Backups',
      valueJa: '日次フルバックアップ、遠隔地保管',
      valueEn: 'Daily full backups, kept off site',
      withheld: false,
      withheldReason: null,
    },
    {
      key: 'security.network',
      labelJa: 'ネットワーク構成の詳細',
      labelEn: 'Network layout',
      valueJa: '（非公開）ファイアウォール構成図',
      valueEn: '(withheld) firewall layout',
      withheld: true,
      withheldReason: 'Art. 11.2: disclosing it would weaken the service’s security',
    },
  ];
}

/**
 * Demo data for a newcomer: one service in each status of CONTRACT.md, made through the real lifecycle
 * operations with a clock set to the days they happened: 10:00 JST on each day, or the start's own instant on
 * its own day when that is earlier, so no event lies in the future whatever the hour the demo is seeded.
 */
export async function seedDemo(db: Db, clock: Clock, notices?: NoticeSettings): Promise<Record<string, string>> {
  const now = clock.now();
  const today = jstDate(now);
  const at = fixedClock(now);
  const ctx: LifecycleContext = { db, clock: at, actor: 'demo', ...(notices ? { notices } : {}) };
  const on = (daysAgo: number) => at.set(new Date(Math.min(startOfJstDay(addDays(today, -daysAgo)).getTime() + 10 * 3600_000, now.getTime())));

  on(1200);
  const vendor = await registerVendor(ctx, {
    nameJa: '株式会社デモメディカル',
    nameEn: 'Demo Medical Co., Ltd.',
    contact: { person: '山田 太郎', email: 'compliance@demo-medical.example.jp' },
    noticeEmails: ['compliance@demo-medical.example.jp', 'ceo@demo-medical.example.jp'],
  });
  const other = await registerVendor(ctx, {
    nameJa: 'さくらヘルスクラウド株式会社',
    nameEn: 'Sakura Health Cloud K.K.',
    contact: { person: '佐藤 花子' },
    noticeEmails: ['certification@sakura-health.example.jp'],
    language: 'en',
  });
  const origins = ['http://localhost:3000', 'http://127.0.0.1:3000', 'https://demo-medical.example'];

  const make = async (vendorId: string, nameJa: string, nameEn: string, certifiedDaysAgo: number | null) => {
    on(certifiedDaysAgo === null ? 3 : certifiedDaysAgo + 20);
    const s = await registerService(ctx, { vendorId, nameJa, nameEn, origins });
    await apply(ctx, s.id, { documents: ['申請書A', '申請書B', '登記事項証明書'], feePaid: true, items: items(nameJa) });
    if (certifiedDaysAgo !== null) {
      on(certifiedDaysAgo);
      await decide(ctx, s.id, { outcome: 'certify', notice: '認定を実施しました (Art. 6.4)', reason: null, committeeOpinion: '適合', decidedOn: null });
    }
    return s.id;
  };

  const ids: Record<string, string> = {};
  ids.certified = await make(vendor.id, 'デモカルテ', 'Demo Karte', 100);
  ids.renewal_pending = await make(vendor.id, 'デモ予約', 'Demo Booking', 730 - 45);
  on(0);
  await fileRenewal(ctx, ids.renewal_pending, {
    selfDeclaration: { usedMarkCorrectly: true, statement: '規程のとおり認定マークを使用してきました。' },
    overrideReason: null,
  });
  ids.expired = await make(other.id, 'さくら検査連携', 'Sakura Lab Link', 1000);
  ids.revoked = await make(other.id, 'さくら画像保管', 'Sakura Imaging Archive', 400);
  on(30);
  const investigation = await requestInvestigation(ctx, ids.revoked, {
    subject: '認定マークの色を変更して掲載している理由の説明 (Art. 10.5)',
    dueOn: addDays(today, -25),
  });
  on(27);
  await recordInvestigationAnswer(ctx, ids.revoked, investigation.id, { summary: '社内デザインに合わせて変更したとの回答', satisfactory: false });
  await requestImprovement(ctx, ids.revoked, {
    investigationId: investigation.id,
    content: '認定マークの色を変更して掲載していたため、公式の表示に改めること。',
    dueOn: addDays(today, -20),
    publish: true,
  });
  on(10);
  await revoke(ctx, ids.revoked, {
    ground: 3,
    reason: '認定マークの改変使用が是正されなかった (Art. 10.5)',
    notice: '認定取消通知書 (Art. 17.2): 認定マークの改変使用が是正されなかったため、認定を取り消します。',
    noticeSentBy: 'post',
  });
  ids.terminated = await make(vendor.id, 'デモ遠隔読影', 'Demo Teleradiology', 365);
  on(30);
  await terminate(ctx, ids.terminated, { certificateReturned: true });
  ids.lapsed = await make(other.id, 'さくら訪問看護記録', 'Sakura Home Care Notes', 200);
  on(5);
  await lapse(ctx, ids.lapsed, { cause: 'merger', note: '吸収合併により効力を失った (Art. 9.2)' });
  ids.applied = await make(vendor.id, 'デモ服薬管理', 'Demo Medication', null);
  ids.refused = await make(other.id, 'さくら健診ポータル', 'Sakura Checkup Portal', null);
  on(1);
  await decide(ctx, ids.refused, {
    outcome: 'refuse',
    notice: '認定をしない旨を通知しました (Art. 6.4)',
    reason: '認定基準 (情報セキュリティ対策) に適合しない',
    committeeOpinion: '不適合',
    decidedOn: null,
  });
  return ids;
}

/**
 * One embed token per demo service that holds a number and has none yet, for the demo origins (issue 3).
 * Demo services are those the demo actor registered, so real services are never given tokens here.
 */
export async function seedDemoTokens(ctx: TokenContext): Promise<number> {
  const rows = await ctx.db
    .selectFrom('services')
    .innerJoin('events', 'events.service_id', 'services.id')
    .select(['services.id'])
    .where('events.type', '=', 'service.registered')
    .where('events.actor', '=', 'demo')
    .where('services.number', 'is not', null)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('embed_tokens').select('jti').whereRef('embed_tokens.service_id', '=', 'services.id'))))
    .orderBy('services.created_at')
    .execute();
  let issued = 0;
  for (const { id } of rows) {
    try {
      await issueEmbedToken(ctx, id, { origins: null });
      issued++;
    } catch {
      // revoked, terminated or lapsed demo services get no token: that is the rule, not a failure
    }
  }
  return issued;
}

/** The demo badge URLs to print at start, services that serve the mark now first. */
export async function demoBadgeUrls(db: Db, base: string, now: Date): Promise<{ number: string; status: Status | null; badge: string; mark: string }[]> {
  const rows = await db
    .selectFrom('embed_tokens')
    .innerJoin('services', 'services.id', 'embed_tokens.service_id')
    .innerJoin('events', 'events.service_id', 'services.id')
    .select(['embed_tokens.token', 'embed_tokens.service_id', 'services.number'])
    .where('events.type', '=', 'service.registered')
    .where('events.actor', '=', 'demo')
    .where('embed_tokens.retired_at', 'is', null)
    .orderBy('services.number')
    .execute();
  const out = [];
  for (const r of rows) {
    const status = statusAt(await serviceEvents(db, r.service_id), now);
    out.push({ number: r.number ?? '', status, badge: badgeImageUrl(base, r.token), mark: markUrl(base, r.token) });
  }
  return out.sort((a, b) => Number(servesMark(b.status)) - Number(servesMark(a.status)));
}
