/** Words of the console's access screens (a staff account's page, crawler keys), Japanese first. */
import type { Lang } from '../i18n';

const ja = {
  navCrawlerKeys: 'クローラーの鍵',
  accountTitle: (name: string) => `スタッフアカウント：${name}`,
  assignmentsTitle: '担当するサービス（第7条・第19条）',
  assignmentsHint: '委託先と委員会は、割り当てたサービスだけを扱えます。',
  assignmentsNone: '割り当てられたサービスはありません。',
  assignmentsEveryService: 'この役割はすべてのサービスを扱います（割り当ては不要です）。',
  assign: '割り当てる',
  assignService: 'サービス（認定番号またはID）',
  endAssignment: '割り当てを終える',
  assignedAt: '割り当て日時',
  assigned: 'サービスを割り当てました。',
  assignmentEnded: '割り当てを終えました。',
  signInsTitle: 'サインインの記録',
  signInKind: '種類',
  signInMethod: '方法',
  at: '日時',
  keysTitle: 'クローラーの鍵',
  keysHint: 'クローラーは鍵で掲載の発見を報告します。鍵はこの画面に一度だけ表示され、ハッシュだけが保存されます。',
  keyName: '名前',
  keyCreated: '作成日時',
  keyRevoked: '失効日時',
  makeKey: '鍵を作る',
  revokeKey: '失効させる',
  keyMade: (name: string) => `鍵「${name}」を作りました。今だけ表示します。クローラーの設定に写してください。`,
  keyRevokedFlash: '鍵を失効させました。この鍵の報告は今後受け付けません。',
  noKeys: '鍵はありません。',
};
type AccessText = typeof ja;

const en: AccessText = {
  navCrawlerKeys: 'Crawler keys',
  accountTitle: (name: string) => `Staff account: ${name}`,
  assignmentsTitle: 'Services assigned (Arts. 7, 19)',
  assignmentsHint: 'Delegates and committee members work only on the services assigned to them.',
  assignmentsNone: 'No services are assigned.',
  assignmentsEveryService: 'This role works on every service (nothing to assign).',
  assign: 'Assign',
  assignService: 'Service (certification number or id)',
  endAssignment: 'End the assignment',
  assignedAt: 'Assigned',
  assigned: 'The service is assigned.',
  assignmentEnded: 'The assignment has ended.',
  signInsTitle: 'Sign-ins',
  signInKind: 'What',
  signInMethod: 'How',
  at: 'When',
  keysTitle: 'Crawler keys',
  keysHint: 'Crawlers report sightings with a key. A key is shown once, on this page; only its hash is kept.',
  keyName: 'Name',
  keyCreated: 'Made',
  keyRevoked: 'Revoked',
  makeKey: 'Make a key',
  revokeKey: 'Revoke',
  keyMade: (name: string) => `The key “${name}” is made. It is shown now only: copy it into the crawler’s settings.`,
  keyRevokedFlash: 'The key is revoked: its reports are refused from now on.',
  noKeys: 'There are no keys.',
};

export function accessText(lang: Lang): AccessText {
  return lang === 'en' ? en : ja;
}
