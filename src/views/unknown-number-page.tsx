import type { FC } from 'hono/jsx';
import type { Certifier } from '../config';
import { href } from './components';
import { messages, type Lang } from './i18n';
import { Layout } from './layout';

/**
 * The page of a number no certification has (or that is not a number at all): the page a reader reaches from a
 * counterfeit mark. It says so, and offers the inquiry desk (Art. 18) prefilled to report it. Only a well-formed
 * number is repeated (it cannot carry markup or words); anything else that was asked is not.
 */
export const UnknownNumberPage: FC<{ lang: Lang; number: string | null; certifier: Certifier }> = ({ lang, number, certifier }) => {
  const m = messages(lang);
  return (
    <Layout lang={lang} title={m.unknownTitle} path={number ? `/verify/${number}` : '/registry'} robots="noindex" certifier={certifier}>
      <p class="eyebrow">{m.verifyEyebrow}</p>
      <h1>{m.unknownTitle}</h1>
      {number ? (
        <dl class="facts">
          <div>
            <dt>{m.number}</dt>
            <dd class="number">{number}</dd>
          </div>
        </dl>
      ) : null}
      <p>{m.unknownText}</p>
      <section class="counterfeit" aria-labelledby="counterfeit-h">
        <h2 id="counterfeit-h">{m.reportHeading}</h2>
        <p>
          <strong>{m.unknownCounterfeit}</strong>
        </p>
        <p>{m.unknownReport}</p>
        <p>
          <a href={href('/inquiry', { service: number, topic: 'counterfeit', lang })}>{m.unknownReportLink}</a>
        </p>
      </section>
      <p>
        <a href={href('/registry', { lang })}>{m.unknownRegistry}</a>
      </p>
    </Layout>
  );
};
