import type { FC } from 'hono/jsx';
import type { Certifier } from '../config';
import { href } from './components';
import { messages, type Lang } from './i18n';
import { Layout } from './layout';

export const INQUIRY_LIMITS = { name: 100, email: 254, organisation: 200, subject: 200, body: 5000 } as const;

export const INQUIRY_FIELDS = ['name', 'email', 'organisation', 'serviceNumber', 'subject', 'body'] as const;
export type InquiryField = (typeof INQUIRY_FIELDS)[number];
/** What the form shows in its controls: a prefill we vouch for, or what the reader sent in their own post. */
export type InquiryValues = Partial<Record<InquiryField, string>>;

const Label: FC<{ for: string; text: string; required: boolean; lang: Lang }> = (p) => {
  const m = messages(p.lang);
  return (
    <label for={p.for}>
      {p.text} <span class="req">（{p.required ? m.required : m.optional}）</span>
    </label>
  );
};

/** The error of one field, in words, tied to its control by aria-describedby. */
const FieldError: FC<{ field: InquiryField; errors: readonly InquiryField[]; lang: Lang }> = ({ field, errors, lang }) =>
  errors.includes(field) ? (
    <p id={`${field}-error`} class="field-error">
      {messages(lang).fieldError[field]}
    </p>
  ) : null;

export interface InquiryPageProps {
  lang: Lang;
  values: InquiryValues;
  /** Prefill topic, kept in the language switch. */
  topic: 'misuse' | 'counterfeit' | null;
  /** Fields the server refused (a form post that got past the browser's own checks). */
  errors?: readonly InquiryField[];
  certifier: Certifier;
}

/** Art. 18: the inquiry desk. Without script, a refused post comes back here with the errors beside their fields. */
export const InquiryPage: FC<InquiryPageProps> = ({ lang, values, topic, errors = [], certifier }) => {
  const m = messages(lang);
  const v = (f: InquiryField) => values[f] ?? '';
  const described = (f: InquiryField, hint?: string) => [hint, errors.includes(f) ? `${f}-error` : null].filter(Boolean).join(' ') || undefined;
  const invalid = (f: InquiryField) => (errors.includes(f) ? 'true' : undefined);
  return (
    <Layout
      lang={lang}
      title={errors.length ? `${m.formErrorsHeading}: ${m.inquiryTitle}` : m.inquiryTitle}
      path="/inquiry"
      query={{ service: topic ? (values.serviceNumber ?? null) : null, topic }}
      robots={errors.length ? 'noindex' : undefined}
      certifier={certifier}
    >
      <h1>{m.inquiryTitle}</h1>
      {errors.length ? (
        <section class="form-errors" aria-labelledby="form-errors-h" role="alert">
          <h2 id="form-errors-h">{m.formErrorsHeading}</h2>
          <ul>
            {errors.map((f) => (
              <li>
                <a href={`#${f}`}>{m.fields[f]}</a>: {m.fieldError[f]}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <p>{m.inquiryIntro}</p>
      <p>{m.inquiryPrivacy}</p>
      <form class="inquiry" method="post" action={`/api/v1/inquiries?lang=${lang}`}>
        <input type="hidden" name="lang" value={lang} />
        <div class="field">
          <Label for="name" text={m.fields.name} required lang={lang} />
          <input
            id="name"
            name="name"
            type="text"
            required
            maxlength={INQUIRY_LIMITS.name}
            autocomplete="name"
            value={v('name')}
            aria-invalid={invalid('name')}
            aria-describedby={described('name')}
          />
          <FieldError field="name" errors={errors} lang={lang} />
        </div>
        <div class="field">
          <Label for="email" text={m.fields.email} required lang={lang} />
          <input
            id="email"
            name="email"
            type="email"
            required
            maxlength={INQUIRY_LIMITS.email}
            autocomplete="email"
            value={v('email')}
            aria-invalid={invalid('email')}
            aria-describedby={described('email')}
          />
          <FieldError field="email" errors={errors} lang={lang} />
        </div>
        <div class="field">
          <Label for="organisation" text={m.fields.organisation} required={false} lang={lang} />
          <input
            id="organisation"
            name="organisation"
            type="text"
            maxlength={INQUIRY_LIMITS.organisation}
            autocomplete="organization"
            value={v('organisation')}
            aria-invalid={invalid('organisation')}
            aria-describedby={described('organisation')}
          />
          <FieldError field="organisation" errors={errors} lang={lang} />
        </div>
        <div class="field">
          <Label for="serviceNumber" text={m.fields.serviceNumber} required={false} lang={lang} />
          <input
            id="serviceNumber"
            name="serviceNumber"
            type="text"
            value={v('serviceNumber')}
            maxlength={12}
            pattern="MD-[0-9]{4}-[0-9]{4}"
            aria-invalid={invalid('serviceNumber')}
            aria-describedby={described('serviceNumber', 'serviceNumber-hint')}
            autocomplete="off"
          />
          <p id="serviceNumber-hint" class="hint">
            {m.numberHint}
          </p>
          <FieldError field="serviceNumber" errors={errors} lang={lang} />
        </div>
        <div class="field">
          <Label for="subject" text={m.fields.subject} required lang={lang} />
          <input
            id="subject"
            name="subject"
            type="text"
            required
            maxlength={INQUIRY_LIMITS.subject}
            value={v('subject')}
            aria-invalid={invalid('subject')}
            aria-describedby={described('subject')}
          />
          <FieldError field="subject" errors={errors} lang={lang} />
        </div>
        <div class="field">
          <Label for="body" text={m.fields.body} required lang={lang} />
          <textarea id="body" name="body" required maxlength={INQUIRY_LIMITS.body} rows={8} aria-invalid={invalid('body')} aria-describedby={described('body')}>
            {v('body')}
          </textarea>
          <FieldError field="body" errors={errors} lang={lang} />
        </div>
        <button type="submit">{m.send}</button>
      </form>
    </Layout>
  );
};

/** The confirmation: the reference number and when an answer comes; nothing of what was sent. */
export const InquiryReceivedPage: FC<{ lang: Lang; reference: string | null; certifier: Certifier }> = ({ lang, reference, certifier }) => {
  const m = messages(lang);
  return (
    <Layout lang={lang} title={m.receivedTitle} path="/inquiry/received" query={{ ref: reference }} robots="noindex" certifier={certifier}>
      <h1>{m.receivedTitle}</h1>
      <div role="status">
        {reference ? (
          <p class="receipt-ref">
            {m.receivedReference}: <strong class="number">{reference}</strong>
          </p>
        ) : null}
        <p>{m.receivedText}</p>
        <p>{m.receivedReply(certifier.inquiryReplyDays)}</p>
      </div>
      <p>
        <a href={href('/registry', { lang })}>{m.backToRegistry}</a>
      </p>
    </Layout>
  );
};
