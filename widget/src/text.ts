/** Every word the badge shows, in Japanese and English. Japanese unless the page says otherwise. */
import { formatDate, SCHEME, STATUS_TERMS } from '../../src/views/vocabulary';

export type Lang = 'ja' | 'en';

export const TEXT = {
  ja: {
    mark: '認定マーク',
    scheme: SCHEME.ja,
    through: (d: string) => `${formatDate(d, 'ja')}まで有効`,
    verify: '認定の確認ページへ',
    report: '不正表示を報告',
    notHere: 'このサイトでの表示は確認できません',
    altered: 'このページでは認定マークを表示できません',
    offline: (n: string) => `認定 ${n} を確認する`,
    registry: '認定サービス一覧で確認する',
    loading: '認定を確認しています',
    vendor: '事業者',
    status: '状態',
    checked: '確認日時',
    states: {
      ...STATUS_TERMS.ja,
      unknown: '認定を確認できません',
      hidden: '現在この認定マークは表示できません',
    },
  },
  en: {
    mark: 'Certification mark',
    scheme: SCHEME.en,
    through: (d: string) => `Valid through ${formatDate(d, 'en')}`,
    verify: 'Open the verification page',
    report: 'Report misuse',
    notHere: 'This display cannot be confirmed on this site',
    altered: 'The mark cannot be shown as it is on this page',
    offline: (n: string) => `Verify certification ${n}`,
    registry: 'Check the certmark registry',
    loading: 'Checking the certification',
    vendor: 'Vendor',
    status: 'Status',
    checked: 'Checked',
    states: {
      ...STATUS_TERMS.en,
      unknown: 'This certification cannot be confirmed',
      hidden: 'The certification mark cannot be shown now',
    },
  },
} as const;

export type Text = (typeof TEXT)[Lang];

/** The nearest `lang` up the tree (the page's own by default): Japanese for `ja*` or none, English otherwise. */
export function langOf(el: Element): Lang {
  const tag = el.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang;
  return !tag || /^ja\b/i.test(tag) ? 'ja' : 'en';
}
