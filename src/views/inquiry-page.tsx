import type { FC } from 'hono/jsx';
import { href } from './components';
import { messages, type Lang } from './i18n';
import { Layout } from './layout';

export const INQUIRY_LIMITS = { name: 100, email: 254, organisation: 200, subject: 200, body: 5000 } as const;

const Label: FC<{ for: string; text: string; required: boolean; lang: Lang }> = (p) => {
  const m = messages(p.lang);
  return (
    <label for={p.for}>
      {p.text} <span class="req">（{p.required ? m.required : m.optional}）</span>
    </label>
  );
};

/** Art. 18: the inquiry desk. Prefilled only with a validated certification number and a fixed subject. */
export const InquiryPage: FC<{ lang: Lang; serviceNumber: string | null; misuse: boolean }> = ({ lang, serviceNumber, misuse }) => {
  const m = messages(lang);
  return (
    <Layout lang={lang} title={m.inquiryTitle} path="/inquiry" query={{ service: serviceNumber, topic: misuse ? 'misuse' : null }}>
      <h1>{m.inquiryTitle}</h1>
      <p>{m.inquiryIntro}</p>
      <p>{m.inquiryPrivacy}</p>
      <form class="inquiry" method="post" action={`/api/v1/inquiries?lang=${lang}`}>
        <input type="hidden" name="lang" value={lang} />
        <div class="field">
          <Label for="name" text={m.fields.name} required lang={lang} />
          <input id="name" name="name" type="text" required maxlength={INQUIRY_LIMITS.name} autocomplete="name" />
        </div>
        <div class="field">
          <Label for="email" text={m.fields.email} required lang={lang} />
          <input id="email" name="email" type="email" required maxlength={INQUIRY_LIMITS.email} autocomplete="email" />
        </div>
        <div class="field">
          <Label for="organisation" text={m.fields.organisation} required={false} lang={lang} />
          <input id="organisation" name="organisation" type="text" maxlength={INQUIRY_LIMITS.organisation} autocomplete="organization" />
        </div>
        <div class="field">
          <Label for="serviceNumber" text={m.fields.serviceNumber} required={false} lang={lang} />
          <input
            id="serviceNumber"
            name="serviceNumber"
            type="text"
            value={serviceNumber ?? ''}
            maxlength={12}
            pattern="MD-[0-9]{4}-[0-9]{4}"
            aria-describedby="serviceNumber-hint"
            autocomplete="off"
          />
          <p id="serviceNumber-hint" class="hint">
            {m.numberHint}
          </p>
        </div>
        <div class="field">
          <Label for="subject" text={m.fields.subject} required lang={lang} />
          <input id="subject" name="subject" type="text" required maxlength={INQUIRY_LIMITS.subject} value={misuse ? m.misuseSubject : ''} />
        </div>
        <div class="field">
          <Label for="body" text={m.fields.body} required lang={lang} />
          <textarea id="body" name="body" required maxlength={INQUIRY_LIMITS.body} rows={8}></textarea>
        </div>
        <button type="submit">{m.send}</button>
      </form>
    </Layout>
  );
};

/** The confirmation: says it was received, and nothing of what was sent. */
export const InquiryReceivedPage: FC<{ lang: Lang }> = ({ lang }) => {
  const m = messages(lang);
  return (
    <Layout lang={lang} title={m.receivedTitle} path="/inquiry/received" robots="noindex">
      <h1>{m.receivedTitle}</h1>
      <p role="status">{m.receivedText}</p>
      <p>
        <a href={href('/registry', { lang })}>{m.backToRegistry}</a>
      </p>
    </Layout>
  );
};
