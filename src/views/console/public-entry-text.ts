/** What a preview says the public pages will add: one public history entry (src/publication/timeline.ts) in words. */
import type { PublicEntry } from '../../publication/timeline';
import { type Lang, messages } from '../i18n';
import { formatDate } from '../vocabulary';

export function publicEntryText(e: PublicEntry, lang: Lang): string {
  const m = messages(lang);
  const j = lang === 'ja';
  const day = (d: string) => formatDate(d, lang);
  switch (e.type) {
    case 'certified':
    case 'renewed':
      return j
        ? `${e.type === 'renewed' ? '更新' : '認定'}: ${day(e.certifiedOn)}から${day(e.validThrough)}まで有効`
        : `${e.type === 'renewed' ? 'Renewed' : 'Certified'}: valid from ${day(e.certifiedOn)} through ${day(e.validThrough)}`;
    case 'extended':
      return j ? `延長: ${day(e.until)}まで効力を有する` : `Extended: in force through ${day(e.until)}`;
    case 'disclosure_updated':
      return j ? `申請内容の第${e.version}版（留保した項目を除く）` : `Version ${e.version} of the application content (withheld items left out)`;
    case 'improvement_published':
      return j ? `改善の要請（期限 ${day(e.dueOn)}）: ${e.content}` : `Improvement request (due ${day(e.dueOn)}): ${e.content}`;
    case 'improvement_completed':
      return j ? '改善の完了' : 'Improvement completed';
    case 'revoked':
      return j ? `取消し（${m.grounds[e.ground]}）: ${e.reason}` : `Revoked (${m.grounds[e.ground]}): ${e.reason}`;
    case 'terminated':
      return j ? `提供終了: ${day(e.terminatedOn)}` : `Terminated: ${day(e.terminatedOn)}`;
    case 'lapsed':
      return j ? `失効（${m.causes[e.cause]}）: ${day(e.effectiveOn)}` : `Lapsed (${m.causes[e.cause]}): ${day(e.effectiveOn)}`;
    case 'expired':
      return j ? `期間満了: ${day(e.lastDay)}` : `Expired: ${day(e.lastDay)}`;
  }
}
