/**
 * The portal's answer form (issue 15, Arts. 15.1, 16.1): the request as the body sent it, what the vendor has
 * filed for it so far, and a plain multipart POST form (text and PDFs; no script). Errors are tied to their
 * control (aria-describedby); the text sent is kept. Vendor text is escaped by hono/jsx.
 */
import type { FC } from 'hono/jsx';
import { MAX_DOCUMENT_BYTES } from '../../documents/filing';
import { MAX_ANSWER_FILES, MAX_ANSWER_TEXT, type OpenRequest, type UploadProblem } from '../../portal/answers';
import type { VendorServiceView } from '../../portal/services';
import type { VendorUser } from '../../portal/sessions';
import { DateText, InstantText } from '../components';
import { FlashBox } from '../console/auth-pages';
import type { Lang } from '../i18n';
import { serviceRef } from './filing-pages';
import { CsrfField, PortalLayout, portalHref } from './layout';

const MIB = MAX_DOCUMENT_BYTES / 1024 / 1024;

const ja = {
  title: { investigation: '調査への回答（第15条第1項）', improvement: '改善の報告（第16条第1項）' },
  intro: {
    investigation: '認定機関が求めた説明を記入し、資料があればPDFで添付してください。事務局が内容を確認し、結果をお知らせします。',
    improvement: '要請に応じて講じた改善の内容を記入し、資料があればPDFで添付してください。事務局が内容を確認し、結果をお知らせします。',
  },
  asked: { investigation: '求められた説明・資料', improvement: '要請された改善' },
  dueOn: '期限',
  overdue: '期限を過ぎています',
  requestedAt: '依頼日時',
  earlier: 'これまでに提出した回答',
  text: { investigation: '説明', improvement: '講じた改善の内容' },
  files: '添付書類（PDF）',
  filesHint: `PDFのみ、1件 ${MIB} MiB まで、${MAX_ANSWER_FILES} 件まで。添付書類は公開されません（第20条）。`,
  submit: '回答を提出する',
  back: 'サービスに戻る',
  refused: '受け付けられませんでした',
  answer: '回答する',
  report: '報告する',
  received: (n: number) => `回答を受け付けました（${n} 件）。事務局の判断を待っています。`,
  judgedTitle: '確認を終えた依頼',
  judged: { investigation: '調査への回答', improvement: '改善の報告' },
  outcome: { true: '回答を確認しました（十分と判断）', false: '回答を確認しました（不十分と判断）', null: '改善の完了を確認しました' },
  errors: {
    text: '内容を入力してください（10,000字まで）。',
    count: `添付できるのは ${MAX_ANSWER_FILES} 件までです。`,
    size: (f: string) => `「${f}」は ${MIB} MiB を超えています。`,
    type: (f: string) => `「${f}」はPDFファイルではありません。PDFで添付してください。`,
    name: (f: string) => `「${f}…」のファイル名が長すぎます（200字まで）。`,
    body: `送信された内容が大きすぎます（添付はPDF ${MAX_ANSWER_FILES} 件、各 ${MIB} MiB まで）。`,
  },
};

const en: typeof ja = {
  title: { investigation: 'Answer to an investigation (Art. 15.1)', improvement: 'Report of the improvement (Art. 16.1)' },
  intro: {
    investigation: 'Give the explanation the certification body asked for, and attach materials as PDF. The body reviews your answer and tells you the result.',
    improvement: 'Describe the improvement you made as requested, and attach materials as PDF. The body reviews your report and tells you the result.',
  },
  asked: { investigation: 'Explanation or materials asked for', improvement: 'Improvement requested' },
  dueOn: 'Due',
  overdue: 'overdue',
  requestedAt: 'Requested',
  earlier: 'Answers you filed so far',
  text: { investigation: 'Explanation', improvement: 'What was improved' },
  files: 'Attachments (PDF)',
  filesHint: `PDF only, at most ${MIB} MiB each, at most ${MAX_ANSWER_FILES} files. Attachments are never published (Art. 20).`,
  submit: 'Submit the answer',
  back: 'Back to the service',
  refused: 'Not accepted',
  answer: 'Answer',
  report: 'Report',
  received: (n: number) => `Answer received (${n}); awaiting the certification body’s judgement.`,
  judgedTitle: 'Requests reviewed',
  judged: { investigation: 'Investigation answered', improvement: 'Improvement reported' },
  outcome: { true: 'Answer reviewed: satisfactory', false: 'Answer reviewed: not satisfactory', null: 'Improvement confirmed as completed' },
  errors: {
    text: 'Enter your answer (at most 10,000 characters).',
    count: `At most ${MAX_ANSWER_FILES} files can be attached.`,
    size: (f: string) => `“${f}” is larger than ${MIB} MiB.`,
    type: (f: string) => `“${f}” is not a PDF file. Attach documents as PDF.`,
    name: (f: string) => `The file name “${f}…” is too long (at most 200 characters).`,
    body: `The form sent is too large (at most ${MAX_ANSWER_FILES} PDFs of ${MIB} MiB each).`,
  },
};

export const answerText = (lang: Lang) => (lang === 'en' ? en : ja);

/** The answer form's errors, by control: the text, or the files with why. */
export interface AnswerErrors {
  text?: true;
  files?: { reason: UploadProblem | 'body'; file: string | null };
}

export const answerHref = (s: { id: string; number: string | null }, requestId: string, lang: Lang) =>
  portalHref(`/vendor/services/${serviceRef(s)}/answer/${encodeURIComponent(requestId)}`, lang);

function filesError(lang: Lang, e: NonNullable<AnswerErrors['files']>): string {
  const t = answerText(lang).errors;
  if (e.reason === 'count' || e.reason === 'body') return t[e.reason];
  return t[e.reason](e.file ?? '');
}

export interface AnswerFormProps {
  lang: Lang;
  user: VendorUser;
  csrf: string;
  service: { id: string; number: string | null; nameJa: string };
  request: OpenRequest;
  text: string;
  errors: AnswerErrors;
  refusal: string | null;
}

export const AnswerFormPage: FC<AnswerFormProps> = (p) => {
  const t = answerText(p.lang);
  const k = p.request.kind;
  const back = portalHref(`/vendor/services/${serviceRef(p.service)}`, p.lang);
  const action = answerHref(p.service, p.request.id, p.lang);
  const textErr = p.errors.text ? { 'aria-invalid': 'true' as const, 'aria-describedby': 'answer-text-error' } : {};
  const filesErr = p.errors.files ? { 'aria-invalid': 'true' as const, 'aria-describedby': 'answer-files-hint answer-files-error' } : {};
  return (
    <PortalLayout lang={p.lang} title={t.title[k]} path={`/vendor/services/${serviceRef(p.service)}/answer/${p.request.id}`} user={p.user} csrf={p.csrf}>
      <p>
        <a href={back}>
          {t.back}: <bdi>{p.service.nameJa}</bdi>
        </a>
      </p>
      <h1>{t.title[k]}</h1>
      <p class="hint">{t.intro[k]}</p>
      <dl class="facts">
        <dt>{t.asked[k]}</dt>
        <dd>
          <bdi>{p.request.asked}</bdi>
        </dd>
        <dt>{t.requestedAt}</dt>
        <dd>
          <InstantText at={p.request.requestedAt} lang={p.lang} />
        </dd>
        <dt>{t.dueOn}</dt>
        <dd>
          <DateText date={p.request.dueOn} lang={p.lang} />
          {p.request.overdue ? <strong class="overdue">（{t.overdue}）</strong> : null}
        </dd>
      </dl>
      {p.request.responses.length > 0 ? (
        <section aria-labelledby="earlier-h">
          <h2 id="earlier-h">{t.earlier}</h2>
          <ul>
            {p.request.responses.map((r) => (
              <li>
                <InstantText at={r.at} lang={p.lang} />: <bdi>{r.text.length > 200 ? `${r.text.slice(0, 200)}…` : r.text}</bdi>
                {r.documents.length > 0 ? <> （{r.documents.map((d) => d.name).join(', ')}）</> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <FlashBox flash={p.refusal ? { text: `${t.refused}: ${p.refusal}`, bad: true } : null} />
      <form class="console-form" method="post" action={action} enctype="multipart/form-data">
        <CsrfField csrf={p.csrf} />
        <div class="field">
          <label for="answer-text">{t.text[k]}</label>
          <textarea id="answer-text" name="text" rows={10} required maxlength={MAX_ANSWER_TEXT} {...textErr}>
            {p.text}
          </textarea>
          {p.errors.text ? (
            <p id="answer-text-error" class="field-error">
              {t.errors.text}
            </p>
          ) : null}
        </div>
        <div class="field">
          <label for="answer-files">{t.files}</label>
          <input id="answer-files" name="files" type="file" accept="application/pdf,.pdf" multiple aria-describedby="answer-files-hint" {...filesErr} />
          <p id="answer-files-hint" class="hint">
            {t.filesHint}
          </p>
          {p.errors.files ? (
            <p id="answer-files-error" class="field-error">
              {filesError(p.lang, p.errors.files)}
            </p>
          ) : null}
        </div>
        <button type="submit">{t.submit}</button>
      </form>
    </PortalLayout>
  );
};

/**
 * The service page's open requests (Arts. 15, 16) with their due dates, each with its answer link and, once
 * answered, "awaiting the body's judgement"; then the requests staff have judged, with the outcome.
 */
export const RequestsList: FC<{ lang: Lang; s: VendorServiceView; labels: { investigation: string; improvement: string; dueOn: string; overdue: string } }> = ({
  lang,
  s,
  labels,
}) => {
  const t = answerText(lang);
  const open = [
    ...s.investigations.map((i) => ({ kind: 'investigation' as const, id: i.id, text: i.subject, dueOn: i.dueOn, overdue: i.overdue, n: i.responses.length })),
    ...s.improvements.map((i) => ({ kind: 'improvement' as const, id: i.id, text: i.content, dueOn: i.dueOn, overdue: i.overdue, n: i.reports.length })),
  ];
  return (
    <>
      {open.length > 0 ? (
        <ul>
          {open.map((r) => (
            <li>
              <strong>{labels[r.kind]}</strong>: <bdi>{r.text}</bdi> — {labels.dueOn} <DateText date={r.dueOn} lang={lang} />
              {r.overdue ? <strong class="overdue">（{labels.overdue}）</strong> : null}
              {r.n > 0 ? <span class="hint"> {t.received(r.n)}</span> : null}{' '}
              <a href={answerHref(s, r.id, lang)} aria-label={`${r.kind === 'investigation' ? t.answer : t.report}: ${r.text.slice(0, 60)}`}>
                {r.kind === 'investigation' ? t.answer : t.report}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
      {s.judged.length > 0 ? (
        <>
          <h3 id="judged-h">{t.judgedTitle}</h3>
          <ul>
            {s.judged.map((j) => (
              <li>
                <InstantText at={j.at} lang={lang} /> {t.judged[j.kind]}: <bdi>{j.asked}</bdi> — <strong>{t.outcome[String(j.satisfactory) as 'true']}</strong>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
};
