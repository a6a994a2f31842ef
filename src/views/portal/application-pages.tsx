/**
 * The portal's application form (issue 15, Art. 4): the service, the application content (form B's items), the
 * fee (Art. 5) and the documents as PDFs; a plain multipart POST form (no script). The controls are the console's
 * (labels, errors tied to their control, values kept). Vendor text is escaped by hono/jsx.
 */
import type { FC } from 'hono/jsx';
import type { FieldErrors, FormValues } from '../../console/operations';
import { MAX_DOCUMENT_BYTES } from '../../documents/filing';
import { MAX_APPLICATION_FILES, VENDOR_APPLICATION } from '../../portal/application';
import type { VendorUser } from '../../portal/sessions';
import { FlashBox } from '../console/auth-pages';
import { Control, type FieldProps, ItemsField } from '../console/operation-fields';
import type { Lang } from '../i18n';
import type { AnswerErrors } from './answer-pages';
import { answerText } from './answer-pages';
import { CsrfField, PortalLayout, portalHref } from './layout';

const MIB = MAX_DOCUMENT_BYTES / 1024 / 1024;

const ja = {
  title: '認定の申請（第4条）',
  link: '新しいサービスの認定を申請する（第4条）',
  intro:
    '新しいサービスの認定を申請します。申請書（認定機関が定める様式）、登記事項証明書その他の実在を証明する書類などをPDFで添付し、申請内容（申請書B）の開示事項を入力してください。受け付けると「申請中」となり、受付のお知らせをお送りします。',
  fields: {
    'service.nameJa': 'サービス名（日本語）',
    'service.nameEn': 'サービス名（英語）',
    'service.origins': '認定マークを表示するサイト（1行に1つ、https://…）',
    'application.items': '申請内容（開示事項、申請書B）',
    'application.feePaid': '審査手数料を納付しました（第5条。納付した手数料は返還されません）',
  } as Record<string, string>,
  files: '提出書類（PDF）',
  filesHint: `申請書、登記事項証明書その他の書類をPDFで。1件 ${MIB} MiB まで、${MAX_APPLICATION_FILES} 件まで。提出書類は公開されません（第20条）。行を追加したときは添付し直してください。`,
  none: '提出書類をPDFで添付してください（第4条第1項）。',
  count: `添付できるのは ${MAX_APPLICATION_FILES} 件までです。`,
  submit: '申請する',
  back: 'サービス一覧に戻る',
  refused: '受け付けられませんでした',
  continuity:
    '同じまたは類似の名称のサービスの認定が過去1年以内に取り消されています（第8条）。このサービスがそれを継続するものかどうかを認定機関が確認しますので、事務局にお問い合わせのうえ申請してください。',
};

const en: typeof ja = {
  title: 'Application for certification (Art. 4)',
  link: 'Apply for the certification of a new service (Art. 4)',
  intro:
    'Apply for the certification of a new service. Attach the application form (in the body’s format), the certificate of registered matters or another proof of existence and the other documents as PDF, and enter the application content (form B) as disclosure items. Once received, the service is “applied” and you are sent an acknowledgement.',
  fields: {
    'service.nameJa': 'Service name (Japanese)',
    'service.nameEn': 'Service name (English)',
    'service.origins': 'Sites that will show the mark (one per line, https://…)',
    'application.items': 'Application content (disclosure items, form B)',
    'application.feePaid': 'We have paid the examination fee (Art. 5; it is not refundable)',
  },
  files: 'Documents (PDF)',
  filesHint: `The application form, the certificate of registered matters and the other documents, as PDF: at most ${MIB} MiB each, at most ${MAX_APPLICATION_FILES} files. Documents are never published (Art. 20). Attach them again after adding rows.`,
  none: 'Attach the application documents as PDF (Art. 4.1).',
  count: `At most ${MAX_APPLICATION_FILES} files can be attached.`,
  submit: 'Apply',
  back: 'Back to your services',
  refused: 'Not accepted',
  continuity:
    'A service of the same or a similar name had its certification revoked within the past year (Art. 8). The certification body determines whether this service continues it: please contact the body to apply.',
};

export const applicationText = (lang: Lang) => (lang === 'en' ? en : ja);
export const applicationHref = (lang: Lang) => portalHref('/vendor/apply', lang);

/** The files' error: none attached, too many, or one refused (the answer form's words). */
export type ApplicationFilesError = { reason: 'none' } | NonNullable<AnswerErrors['files']>;

function filesError(lang: Lang, e: ApplicationFilesError): string {
  const t = applicationText(lang);
  if (e.reason === 'none') return t.none;
  if (e.reason === 'count') return t.count;
  const a = answerText(lang).errors;
  return e.reason === 'body' ? a.body : a[e.reason](e.file ?? '');
}

export interface ApplicationFormProps {
  lang: Lang;
  user: VendorUser;
  csrf: string;
  values: FormValues;
  errors: FieldErrors;
  filesError: ApplicationFilesError | null;
  rows: Record<string, number[]>;
  refusal: string | null;
}

export const ApplicationFormPage: FC<ApplicationFormProps> = (p) => {
  const t = applicationText(p.lang);
  const fp: FieldProps = { lang: p.lang, values: p.values, errors: p.errors, choices: {}, rows: p.rows };
  const filesAria = p.filesError ? { 'aria-invalid': 'true' as const, 'aria-describedby': 'apply-files-hint apply-files-error' } : {};
  return (
    <PortalLayout lang={p.lang} title={t.title} path="/vendor/apply" user={p.user} csrf={p.csrf}>
      <p>
        <a href={portalHref('/vendor/', p.lang)}>{t.back}</a>
      </p>
      <h1>{t.title}</h1>
      <p class="hint">{t.intro}</p>
      <FlashBox flash={p.refusal ? { text: `${t.refused}: ${p.refusal}`, bad: true } : null} />
      {p.errors._form ? (
        <p class="field-error" role="alert">
          {p.errors._form}
        </p>
      ) : null}
      <form class="console-form" method="post" action={applicationHref(p.lang)} enctype="multipart/form-data">
        <CsrfField csrf={p.csrf} />
        {VENDOR_APPLICATION.fields.map((f) => {
          const label = t.fields[f.name] ?? f.name;
          if (f.kind === 'items') return <ItemsField name={f.name} label={label} p={fp} />;
          return <Control name={f.name} kind={f.kind} label={label} optional={f.optional} max={f.max} p={fp} />;
        })}
        <div class="field">
          <label for="apply-files">{t.files}</label>
          <input id="apply-files" name="files" type="file" accept="application/pdf,.pdf" multiple aria-describedby="apply-files-hint" {...filesAria} />
          <p id="apply-files-hint" class="hint">
            {t.filesHint}
          </p>
          {p.filesError ? (
            <p id="apply-files-error" class="field-error">
              {filesError(p.lang, p.filesError)}
            </p>
          ) : null}
        </div>
        <button type="submit">{t.submit}</button>
      </form>
    </PortalLayout>
  );
};
