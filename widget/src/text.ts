/** Every word the badge shows, in Japanese and English. Japanese unless the page says otherwise. */
export type Lang = 'ja' | 'en';

export const TEXT = {
  ja: {
    mark: '認定マーク',
    through: (d: string) => `有効期限 ${d}`,
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
      certified: '認定中',
      renewal_pending: '認定中（更新手続中）',
      expired: 'この認定は有効期限が切れています',
      revoked: 'この認定は取り消されています',
      terminated: 'この認定は終了しています',
      lapsed: 'この認定は失効しています',
      unknown: '認定を確認できません',
      hidden: '現在この認定マークは表示できません',
    },
  },
  en: {
    mark: 'Certification mark',
    through: (d: string) => `Valid through ${d}`,
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
      certified: 'Certified',
      renewal_pending: 'Certified (renewal pending)',
      expired: 'This certification has expired',
      revoked: 'This certification has been revoked',
      terminated: 'This certification has ended',
      lapsed: 'This certification has lapsed',
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
