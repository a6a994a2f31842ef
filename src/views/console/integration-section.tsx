/** The service page's integration checks (issue 15, "Embedding"): per verified site, the newest check, read only. */
import type { FC } from 'hono/jsx';
import { failuresOf, type OriginIntegration, type StaffIntegrationCheck } from '../../console/integration';
import { InstantText } from '../components';
import type { Lang } from '../i18n';
import { integrationText } from './integration-text';
import { DataTable } from './screens';

const yesNo = (t: ReturnType<typeof integrationText>, v: boolean) => (v ? t.yes : t.no);

const Findings: FC<{ lang: Lang; k: StaffIntegrationCheck }> = ({ lang, k }) => {
  const t = integrationText(lang);
  const failures = failuresOf(k);
  if (failures.length === 0) return <p class="integration-fine">{t.fine}</p>;
  return (
    <>
      <ul class="integration-failures">
        {failures.map((f) => (
          <li>
            {f === 'notOpened' && k.problem
              ? `${t.failures[f]}: ${k.problem.replace(/^the page could not be opened:\s*/i, '')}`
              : f === 'refused'
                ? t.refused(k.refused.length)
                : t.failures[f]}
          </li>
        ))}
      </ul>
      {k.refused.length > 0 ? (
        <details>
          <summary>{t.failures.refused}</summary>
          <ul>
            {k.refused.map((r) => (
              <li>
                <bdi class="mono">{r.url}</bdi> — {r.reason}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </>
  );
};

export const IntegrationSection: FC<{ lang: Lang; checks: OriginIntegration[] | null | undefined }> = ({ lang, checks }) => {
  if (!checks) return null;
  const t = integrationText(lang);
  return (
    <section aria-labelledby="integration-h">
      <h2 id="integration-h">{t.title}</h2>
      <p class="hint">{t.hint}</p>
      {checks.length === 0 ? (
        <p>{t.noSites}</p>
      ) : (
        <DataTable caption={t.title} head={[t.origin, t.checkedAt, t.page, t.present, t.renders, t.links, t.unaltered, t.cspScript, t.cspMark, t.findings]}>
          {checks.map(({ origin, latest: k }) =>
            k ? (
              <tr id={`integration-${k.id}`}>
                <td class="mono">
                  <bdi>{origin}</bdi>
                </td>
                <td>
                  <InstantText at={k.checkedAt} lang={lang} />
                  <div class="entry-detail mono">{t.requestedBy(k.requestedBy)}</div>
                </td>
                <td class="mono">
                  <bdi>{k.pageUrl}</bdi>
                </td>
                <td>{yesNo(t, k.badgePresent)}</td>
                <td>{yesNo(t, k.badgeRenders)}</td>
                <td>{yesNo(t, k.linksToVerify)}</td>
                <td>{yesNo(t, !k.altered)}</td>
                <td>{t.csp[k.cspScript]}</td>
                <td>{t.csp[k.cspMark]}</td>
                <td>
                  <Findings lang={lang} k={k} />
                </td>
              </tr>
            ) : (
              <tr>
                <td class="mono">
                  <bdi>{origin}</bdi>
                </td>
                <td colspan={9}>{t.noCheck}</td>
              </tr>
            ),
          )}
        </DataTable>
      )}
    </section>
  );
};
