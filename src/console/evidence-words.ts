/**
 * A sighting's evidence in words (issue 14): what the detection engine measured (src/sightings/detect.ts,
 * src/detection/image.ts) said as a sentence a staff member reads, with the article of Art. 10 it is about,
 * instead of raw numbers such as `hueShift -0.40`. Pure: the same findings and evidence give the same words.
 */
import type { Lang } from '../views/i18n';

/** The article each finding is about (DOMAIN.md, "Misuse detection"; as the staff API names it). */
export const FINDING_ARTICLES: Record<string, string> = {
  stale: 'Art. 10.6',
  revoked: 'Art. 10.8',
  wrong_site: 'Art. 10.2, 10.3',
  no_link: 'Art. 10.4',
  recoloured: 'Art. 10.5',
  partial: 'Art. 10.5',
  distorted: 'Art. 10.5',
  ok: 'Art. 10',
};

export interface EvidenceSentence {
  finding: string;
  article: string;
  text: string;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Degrees rounded to whole numbers, with the sign of the turn. */
const deg = (d: number) => `${Math.round(d)}°`;
const pct = (share: number) => Math.round(Math.max(0, Math.min(1, share)) * 100);

const STATUS_WORDS: Record<Lang, Record<string, string>> = {
  ja: { expired: '期間満了', terminated: '終了', lapsed: '失効', revoked: '取消', none: '未認定', applied: '申請中', refused: '不認定' },
  en: { expired: 'expired', terminated: 'terminated', lapsed: 'lapsed', revoked: 'revoked', none: 'never certified', applied: 'applied', refused: 'refused' },
};

function colourWords(image: Obj, lang: Lang): string {
  const shift = num(image.hueShift);
  const distance = num(image.hueDistance);
  const dE = num(image.colourDeltaE);
  const turned = shift !== null && Math.abs(shift) >= 1 ? shift : distance !== null && distance >= 1 ? distance : null;
  const parts: string[] = [];
  if (lang === 'ja') {
    if (turned !== null) parts.push(`色相が${deg(turned)}回転`);
    if (dE !== null && dE >= 0) parts.push(`色差 ΔE ${dE.toFixed(1)}`);
    return `標章の色が公式の標章と異なります${parts.length ? `：${parts.join('、')}` : ''}（カラー版・モノクロ版のどちらとも一致しません）`;
  }
  if (turned !== null) parts.push(`hue turned ${deg(turned)}`);
  if (dE !== null && dE >= 0) parts.push(`colour difference ΔE ${dE.toFixed(1)}`);
  return `colour differs from the official mark${parts.length ? `: ${parts.join(', ')}` : ''} (it matches neither the colour nor the monochrome version)`;
}

function partialWords(image: Obj, lang: Lang): string {
  const coverage = num(image.coverage);
  if (coverage === null) return lang === 'ja' ? '標章の一部だけが表示されています（切り取り・覆い隠し）' : 'only part of the mark is shown (cropped or masked)';
  const missing = 100 - pct(coverage);
  return lang === 'ja' ? `標章が欠けています：${missing} % が表示されていません` : `the mark is cut off: ${missing} % of it is missing`;
}

function distortedWords(image: Obj, lang: Lang): string {
  const overlay = obj(image.overlay);
  const region = overlay ? obj(overlay.region) : null;
  const share = overlay ? num(overlay.share) : null;
  if (overlay && share !== null) {
    const at = region ? ` (${num(region.left)}, ${num(region.top)}; ${num(region.width)} × ${num(region.height)} px)` : '';
    const pct = Math.round(share * 100);
    return lang === 'ja'
      ? `標章の上に別のものが描かれています：標章の内側の${pct} %が公式の標章と異なります${at}`
      : `something is drawn over the mark: ${pct} % of its inside differs from the official mark${at}`;
  }
  const mirrored = str(image.mirrored);
  if (mirrored === 'left-right')
    return lang === 'ja' ? '標章が変形されています：左右が反転しています（鏡像）' : 'the mark is distorted: mirrored left to right';
  if (mirrored === 'top-bottom') return lang === 'ja' ? '標章が変形されています：上下が反転しています' : 'the mark is distorted: flipped upside down';
  const rotation = num(image.rotationDegrees);
  if (rotation !== null) return lang === 'ja' ? `標章が変形されています：${deg(rotation)}回転しています` : `the mark is distorted: turned ${deg(rotation)}`;
  const aspect = num(image.aspectRatio);
  if (aspect !== null && aspect > 0) {
    const [way, ratio] = aspect >= 1 ? ['wide', aspect] : ['tall', 1 / aspect];
    return lang === 'ja'
      ? `標章が変形されています：縦横比が公式の${ratio.toFixed(2)}倍${way === 'wide' ? '横長' : '縦長'}です`
      : `the mark is distorted: stretched ${ratio.toFixed(2)} times ${way === 'wide' ? 'wider' : 'taller'} than the official proportions`;
  }
  return lang === 'ja' ? '標章が変形されています' : 'the mark is distorted';
}

function wrongSiteWords(ev: Obj, lang: Lang): string {
  const token = obj(ev.token);
  const service = obj(ev.service);
  const origin = obj(ev.origin);
  const page = str(origin?.page) ?? '?';
  if (token?.present === true && token.valid === false) {
    const why = str(token.refusal);
    return lang === 'ja'
      ? `埋め込みトークンが無効で、標章がどの認定サービスも示していません${why ? `（${why}）` : ''}`
      : `the embed token is not valid, so the mark names no certified service${why ? ` (${why})` : ''}`;
  }
  if (service === null) {
    return lang === 'ja' ? `標章がどの認定サービスも示していません（ページ ${page}）` : `the mark names no certified service (page ${page})`;
  }
  if (str(service.statusAtSeenAt) === 'none') {
    return lang === 'ja' ? '標章が認定されたことのないサービスに表示されています' : 'the mark is shown for a service that was never certified';
  }
  const registered = strs(origin?.registered);
  const list = registered.length ? registered.join(', ') : lang === 'ja' ? 'なし' : 'none';
  if (origin?.onRegistered === false) {
    return lang === 'ja'
      ? `ページ ${page} はこのサービスに登録されたサイトではありません（登録済み: ${list}）`
      : `the page ${page} is not a site registered for the service (registered: ${list})`;
  }
  const tokenOrigins = strs(origin?.tokenOrigins).join(', ');
  return lang === 'ja'
    ? `ページ ${page} は埋め込みトークンが認めるサイトではありません（トークンのサイト: ${tokenOrigins || 'なし'}）`
    : `the page ${page} is not one of the sites the embed token allows (token sites: ${tokenOrigins || 'none'})`;
}

function noLinkWords(ev: Obj, lang: Lang): string {
  const link = obj(ev.link);
  const href = str(link?.href);
  const expected = str(link?.expected);
  if (href === null) {
    if (lang === 'ja')
      return `標章にリンクがありません${expected ? `（リンク先は ${expected} でなければなりません）` : '（認定サービスの確認ページへのリンクが必要です）'}`;
    return `the mark links nowhere${expected ? ` (it must link to ${expected})` : ' (it must link to a verification page)'}`;
  }
  if (lang === 'ja') return `標章のリンク先が確認ページではありません：${href}${expected ? `（正しくは ${expected}）` : ''}`;
  return `the mark links to ${href}${expected ? ` instead of ${expected}` : ', not to a verification page'}`;
}

function statusWords(finding: 'stale' | 'revoked', ev: Obj, lang: Lang): string {
  const service = obj(ev.service);
  const status = str(service?.statusAtSeenAt) ?? (finding === 'revoked' ? 'revoked' : 'expired');
  const word = STATUS_WORDS[lang][status] ?? status;
  if (finding === 'revoked') {
    return lang === 'ja' ? '認定が取り消されたサービスの標章が表示されています' : 'the mark is shown for a service whose certification was revoked';
  }
  return lang === 'ja'
    ? `認定の効力がない（${word}）サービスの標章が表示され続けています`
    : `the mark is still shown although the service's certification is no longer in force (${word})`;
}

/** One sentence per finding, in the order the findings are given, each with its article. */
export function evidenceWords(findings: readonly string[], evidence: unknown, lang: Lang): EvidenceSentence[] {
  const ev = obj(evidence) ?? {};
  const image = obj(ev.image) ?? {};
  return findings.map((finding) => {
    const article = FINDING_ARTICLES[finding] ?? 'Art. 10';
    let text: string;
    switch (finding) {
      case 'recoloured':
        text = colourWords(image, lang);
        break;
      case 'partial':
        text = partialWords(image, lang);
        break;
      case 'distorted':
        text = distortedWords(image, lang);
        break;
      case 'wrong_site':
        text = wrongSiteWords(ev, lang);
        break;
      case 'no_link':
        text = noLinkWords(ev, lang);
        break;
      case 'stale':
      case 'revoked':
        text = statusWords(finding, ev, lang);
        break;
      case 'ok':
        text = lang === 'ja' ? '標章は規程どおりに使用されています' : 'the mark is used as the rules say';
        break;
      default:
        text = lang === 'ja' ? `所見: ${finding}` : `finding: ${finding}`;
    }
    return { finding, article, text };
  });
}

/** How the sighting was tied to a service, in words (token, link or the page's origin). */
export function identifiedWords(evidence: unknown, lang: Lang): string | null {
  const service = obj(obj(evidence)?.service);
  const by = str(service?.identifiedBy);
  if (!service || !by) return null;
  const number = str(service.number) ?? '?';
  const how: Record<string, [string, string]> = {
    token: ['埋め込みトークン', 'the embed token'],
    link: ['リンク先の確認ページ', 'the verification link'],
    origin: ['ページのサイト（登録済みのオリジン）', "the page's registered site"],
  };
  const [ja, en] = how[by] ?? [by, by];
  return lang === 'ja' ? `${number} と特定（${ja}による）` : `identified as ${number} by ${en}`;
}
