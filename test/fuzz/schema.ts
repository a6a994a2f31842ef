import fc from 'fast-check';
import { anyHostile, DEEP, FAR_DATES, FAR_INSTANTS, hostileString, HUGE_STRINGS, NANISH, ODD_KEYS, ODD_NUMBERS, RawJson, Repeat } from './values';

/**
 * JSON Schema (as the served OpenAPI 3.1 document writes it) to fast-check arbitraries. `valid` values follow
 * the schema (and the hints: real ids, origins, dates near the clock) so requests reach the route's logic;
 * with `hostile`, any value may instead be of the wrong type, odd, huge or far off, objects may lose required
 * properties or gain others, arrays may be too long.
 */

export type Schema = { [key: string]: any };

export interface SchemaContext {
  /** The OpenAPI document, for `$ref`. */
  doc: Schema;
  /** Today's date and now, for dates that pass the routes' checks. */
  now: Date;
  /** A field whose meaning the schema does not say (an origin, a vendor id): its values, or undefined. */
  hint(name: string | undefined, schema: Schema): fc.Arbitrary<unknown> | undefined;
}

export function resolve(schema: Schema, doc: Schema): Schema {
  let s = schema;
  while (s && typeof s.$ref === 'string') {
    s = s.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce((node: Schema, key: string) => node[key], doc);
  }
  return s ?? {};
}

/** A value for `schema`: valid, or with `hostile` now and then broken anywhere in it. */
export function arbitraryFor(schema: Schema, ctx: SchemaContext, hostile: boolean, name?: string): fc.Arbitrary<unknown> {
  const s = resolve(schema, ctx.doc);
  const valid = validFor(s, ctx, hostile, name);
  return hostile ? fc.oneof({ weight: 10, arbitrary: valid }, { weight: 1, arbitrary: hostileFor(s) }) : valid;
}

function validFor(s: Schema, ctx: SchemaContext, hostile: boolean, name: string | undefined): fc.Arbitrary<unknown> {
  // A nullable field is null now and then, whatever its hint.
  if (Array.isArray(s.type)) return fc.oneof(...(s.type as string[]).map((type) => validFor({ ...s, type }, ctx, hostile, name)));
  if (s.type === 'null') return fc.constant(null);
  const hinted = ctx.hint(name, s);
  if (hinted) return hinted;
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  if ('const' in s) return fc.constant(s.const);
  const union = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (union) return fc.oneof(...union.map((u) => arbitraryFor(u, ctx, hostile, name)));
  switch (s.type) {
    case 'string':
      return validString(s, ctx);
    case 'integer':
      return fc.integer({ min: s.minimum ?? -1_000, max: s.maximum ?? 1_000 });
    case 'number':
      return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return validArray(s, ctx, hostile, name);
    case 'object':
      return validObject(s, ctx, hostile);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

const JAPANESE = ['認定', '電子カルテ', '株式会社テスト', '障害の報告', '改善の要請', '規程どおり使用しました', 'クラウド', '説明'];

/** Readable text of a bounded length: ASCII, Japanese or any unicode. */
export function text(minLength = 1, maxLength = 40): fc.Arbitrary<string> {
  const max = Math.max(minLength, Math.min(maxLength, 40));
  return fc
    .oneof(
      { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength, maxLength: max }) },
      { weight: 2, arbitrary: fc.constantFrom(...JAPANESE) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength, maxLength: max }) },
    )
    .map((t) => (t.trim().length >= minLength ? t : `${t}x`.padEnd(minLength, 'x')))
    .filter((t) => t.length <= maxLength);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** A calendar day (JST) `min` to `max` days after `now`. */
export function dayAfter(now: Date, min: number, max: number): fc.Arbitrary<string> {
  return fc.integer({ min, max }).map((days) => new Date(now.getTime() + 9 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10));
}

/** A calendar day from a year before to two years after `now`. */
export const dateNear = (now: Date) => dayAfter(now, -400, 800);

/** An RFC 3339 instant within two days before `now`, in UTC or JST. */
export function instantNear(now: Date): fc.Arbitrary<string> {
  return fc.tuple(fc.integer({ min: 0, max: 2 * 86_400 }), fc.boolean()).map(([seconds, jst]) => {
    const t = new Date(now.getTime() - seconds * 1000);
    if (!jst) return t.toISOString();
    const j = new Date(t.getTime() + 9 * 3_600_000);
    return `${j.getUTCFullYear()}-${pad(j.getUTCMonth() + 1)}-${pad(j.getUTCDate())}T${pad(j.getUTCHours())}:${pad(j.getUTCMinutes())}:${pad(j.getUTCSeconds())}+09:00`;
  });
}

function validString(s: Schema, ctx: SchemaContext): fc.Arbitrary<unknown> {
  const min: number = s.minLength ?? 0;
  const max: number = s.maxLength ?? 200;
  switch (s.format) {
    case 'date':
      return dateNear(ctx.now);
    case 'date-time':
      return instantNear(ctx.now);
    case 'email':
      return fc.emailAddress().filter((e) => e.length <= max);
    case 'uuid':
      return fc.uuid();
  }
  if (typeof s.pattern === 'string') {
    const pattern = new RegExp(s.pattern);
    // "No NUL", "no control characters": readable text passes; other patterns are generated from the regex.
    if (s.pattern.startsWith('^[^')) return text(Math.max(min, 1), max).filter((t) => pattern.test(t));
    return fc.stringMatching(pattern).filter((t) => t.length >= min && t.length <= max);
  }
  return text(min, max);
}

function validArray(s: Schema, ctx: SchemaContext, hostile: boolean, name: string | undefined): fc.Arbitrary<unknown> {
  const items = resolve(s.items ?? {}, ctx.doc);
  const item = arbitraryFor(items, ctx, hostile, name);
  const minLength: number = s.minItems ?? 0;
  const maxLength = Math.max(minLength, Math.min(s.maxItems ?? 4, 4));
  // Lists the routes want without repeats (origins, disclosure item keys) mostly have none.
  if (items.type === 'string') return fc.uniqueArray(item, { minLength, maxLength });
  if (items.properties?.key) return fc.uniqueArray(item, { minLength, maxLength, selector: (v) => (v as { key?: unknown })?.key });
  return fc.array(item, { minLength, maxLength });
}

/** An own property even for `__proto__`, so that JSON.stringify writes it. */
function withProperty(target: Record<string, unknown>, key: string, value: unknown) {
  Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
  return target;
}

function validObject(s: Schema, ctx: SchemaContext, hostile: boolean): fc.Arbitrary<unknown> {
  const properties = (s.properties ?? {}) as Record<string, Schema>;
  const names = Object.keys(properties);
  if (names.length === 0) {
    // A free-form object (a vendor's contact): any small JSON object.
    return fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
  }
  const arbs = Object.fromEntries(names.map((n) => [n, arbitraryFor(properties[n]!, ctx, hostile, n)]));
  const full = fc.record(arbs, { requiredKeys: (s.required ?? []) as string[], noNullPrototype: true });
  if (!hostile) return full;
  const extra = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...ODD_KEYS), fc.string({ maxLength: 8 })), anyHostile), { minLength: 1, maxLength: 3 });
  return fc.oneof(
    { weight: 8, arbitrary: full },
    // Required properties missing.
    { weight: 1, arbitrary: fc.record(arbs, { requiredKeys: [], noNullPrototype: true }) },
    // Properties no schema names, __proto__ among them.
    {
      weight: 1,
      arbitrary: fc
        .tuple(full, extra)
        .map(([o, more]) => more.reduce((acc, [k, v]) => withProperty(acc, k, v), { ...(o as object) } as Record<string, unknown>)),
    },
  );
}

/** A value that breaks `s`: the wrong type, or the right type at its edges and beyond. */
export function hostileFor(s: Schema): fc.Arbitrary<unknown> {
  const types = new Set(Array.isArray(s.type) ? s.type : [s.type]);
  const options: fc.Arbitrary<unknown>[] = [anyHostile];
  if (types.has('string')) {
    options.push(hostileString);
    if (s.format === 'date' || s.format === 'date-time') options.push(fc.constantFrom(...FAR_DATES, ...FAR_INSTANTS));
    if (typeof s.maxLength === 'number') options.push(fc.constant(new Repeat('x', s.maxLength + 1)));
  }
  if (types.has('integer') || types.has('number')) {
    const edges = [s.minimum - 1, s.maximum + 1, 2 ** 31, 2 ** 53 + 2].filter(Number.isFinite);
    options.push(fc.constantFrom(...ODD_NUMBERS), fc.constantFrom(...NANISH), fc.double(), fc.constantFrom(...edges));
  }
  if (types.has('array')) {
    const count = (s.maxItems ?? 50) + 1;
    options.push(fc.constant(new RawJson(`[${count} × 1]`, () => `[${Array(count).fill('1').join(',')}]`)), fc.constantFrom(...DEEP));
  }
  if (types.has('object')) options.push(fc.constantFrom<unknown>([], 'object', { '': {} }), fc.constantFrom(...HUGE_STRINGS));
  return fc.oneof(...options);
}
