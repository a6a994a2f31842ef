import fc from 'fast-check';

/**
 * The values the fuzzer sends, and how a failing one is printed: large or odd values are objects that print short
 * (`"x".repeat(100000)`, `deep("[", 5000)`) so that a counterexample can be read and pasted into a test.
 */

/** A long text: sent in full, printed as `"x".repeat(n)`. */
export class Repeat {
  constructor(
    readonly unit: string,
    readonly times: number,
  ) {}
  text(): string {
    return this.unit.repeat(this.times);
  }
  toJSON(): string {
    return this.text();
  }
  [fc.toStringMethod](): string {
    return `${JSON.stringify(this.unit)}.repeat(${this.times})`;
  }
}

/** JSON text spliced into a body as is: numbers JSON.stringify cannot write (-0, 1e400), deep nesting. */
export class RawJson {
  constructor(
    readonly label: string,
    private readonly make: () => string,
  ) {}
  text(): string {
    return this.make();
  }
  [fc.toStringMethod](): string {
    return this.label;
  }
}

/** A real id, token or number of a seeded object: sent as the string, printed with what it is. */
export class Seeded {
  constructor(
    readonly value: string,
    readonly label: string,
  ) {}
  toJSON(): string {
    return this.value;
  }
  toString(): string {
    return this.value;
  }
  [fc.toStringMethod](): string {
    return `${JSON.stringify(this.value.length > 80 ? `${this.value.slice(0, 60)}…` : this.value)} /* ${this.label} */`;
  }
}

/** Something that stands for a string in a path, query, header or form field. */
export type Text = string | Repeat | Seeded;

export const textOf = (v: Text): string => (typeof v === 'string' ? v : v instanceof Repeat ? v.text() : v.value);

/** `depth` levels of `[` (or `{"a":`) around a 1. */
export const deep = (open: '[' | '{"a":', depth: number) =>
  new RawJson(`deep(${JSON.stringify(open)}, ${depth})`, () => `${open.repeat(depth)}1${(open === '[' ? ']' : '}').repeat(depth)}`);

const raw = (text: string) => new RawJson(text, () => text);

const PLACEHOLDER = /"\uE000fuzz-raw-(\d+)\uE000"/g;

/** JSON text of a generated value: Repeat and Seeded write themselves (toJSON), RawJson is spliced in. */
export function jsonText(value: unknown): string {
  const raws: RawJson[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => (v instanceof RawJson ? `\uE000fuzz-raw-${raws.push(v) - 1}\uE000` : v));
  if (text === undefined) return '';
  return raws.length === 0 ? text : text.replace(PLACEHOLDER, (_, i: string) => raws[Number(i)]!.text());
}

/** A field value in a form or multipart body: text as is, anything else as its JSON. */
export function formText(value: unknown): string {
  if (typeof value === 'string' || value instanceof Repeat || value instanceof Seeded) return textOf(value);
  return jsonText(value);
}

// The hostile catalogue.

export const FAR_DATES = [
  '9999-12-31',
  '0000-01-01',
  '+275760-09-13',
  '-271821-04-20',
  '10000-01-01',
  '0001-01-01',
  '1900-01-01',
  '1969-12-31',
  '2026-02-29',
  '2026-02-30',
  '2026-13-01',
  '2026-00-10',
  '2026-4-1',
  '２０２６-０４-０１',
  '2026-04-01T00:00:00Z',
  '2026/04/01',
  ' 2026-04-01',
  '20260401',
];

export const FAR_INSTANTS = [
  '9999-12-31T23:59:59.999Z',
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00+14:00',
  '+275760-09-13T00:00:00.000Z',
  '-271821-04-20T00:00:00Z',
  '1969-12-31T23:59:59Z',
  '1999-12-31T23:59:59Z',
  '2026-04-01T24:00:00Z',
  '2026-04-01T03:00:60Z',
  '2026-04-01T03:00:00+24:00',
  '2026-04-01T03:00:00-23:59',
  '2026-04-01T03:00:00.1234567891Z',
  '2026-04-01t03:00:00z',
  '2026-04-01T03:00:00',
  '2026-02-30T03:00:00Z',
];

export const NANISH = [
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '+1',
  '0x10',
  '1e308',
  '1e-400',
  '1e999',
  ' 1',
  '１',
  '١',
  'true',
  'null',
  'undefined',
  '[]',
  '{}',
];

export const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u0001\u001f\u007f',
  '\t\r\n',
  '\u202eevil\u202c',
  '\ud800',
  'a\udfffb',
  '\ufeff',
  '\u200b',
  'e\u0301\u0301\u0301',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  '🏥👩‍⚕️🇯🇵',
  'İıß',
  '\uffff\ufffe',
  '\u2028\u2029',
  "' OR '1'='1",
  "'); drop table services; --",
  '<script>alert(1)</script>',
  '../../../etc/passwd',
  '%00',
  '%',
  '%zz',
  '${7*7}{{7*7}}',
  '__proto__',
  'constructor',
  'MD-0000-0000',
  'MD-9999-9999',
  ...NANISH,
];

export const HUGE_STRINGS = [
  new Repeat('x', 256),
  new Repeat('x', 10_001),
  new Repeat('あ', 5_001),
  new Repeat('\u0000', 1_000),
  new Repeat('𝔘', 100_000),
  new Repeat('a', 1_000_000),
];

export const ODD_NUMBERS = [
  '-0',
  '1e308',
  '-1e308',
  '1e309',
  '-1e400',
  '5e-324',
  '1.0',
  '1.5',
  '9007199254740993',
  '123456789012345678901234567890',
  '1E1',
  '-1',
  '0',
  '2147483648',
].map(raw);

export const DEEP = [deep('[', 64), deep('{"a":', 1_000), deep('[', 5_000), deep('{"a":', 5_000), deep('[', 20_000)];

/** A key that is not in any schema, or one that is dangerous to assign. */
export const ODD_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', '', ' ', 'a\u0000', '$where', 'extra'];

/** Any value of the wrong kind: null, booleans, odd numbers, odd strings, huge strings, arrays, objects, deep nesting. */
export const anyHostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, 1, -1, [], {}, [null], { '': null }),
  fc.constantFrom(...ODD_NUMBERS),
  fc.constantFrom(...ODD_STRINGS),
  fc.constantFrom(...HUGE_STRINGS),
  fc.constantFrom(...DEEP),
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

/** A string that breaks something: control characters, odd unicode, far dates, huge. */
export const hostileString: fc.Arbitrary<Text> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<Text>(...ODD_STRINGS) },
  { weight: 2, arbitrary: fc.constantFrom<Text>(...FAR_DATES, ...FAR_INSTANTS) },
  { weight: 1, arbitrary: fc.constantFrom<Text>(...HUGE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
);

/** Whole bodies that are not the JSON asked for. */
export const HOSTILE_BODY_TEXTS: (string | Repeat | RawJson)[] = [
  '',
  ' ',
  '{',
  '{"a":',
  'nul',
  'null',
  '[]',
  '[{}]',
  '"text"',
  '1e999',
  'true',
  '{}',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"a":1,"a":2}',
  '\ufeff{}',
  '{} trailing',
  "{'a':1}",
  '{"x":"\\ud800"}',
  '{"x":"\\u0000"}',
  '\u0000',
  new Repeat('[', 100_000),
  new Repeat('{"a":1,', 50_000),
  ...DEEP,
];
