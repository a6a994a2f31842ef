import type { FC } from 'hono/jsx';
import type { PublicEntry } from '../publication/timeline';
import { Section, href } from './components';
import type { Lang } from './i18n';
import { EntryText } from './verify-parts';

const TEXT = {
  ja: {
    heading: '透明性ログ',
    intro: 'この登録簿の履歴は、署名された透明性ログ（RFC 9162）に記録されています。各出来事のログ番号から、その包含証明を確かめられます。',
    entry: (i: number) => `ログ #${i}`,
    proof: '包含証明',
    pending: 'ログへの記録待ち',
    checkpoint: '最新のチェックポイント',
    key: '検証鍵',
  },
  en: {
    heading: 'Transparency log',
    intro: 'The register’s history is recorded in a signed transparency log (RFC 9162). Each event’s log index links to its inclusion proof.',
    entry: (i: number) => `log #${i}`,
    proof: 'inclusion proof',
    pending: 'not yet in the log',
    checkpoint: 'newest checkpoint',
    key: 'verifier key',
  },
} as const;

/** The verification page's log section: each public event with its log index and a link to its inclusion proof. */
export const LogSection: FC<{ history: readonly PublicEntry[]; index: { size: number; at: Map<string, number> }; lang: Lang }> = ({ history, index, lang }) => {
  const t = TEXT[lang];
  const events = history.filter((e) => e.type !== 'expired');
  return (
    <Section id="log" title={t.heading}>
      <p>{t.intro}</p>
      <ol class="timeline log-index" reversed>
        {[...events].reverse().map((e) => {
          const i = index.at.get(`${e.type}|${e.at.toISOString()}`);
          return (
            <li>
              <span class="entry">
                <EntryText e={e} lang={lang} />
              </span>{' '}
              {i === undefined ? (
                <span class="meta">{t.pending}</span>
              ) : (
                <span class="meta">
                  {t.entry(i)} · <a href={href('/api/v1/log/proof/inclusion', { index: String(i), size: String(index.size) })}>{t.proof}</a>
                </span>
              )}
            </li>
          );
        })}
      </ol>
      <p class="meta">
        <a href="/.well-known/certmark/checkpoint">{t.checkpoint}</a> · <a href="/.well-known/certmark/log-key">{t.key}</a>
      </p>
    </Section>
  );
};

/** The page with the log section put at the end of its main content (the cached page stays as it is). */
export function insertLogSection(page: Buffer, history: readonly PublicEntry[], index: { size: number; at: Map<string, number> }, lang: Lang): Buffer {
  const at = page.lastIndexOf('</main>');
  if (at < 0) return page;
  const section = Buffer.from(String(<LogSection history={history} index={index} lang={lang} />));
  return Buffer.concat([page.subarray(0, at), section, page.subarray(at)]);
}
