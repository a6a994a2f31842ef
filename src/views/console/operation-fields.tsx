/**
 * The controls of an operation form: each with its label, its error in words tied to it (aria-describedby,
 * aria-invalid) and the value sent kept. Vendor text is escaped by hono/jsx.
 */
import type { FC } from 'hono/jsx';
import type { FieldDef } from '../../console/operation-defs';
import type { FieldErrors, FormValues } from '../../console/operations';
import type { Lang } from '../i18n';
import { errorText, fieldLabel, operationText, optionText } from './operation-text';

export interface Choice {
  value: string;
  label: string;
}

export interface FieldProps {
  lang: Lang;
  values: FormValues;
  errors: FieldErrors;
  /** Options of selects that depend on the register (vendors, emergencies, investigations). */
  choices: Record<string, Choice[]>;
  /** The rows of each items field to show (by their index in the form). */
  rows: Record<string, number[]>;
}

export const controlId = (name: string) => `f-${name.replace(/[^A-Za-z0-9]/g, '-')}`;

const ErrorNote: FC<{ name: string; errors: FieldErrors; lang: Lang }> = ({ name, errors, lang }) =>
  errors[name] ? (
    <p id={`${controlId(name)}-error`} class="field-error">
      {errorText(errors[name], lang)}
    </p>
  ) : null;

const aria = (name: string, errors: FieldErrors) => (errors[name] ? { 'aria-invalid': 'true' as const, 'aria-describedby': `${controlId(name)}-error` } : {});

const Label: FC<{ name: string; text: string; optional?: boolean | undefined; lang: Lang }> = ({ name, text, optional, lang }) => (
  <label for={controlId(name)}>
    {text}
    {optional ? <span class="req">{operationText(lang).optional}</span> : null}
  </label>
);

/** One control, text-like or a choice. */
export const Control: FC<{
  name: string;
  kind: FieldDef['kind'];
  label: string;
  optional?: boolean;
  max?: number | undefined;
  p: FieldProps;
  options?: Choice[];
}> = ({ name, kind, label, optional, max, p, options }) => {
  const id = controlId(name);
  const v = p.values[name] ?? '';
  if (kind === 'checkbox') {
    return (
      <div class="field checkfield">
        <p>
          <input type="checkbox" id={id} name={name} value="on" checked={v === 'on'} {...aria(name, p.errors)} /> <label for={id}>{label}</label>
        </p>
        <ErrorNote name={name} errors={p.errors} lang={p.lang} />
      </div>
    );
  }
  return (
    <div class="field">
      <Label name={name} text={label} optional={optional} lang={p.lang} />
      {kind === 'select' ? (
        <select id={id} name={name} {...aria(name, p.errors)}>
          {(options ?? []).map((o) => (
            <option value={o.value} selected={o.value === v}>
              {o.label}
            </option>
          ))}
        </select>
      ) : kind === 'textarea' || kind === 'lines' ? (
        <textarea id={id} name={name} rows={kind === 'lines' ? 3 : 4} maxlength={max} {...aria(name, p.errors)}>
          {v}
        </textarea>
      ) : (
        <input id={id} name={name} type={kind === 'date' ? 'date' : 'text'} value={v} maxlength={max} {...aria(name, p.errors)} />
      )}
      <ErrorNote name={name} errors={p.errors} lang={p.lang} />
    </div>
  );
};

const ITEM_FIELDS = [
  ['key', 'text', 64],
  ['labelJa', 'text', 200],
  ['labelEn', 'text', 200],
  ['valueJa', 'textarea', 10_000],
  ['valueEn', 'textarea', 10_000],
  ['withheld', 'checkbox', undefined],
  ['withheldReason', 'textarea', 2000],
] as const;

/** Disclosure items (form B), a fieldset per row; an empty row is left out. Art. 11.2: withheld with its reason. */
export const ItemsField: FC<{ name: string; label: string; p: FieldProps }> = ({ name, label, p }) => {
  const t = operationText(p.lang);
  return (
    <fieldset class="items">
      <legend>{label}</legend>
      <ErrorNote name={name} errors={p.errors} lang={p.lang} />
      {(p.rows[name] ?? []).map((i, n) => (
        <fieldset class="item">
          <legend>{t.itemRow(n + 1)}</legend>
          {ITEM_FIELDS.map(([part, kind, max]) => (
            <Control
              name={`${name}.${i}.${part}`}
              kind={kind}
              label={t.item[part]!}
              optional={part === 'labelEn' || part === 'valueEn' || part === 'withheldReason'}
              max={max}
              p={p}
            />
          ))}
        </fieldset>
      ))}
      <button type="submit" name="_more" value="1" class="secondary">
        {t.moreRows}
      </button>
    </fieldset>
  );
};

/** A field of an operation, by its definition. */
export const OpField: FC<{ op: string; f: FieldDef; p: FieldProps }> = ({ op, f, p }) => {
  const label = fieldLabel({ op }, f.name, p.lang);
  if (f.kind === 'items') return <ItemsField name={f.name} label={label} p={p} />;
  const options = p.choices[f.name] ?? f.options?.map((o) => ({ value: o, label: optionText(f.name, o, p.lang) }));
  return <Control name={f.name} kind={f.kind} label={label} optional={f.optional && f.kind !== 'select'} max={f.max} p={p} options={options} />;
};
