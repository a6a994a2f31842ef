/**
 * The written notices the rules require (DOMAIN.md, "Notices the body sends"), composed from the event that
 * causes each. Pure: the outbox (outbox.ts) stores what this returns in the event's own transaction, so a
 * notice says exactly what was decided, in the vendor's language (Japanese unless the vendor chose English).
 */
import type { Certifier, Config } from '../config';
import type { MarkRenderer } from '../mark/render';
import type { StaffNoticeSettings } from './staff-notices';
import type { LifecycleEvent } from '../domain/lifecycle/events';
import { verifyUrl } from '../urls';
import { en as messagesEn } from '../views/messages-en';
import { ja as messagesJa } from '../views/messages-ja';
import { formatDate } from '../views/format';

export type NoticeLanguage = 'ja' | 'en';

/** What a notice is, by the article that requires it. */
export const NOTICE_KINDS = {
  decision: 'Art. 6.4',
  investigation_request: 'Art. 15.1',
  improvement_request: 'Art. 16.1',
  revocation: 'Art. 17.2',
  termination_acknowledgement: 'Art. 13.2',
  lapse_acknowledgement: 'Art. 9.2',
  certificate_return_acknowledgement: 'Art. 13.3',
} as const;
export type NoticeKind = keyof typeof NOTICE_KINDS;

export interface NoticeDraft {
  kind: NoticeKind;
  /** What caused it, once: the event and the kind. Writing the same cause twice writes one notice. */
  cause: string;
  eventId: number;
  subject: string;
  body: string;
  /** A PDF that goes with it: the certificate (Art. 6.5) or the revocation letter (Art. 17.2). */
  attach: 'certificate' | 'letter' | null;
}

export interface NoticeSubject {
  service: { id: string; number: string | null; nameJa: string; nameEn: string | null };
  vendor: { nameJa: string; nameEn: string | null; language: NoticeLanguage };
}

/** What every notice needs from the configuration: who signs it, and where the verification pages are. */
export interface NoticeSettings extends StaffNoticeSettings {
  certifier: Certifier;
  publicBaseUrl: string;
  /** The official mark as PNG, for the certificate. */
  markPng: () => Promise<Buffer>;
}

/** The settings from the configuration and the mark renderer the app was given. */
export function noticeSettingsOf(config: Pick<Config, 'certifier' | 'publicBaseUrl' | 'mail'>, mark: Pick<MarkRenderer, 'png'>): NoticeSettings {
  return {
    certifier: config.certifier,
    publicBaseUrl: config.publicBaseUrl,
    markPng: () => mark.png('colour', 512),
    staffEmails: config.mail.staff.length > 0 ? config.mail.staff : [config.certifier.email],
  };
}

interface Parts {
  kind: NoticeKind;
  subject: string;
  lines: string[];
}

/** The notices one event causes (none for most). */
export function noticesForEvent(e: LifecycleEvent, about: NoticeSubject, settings: NoticeSettings): NoticeDraft[] {
  const lang = about.vendor.language;
  const parts = lang === 'en' ? english(e, about, settings) : japanese(e, about, settings);
  if (!parts) return [];
  const attach = e.type === 'service.certified' ? 'certificate' : e.type === 'service.revoked' && e.payload.letter ? 'letter' : null;
  return [
    { kind: parts.kind, cause: `event:${e.id}:${parts.kind}`, eventId: e.id, subject: parts.subject, body: letter(parts, about, settings, lang), attach },
  ];
}

function letter(p: Parts, about: NoticeSubject, s: NoticeSettings, lang: NoticeLanguage): string {
  const c = s.certifier;
  const vendor = lang === 'en' ? (about.vendor.nameEn ?? about.vendor.nameJa) : about.vendor.nameJa;
  const head = lang === 'en' ? `To ${vendor}` : `${vendor} 御中`;
  const signature =
    lang === 'en'
      ? [c.name.en, c.address.en, c.email, ...(c.phone ? [c.phone] : []), c.url]
      : [c.name.ja, c.address.ja, c.email, ...(c.phone ? [c.phone] : []), c.url];
  const article = lang === 'en' ? `(${NOTICE_KINDS[p.kind]} of the certification rules)` : `（認定規程 ${NOTICE_KINDS[p.kind].replace('Art. ', '第')}条関係）`;
  return [head, '', ...p.lines, '', article, '', '--', ...signature, ''].join('\n');
}

const serviceName = (about: NoticeSubject, lang: NoticeLanguage) => (lang === 'en' ? (about.service.nameEn ?? about.service.nameJa) : about.service.nameJa);

function japanese(e: LifecycleEvent, about: NoticeSubject, s: NoticeSettings): Parts | null {
  const name = serviceName(about, 'ja');
  const d = (day: string) => formatDate(day, 'ja');
  const verify = about.service.number ? verifyUrl(s.publicBaseUrl, about.service.number) : null;
  switch (e.type) {
    case 'service.certified': {
      const p = e.payload;
      const what = p.kind === 'renewal' ? '認定の更新' : '認定';
      return {
        kind: 'decision',
        subject: `【${what}のお知らせ】${name}（認定番号 ${p.number}）`,
        lines: [
          `貴社の医療情報ASP・SaaS「${name}」について、${what}を実施しましたので通知します。`,
          '',
          `認定番号: ${p.number}`,
          `有効期間: ${d(p.certifiedOn)} から ${d(p.validThrough)} まで`,
          ...(verify ? [`確認用URL: ${verify}`] : []),
          '',
          p.notice,
        ],
      };
    }
    case 'service.refused': {
      const p = e.payload;
      return {
        kind: 'decision',
        subject: `【認定を実施しない旨のお知らせ】${name}`,
        lines: [
          `貴社の医療情報ASP・SaaS「${name}」の${p.kind === 'renewal' ? '更新' : '認定'}申請について、認定を実施しないこととしましたので通知します。`,
          '',
          `理由: ${p.reason}`,
          '',
          p.notice,
        ],
      };
    }
    case 'investigation.requested':
      return {
        kind: 'investigation_request',
        subject: `【調査のお願い】${name}`,
        lines: [
          `認定規程第15条第1項に基づき、「${name}」について次の事項の説明又は資料の提出をお願いします。`,
          '',
          `事項: ${e.payload.subject}`,
          `期限: ${d(e.payload.dueOn)}`,
        ],
      };
    case 'improvement.requested':
      return {
        kind: 'improvement_request',
        subject: `【改善のお願い】${name}`,
        lines: [
          `認定規程第16条第1項に基づき、調査の結果を踏まえ、「${name}」について次の改善をお願いします。`,
          '',
          `内容: ${e.payload.content}`,
          `期限: ${d(e.payload.dueOn)}`,
        ],
      };
    case 'service.revoked': {
      const p = e.payload;
      return {
        kind: 'revocation',
        subject: `【認定取消しの通知】${name}${about.service.number ? `（認定番号 ${about.service.number}）` : ''}`,
        lines: [
          `認定規程第17条第1項第${p.ground}号（${messagesJa.grounds[p.ground]}）に基づき、「${name}」の認定を取り消しましたので、同条第2項により通知します。`,
          `取消しの時点から認定マークは使用できません。認定証を返却してください（第13条第3項）。`,
          '',
          `理由: ${p.reason}`,
          ...(p.notice ? ['', p.notice] : []),
        ],
      };
    }
    case 'service.terminated':
      return {
        kind: 'termination_acknowledgement',
        subject: `【提供終了の届出の受理】${name}`,
        lines: [
          `「${name}」の提供終了の届出を受理しました。認定は ${d(e.payload.terminatedOn)} をもって終了しています。`,
          e.payload.certificateReturned ? '認定証の返却を確認しました。' : '認定証を返却してください（第13条第3項）。',
        ],
      };
    case 'service.lapsed':
      return {
        kind: 'lapse_acknowledgement',
        subject: `【認定の失効のお知らせ】${name}`,
        lines: [
          `事業の承継等（第9条第2項）により、「${name}」の認定は ${d(e.payload.effectiveOn)} をもって効力を失いました。`,
          '認定マークの使用を中止し、認定証を返却してください。',
        ],
      };
    case 'certificate.returned':
      return {
        kind: 'certificate_return_acknowledgement',
        subject: `【認定証の返却の受領】${name}`,
        lines: [`「${name}」の認定証の返却を ${d(e.payload.returnedOn)} に受領しました。`],
      };
    default:
      return null;
  }
}

function english(e: LifecycleEvent, about: NoticeSubject, s: NoticeSettings): Parts | null {
  const name = serviceName(about, 'en');
  const d = (day: string) => formatDate(day, 'en');
  const verify = about.service.number ? verifyUrl(s.publicBaseUrl, about.service.number) : null;
  switch (e.type) {
    case 'service.certified': {
      const p = e.payload;
      const what = p.kind === 'renewal' ? 'renewed' : 'certified';
      return {
        kind: 'decision',
        subject: `Certification ${what}: ${name} (${p.number})`,
        lines: [
          `We hereby notify you that your medical information cloud service "${name}" has been ${what}.`,
          '',
          `Certification number: ${p.number}`,
          `Valid: ${d(p.certifiedOn)} to ${d(p.validThrough)}`,
          ...(verify ? [`Verification page: ${verify}`] : []),
          '',
          p.notice,
        ],
      };
    }
    case 'service.refused': {
      const p = e.payload;
      return {
        kind: 'decision',
        subject: `Certification not granted: ${name}`,
        lines: [
          `We hereby notify you that your ${p.kind === 'renewal' ? 'renewal' : 'application'} for "${name}" is refused.`,
          '',
          `Reason: ${p.reason}`,
          '',
          p.notice,
        ],
      };
    }
    case 'investigation.requested':
      return {
        kind: 'investigation_request',
        subject: `Request for explanation or materials: ${name}`,
        lines: [
          `Under Art. 15.1 of the rules, please explain or submit materials on the following about "${name}".`,
          '',
          `Subject: ${e.payload.subject}`,
          `Due: ${d(e.payload.dueOn)}`,
        ],
      };
    case 'improvement.requested':
      return {
        kind: 'improvement_request',
        subject: `Request for improvement: ${name}`,
        lines: [
          `Under Art. 16.1 of the rules, following our investigation, please make this improvement to "${name}".`,
          '',
          `Improvement: ${e.payload.content}`,
          `Due: ${d(e.payload.dueOn)}`,
        ],
      };
    case 'service.revoked': {
      const p = e.payload;
      return {
        kind: 'revocation',
        subject: `Notice of revocation: ${name}${about.service.number ? ` (${about.service.number})` : ''}`,
        lines: [
          `Under Art. 17.1(${p.ground}) of the rules (${messagesEn.grounds[p.ground]}), the certification of "${name}" is revoked; this is the notice of Art. 17.2.`,
          'The certification mark may no longer be used. Please return the certificate (Art. 13.3).',
          '',
          `Reason: ${p.reason}`,
          ...(p.notice ? ['', p.notice] : []),
        ],
      };
    }
    case 'service.terminated':
      return {
        kind: 'termination_acknowledgement',
        subject: `Termination received: ${name}`,
        lines: [
          `We received your notice that "${name}" ended. The certification ended on ${d(e.payload.terminatedOn)}.`,
          e.payload.certificateReturned ? 'We received the certificate.' : 'Please return the certificate (Art. 13.3).',
        ],
      };
    case 'service.lapsed':
      return {
        kind: 'lapse_acknowledgement',
        subject: `Certification lapsed: ${name}`,
        lines: [
          `Under Art. 9.2 of the rules, the certification of "${name}" lapsed on ${d(e.payload.effectiveOn)}.`,
          'Please stop using the mark and return the certificate.',
        ],
      };
    case 'certificate.returned':
      return {
        kind: 'certificate_return_acknowledgement',
        subject: `Certificate received: ${name}`,
        lines: [`We received the certificate of "${name}" on ${d(e.payload.returnedOn)}.`],
      };
    default:
      return null;
  }
}
