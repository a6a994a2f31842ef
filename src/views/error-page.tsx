import type { FC } from 'hono/jsx';
import type { Certifier } from '../config';
import { href } from './components';
import { messages, type Lang } from './i18n';
import { Layout } from './layout';

export type ErrorStatus = 400 | 404 | 413 | 415 | 429 | 500 | 503;

/**
 * The HTML error page. It names at most the fields at fault (from our own schema), never what was sent, the
 * path, or an internal message.
 */
export const ErrorPage: FC<{ lang: Lang; status: ErrorStatus; fields?: string[]; certifier: Certifier }> = ({ lang, status, fields = [], certifier }) => {
  const m = messages(lang);
  const key = String(status) as `${ErrorStatus}`;
  const names = m.fields as Record<string, string>;
  const known = fields.filter((f) => Object.hasOwn(names, f));
  return (
    <Layout lang={lang} title={m.errorTitle[key]} path="/registry" robots="noindex" certifier={certifier}>
      <h1>{m.errorTitle[key]}</h1>
      <p>{m.errorText[key]}</p>
      {known.length ? (
        <>
          <p>{m.errorFields}</p>
          <ul>
            {known.map((f) => (
              <li>{names[f]}</li>
            ))}
          </ul>
          <p>{m.goBack}</p>
        </>
      ) : null}
      <p>
        <a href={href('/registry', { lang })}>{m.backToRegistry}</a>
      </p>
    </Layout>
  );
};
