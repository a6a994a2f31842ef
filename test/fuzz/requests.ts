import fc from 'fast-check';
import { BASE } from '../support/app';
import { arbitraryFor, dateNear, dayAfter, instantNear, resolve, type Schema, type SchemaContext } from './schema';
import { FAR_INSTANTS, formText, hostileString, HOSTILE_BODY_TEXTS, jsonText, type RawJson, Repeat, Seeded, textOf, type Text } from './values';
import { OTHER_SITE, SITE, STATES_FOR, type World } from './world';

/**
 * One operation of the OpenAPI document as a fast-check arbitrary of requests: path, query, headers and body
 * built from its schemas and the seeded world, valid most of the time and hostile otherwise.
 */

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema: Schema;
}

export interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  body: { required?: boolean; content: Record<string, { schema: Schema }> } | null;
  auth: 'staff' | 'crawler' | null;
}

export const operationId = (op: Operation) => `${op.method} ${op.path}`;

/** Every operation the served document describes. */
export function operationsOf(doc: Schema): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Schema>)) {
    for (const [method, o] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const schemes = ((o.security ?? []) as Record<string, unknown>[]).flatMap((s) => Object.keys(s));
      ops.push({
        method: method.toUpperCase(),
        path,
        parameters: ((o.parameters ?? []) as Schema[]).map((p) => resolve(p, doc) as Parameter),
        body: o.requestBody ? (resolve(o.requestBody, doc) as Operation['body']) : null,
        auth: schemes.includes('crawlerKey') ? 'crawler' : schemes.length > 0 ? 'staff' : null,
      });
    }
  }
  return ops;
}

// The request.

/** A file part of a multipart body. */
export class FilePart {
  constructor(
    readonly bytes: Uint8Array,
    readonly label: string,
    readonly fileName = 'mark.png',
    readonly type = 'image/png',
  ) {}
  [fc.toStringMethod](): string {
    return `file(${this.label}, ${JSON.stringify(this.fileName)}, ${JSON.stringify(this.type)})`;
  }
}

type Body =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; text: string | Repeat | RawJson }
  | { kind: 'form'; fields: [string, unknown][] }
  | { kind: 'multipart'; parts: [string, unknown][] };

/** `auto`: the type that goes with the body (multipart with its boundary); null: no Content-Type at all. */
type ContentType = 'auto' | string | null;

interface PathValue {
  value: Text;
  /** Inserted without percent-encoding: `%zz`, `..`, `a/b` reach the router as they are. */
  raw: boolean;
}

const show = (v: unknown): string => (typeof v === 'string' && v.length > 200 ? `${JSON.stringify(v.slice(0, 200))}…(${v.length} chars)` : fc.stringify(v));
/** Lone surrogates as U+FFFD: what a client's encoder sends (encodeURIComponent throws on them). */
const wellFormed = (s: string) => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
const encode = (s: string) => encodeURIComponent(wellFormed(s));

export class FuzzRequest {
  constructor(
    readonly method: string,
    readonly template: string,
    readonly params: Record<string, PathValue>,
    readonly query: [string, Text, boolean][],
    readonly headers: [string, Text][],
    readonly body: Body,
    readonly contentType: ContentType,
  ) {}

  url(): string {
    const path = this.template.replace(/\{([^}]+)\}/g, (_, name: string) => {
      const p = this.params[name]!;
      return p.raw ? textOf(p.value) : encode(textOf(p.value));
    });
    if (this.query.length === 0) return path;
    return `${path}?${this.query.map(([k, v, raw]) => (raw ? `${k}=${textOf(v)}` : `${encode(k)}=${encode(textOf(v))}`)).join('&')}`;
  }

  async init(): Promise<RequestInit> {
    const headers = new Headers();
    for (const [k, v] of this.headers) headers.append(k, textOf(v));
    const { bytes, type } = await encodeBody(this.body);
    const contentType = this.contentType === 'auto' ? type : this.contentType;
    if (contentType !== null) headers.set('Content-Type', contentType);
    return { method: this.method, headers, body: bytes };
  }

  /** What failed, readable and short enough to paste into a test. */
  [fc.toStringMethod](): string {
    const path = this.template.replace(/\{([^}]+)\}/g, (_, name: string) => {
      const p = this.params[name]!;
      return `{${name}${p.raw ? ' (raw)' : ''} = ${show(p.value)}}`;
    });
    const lines = [`${this.method} ${path}`];
    if (this.query.length) lines.push(`  query: ${this.query.map(([k, v, raw]) => `${show(k)}=${show(v)}${raw ? ' (raw)' : ''}`).join(' & ')}`);
    const url = this.url();
    if (url.length <= 400) lines.push(`  url: ${url}`);
    for (const [k, v] of this.headers) lines.push(`  ${k}: ${show(v)}`);
    lines.push(`  Content-Type: ${this.contentType === 'auto' ? '(that of the body)' : show(this.contentType)}`);
    lines.push(`  body (${this.body.kind}): ${describeBody(this.body)}`);
    return lines.join('\n');
  }
}

function describeBody(body: Body): string {
  switch (body.kind) {
    case 'none':
      return '-';
    case 'json': {
      const text = jsonText(body.value);
      return text.length <= 2_000 ? `${text}\n  as built: ${show(body.value)}` : show(body.value);
    }
    case 'text':
      return show(body.text);
    case 'form':
      return body.fields.map(([k, v]) => `${show(k)}=${show(v)}`).join(', ');
    case 'multipart':
      return body.parts.map(([k, v]) => `${show(k)}=${show(v)}`).join(', ');
  }
}

async function encodeBody(body: Body): Promise<{ bytes: Uint8Array<ArrayBuffer> | undefined; type: string | null }> {
  const utf8 = (s: string) => new TextEncoder().encode(s);
  switch (body.kind) {
    case 'none':
      return { bytes: undefined, type: null };
    case 'json':
      return { bytes: utf8(jsonText(body.value)), type: 'application/json' };
    case 'text':
      return { bytes: utf8(typeof body.text === 'string' ? body.text : body.text.text()), type: 'application/json' };
    case 'form':
      return { bytes: utf8(new URLSearchParams(body.fields.map(([k, v]) => [k, formText(v)])).toString()), type: 'application/x-www-form-urlencoded' };
    case 'multipart': {
      const form = new FormData();
      for (const [k, v] of body.parts) {
        if (v instanceof FilePart) form.append(k, new File([v.bytes as Uint8Array<ArrayBuffer>], v.fileName, { type: v.type }));
        else form.append(k, wellFormed(formText(v)));
      }
      // Serialised here so that the Content-Type can be changed (its boundary dropped or wrong).
      const res = new Response(form);
      return { bytes: new Uint8Array(await res.arrayBuffer()), type: res.headers.get('content-type') };
    }
  }
}

// Building blocks.

/** Header values as a client sends them: unicode as its UTF-8 bytes, no NUL, CR or LF. */
const headerBytes = (s: string) =>
  Buffer.from(wellFormed(s), 'utf8')
    .toString('latin1')
    .replace(/[\0\r\n]/g, '');
const headerText = (v: Text): Text => (typeof v === 'string' ? headerBytes(v) : v instanceof Repeat ? new Repeat(headerBytes(v.unit) || 'h', v.times) : v);

const weighted = <T>(...options: [number, fc.Arbitrary<T>][]) =>
  fc.oneof(...options.filter(([w]) => w > 0).map(([weight, arbitrary]) => ({ weight, arbitrary })));

const fromPool = (pool: readonly Seeded[]): fc.Arbitrary<Seeded> | null => (pool.length ? fc.constantFrom(...pool) : null);

/** A real id, number or token, nearly: one character changed, cut short, in other case, padded, doubled. */
function nearMiss(pool: readonly Seeded[]): fc.Arbitrary<string> | null {
  if (!pool.length) return null;
  return fc.tuple(fc.constantFrom(...pool), fc.nat(), fc.constantFrom('flip', 'cut', 'case', 'pad', 'double', 'dot')).map(([{ value: v }, n, how]) => {
    const i = n % v.length;
    switch (how) {
      case 'flip':
        return v.slice(0, i) + (v[i] === 'A' ? 'B' : 'A') + v.slice(i + 1);
      case 'cut':
        return v.slice(0, i);
      case 'case':
        return v === v.toUpperCase() ? v.toLowerCase() : v.toUpperCase();
      case 'pad':
        return ` ${v}\t`;
      case 'double':
        return v + v;
      default:
        return `${v}.`;
    }
  });
}

/** URLs a parser may choke on: IPv6, IDN, ports out of range, credentials, other schemes, odd escapes. */
const ODD_URLS = [
  'http://[::1]/',
  'https://[fe80::1%25eth0]/',
  'https://例え.テスト/パス?q=値',
  'https://xn--/',
  'http://a..b/',
  'https://host:99999/',
  'https://host:0/',
  'http://0x7f.1/',
  'https://user:pass@clinic-cloud.example.jp/',
  'javascript:alert(1)',
  'data:text/html,<script>1</script>',
  'file:///etc/passwd',
  'https://a.example/%zz%',
  'https:////a.example',
  'https://a.example\\@b.example/',
  '//clinic-cloud.example.jp/',
  'https://clinic-cloud.example.jp.',
  `https://${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.example/`,
  `https://a.example/${'x'.repeat(2100)}`,
];

const PATH_HOSTILE: PathValue[] = ['..', '.', '%2F', 'a/b', '%', '%zz', '%00', '%0A', '%2e%2e', '%C0%AE', '%ff', '?x=1', '#frag', ';x', ' '].map((value) => ({
  value,
  raw: true,
}));

/** A JWS-shaped string that is not a valid embed token. */
const forgedToken = fc.constantFrom(
  'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln',
  'a.b.c',
  'eyJhbGciOiJub25lIn0.eyJzdWIiOiJNRC0wMDAxLTI2MDQifQ.',
  '....',
  'x'.repeat(300),
);

function pngTruncated(png: Buffer) {
  return new FilePart(new Uint8Array(png.subarray(0, Math.floor(png.length / 2))), 'the mark PNG cut in half');
}

/** A GIF header claiming 65,000 × 65,000 pixels. */
function gifFlood(): FilePart {
  const b = Buffer.alloc(13);
  b.write('GIF89a', 0, 'latin1');
  b.writeUInt16LE(65_000, 6);
  b.writeUInt16LE(65_000, 8);
  return new FilePart(new Uint8Array(b), 'a GIF header claiming 65000 x 65000', 'x.gif', 'image/gif');
}

/** The arbitrary of requests for one operation, on the world as it is now. */
export function requestsFor(op: Operation, doc: Schema, world: World): fc.Arbitrary<FuzzRequest> {
  const ctx: SchemaContext = { doc, now: world.t.clock.now(), hint: hintsFor(op, world) };
  const method = weighted([40, fc.constant(op.method)], [1, fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD')]);
  return fc
    .record({ method, params: pathParamsFor(op, ctx, world), query: queryFor(op, ctx, world), headers: headersFor(op, world), body: bodiesFor(op, ctx) })
    .map(({ method, params, query, headers, body: [b, type] }) =>
      // fetch refuses a GET or HEAD with a body before it is sent.
      method === 'GET' || method === 'HEAD'
        ? new FuzzRequest(method, op.path, params, query, headers, { kind: 'none' }, null)
        : new FuzzRequest(method, op.path, params, query, headers, b, type),
    );
}

/** Values the schema does not describe well enough: ids that exist, origins, URLs, times near the clock, cursors. */
function hintsFor(op: Operation, world: World): SchemaContext['hint'] {
  const now = world.t.clock.now();
  const pages = weighted<string>(
    [4, fc.constantFrom(`${SITE}/`, `${SITE}/about`, `${OTHER_SITE}/copy?x=1`, `${SITE}/#top`)],
    [2, fc.webUrl({ withQueryParameters: true, withFragments: true })],
    [1, fc.constantFrom(...ODD_URLS)],
  );
  // Cursors in the form each list gives them (base64url of a number, of `instant|id`, of [instant, id]), with
  // instants near and far and ids real and not: they reach the keyset queries.
  const b64 = (s: string) => Buffer.from(s).toString('base64url');
  const cursorInstant = weighted<string>([2, instantNear(now)], [2, fc.constantFrom(...FAR_INSTANTS)], [1, hostileString.map(textOf)]);
  const cursorId = weighted<string>([2, fc.uuid()], [1, fc.constantFrom(...world.inquiries, ...world.cases).map(textOf)], [1, hostileString.map(textOf)]);
  const ours = op.path.startsWith('/api/v1/admin/cases')
    ? fc.tuple(cursorInstant, cursorId).map((pair) => b64(JSON.stringify(pair)))
    : op.path.startsWith('/api/v1/admin/inquiries')
      ? fc.tuple(cursorInstant, cursorId).map(([at, id]) => b64(`${at}|${id}`))
      : weighted<string>(
          [2, fc.constantFrom(...world.numbers).map((n) => n.value)],
          [1, fc.stringMatching(/^MD-\d{4}-\d{4}$/)],
          [1, hostileString.map(textOf)],
        ).map(b64);
  const cursors = weighted<unknown>([3, ours], [1, fc.string({ maxLength: 20 })]);

  return (name, schema) => {
    // a dead letter's resend: addresses that are addresses, now and then
    if (name === 'recipients') return weighted<unknown>([3, fc.constant(['fuzz-resend@clinic.example.jp'])], [1, fc.constant(null)]);
    if (schema.type === 'array' || schema.type === 'object') return undefined;
    // The transparency log's indexes and sizes: mostly inside the tree the seeded world made (issue 16).
    if (op.path.startsWith('/api/v1/log/') && ['start', 'end', 'index', 'size', 'from', 'to'].includes(name ?? '')) {
      return weighted<unknown>([4, fc.integer({ min: 0, max: 40 })], [1, fc.integer({ min: -5, max: 10 ** 7 })]);
    }
    switch (name) {
      case 'service':
        // a body's service (an assignment, Arts. 7, 19): one of the fresh services
        return weighted<unknown>([4, fc.constantFrom(...world.fresh.services)], [1, fc.uuid()]);
      case 'vendorId':
        return weighted<unknown>([4, fc.constantFrom(...world.vendors)], [1, fc.uuid()]);
      case 'investigationId':
        return weighted<unknown>([4, fc.constantFrom(...world.fresh.investigations.map((i) => i.investigation))], [1, fc.uuid()]);
      case 'origins':
        return weighted<unknown>(
          [4, fc.constantFrom(SITE, OTHER_SITE, 'http://localhost:8080', 'https://xn--eckwd4c7c.jp', 'http://[::1]:8080')],
          [1, fc.webUrl().map((u) => new URL(u).origin)],
          [1, fc.oneof(fc.webUrl(), fc.constantFrom(...ODD_URLS))],
        );
      case 'content':
        // a filed document (Art. 4): a PDF in base64 mostly
        if (op.path.endsWith('/documents')) return weighted<unknown>([3, fc.constant(world.documents.pdfBase64)], [1, fc.base64String({ maxLength: 200 })]);
        return undefined;
      case 'origin':
        // a site to prove (Art. 10.2): an https origin mostly, now and then anything
        return weighted<unknown>(
          [4, fc.constantFrom('https://karte.fuzz-vendor.example', 'https://xn--eckwd4c7c.jp', 'https://vendor.example:8443')],
          [1, fc.webUrl().map((u) => new URL(u).origin)],
          [1, fc.oneof(fc.webUrl(), fc.constantFrom(...ODD_URLS))],
        );
      case 'pageUrl':
        return pages;
      case 'linkHref':
        return weighted<unknown>(
          [3, fc.constantFrom(...world.numbers).map((n) => `${BASE}/verify/${n.value}`)],
          [1, fc.webUrl()],
          [1, fc.constantFrom(...ODD_URLS)],
        );
      case 'seenAt':
        return instantNear(now);
      case 'token':
        return weighted<unknown>([4, fc.constantFrom(...world.embedTokens)], [1, forgedToken], [1, nearMiss(world.embedTokens)!]);
      case 'imageSha256':
        return weighted<unknown>([3, fc.constantFrom(...world.imageShas)], [1, fc.stringMatching(/^[0-9a-f]{64}$/)]);
      case 'image':
        return weighted(
          [5, fc.constant(new FilePart(new Uint8Array(world.images.mark), 'the official mark, 128 px'))],
          [2, fc.constant(new FilePart(new Uint8Array(world.images.recoloured), 'a recoloured mark'))],
          [1, fc.constant(pngTruncated(world.images.mark))],
          [1, fc.uint8Array({ maxLength: 64 }).map((b) => new FilePart(b, `bytes ${Buffer.from(b).toString('hex')}`))],
          [
            1,
            fc.constant(
              new FilePart(
                new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>'),
                'an SVG with a script',
                'x.svg',
                'image/svg+xml',
              ),
            ),
          ],
          [1, fc.constant(new FilePart(new Uint8Array(0), 'empty'))],
          [1, fc.constant(gifFlood())],
        );
      case 'email':
        return fc
          .tuple(fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/), fc.constantFrom('example.jp', 'clinic.example.com'))
          .map(([local, domain]) => `${local}@${domain}`);
      case 'withheld':
        return weighted([4, fc.constant(false)], [1, fc.constant(true)]);
      case 'cursor':
      case 'after':
        return cursors;
      case 'serviceNumber':
        return weighted<unknown>([3, fc.constantFrom(...world.numbers)], [1, fc.constantFrom('', null, 'MD-0000-0000')]);
      // Dates where the rules want them: decisions today or before, due dates ahead, extensions past expiry.
      case 'decidedOn':
        return weighted([3, dayAfter(now, -30, 0)], [1, dateNear(now)]);
      case 'dueOn':
        return weighted([3, dayAfter(now, 0, 90)], [1, dateNear(now)]);
      case 'until':
        return weighted([3, dayAfter(now, 45, 400)], [1, dateNear(now)]);
    }
    return undefined;
  };
}

/** The seeded objects a path parameter may name. */
function poolFor(op: Operation, name: string, world: World): Seeded[] {
  const fresh = world.fresh;
  if (op.path.includes('/assignments')) {
    if (name === 'token') return world.scopedTokenIds;
    const assigned = [...(fresh.byState.applied ?? []), ...(fresh.byState.renewal_pending ?? [])];
    if (name === 'service') return [...assigned, ...fresh.services];
  }
  if (op.path.includes('/staff-tokens/')) return world.staffTokenIds;
  if (op.path.includes('/documents') && name === 'service') return world.documents.services;
  if (op.path.includes('/documents/') && name === 'sha256') return world.documents.shas;
  if (op.path.includes('/crawler-keys/')) return world.crawlerKeyIds;
  switch (name) {
    case 'service': {
      // Services in the states where this operation succeeds count three times, the others once.
      const preferred = (STATES_FOR[op.path.split('/').at(-1)!] ?? []).flatMap((state) => fresh.byState[state] ?? []);
      // Art. 16.1: an improvement request names an investigation of its own service; name that service often
      const investigated = op.path.endsWith('/improvements') ? fresh.investigations.map((i) => i.service) : [];
      return [...fresh.services, ...preferred, ...preferred, ...investigated, ...investigated, ...investigated];
    }
    case 'vendor':
      return world.vendors;
    case 'number':
      return world.numbers;
    case 'token':
      return world.embedTokens;
    case 'jti':
      return world.jtis;
    case 'case':
      return world.cases;
    case 'proposal':
      return world.proposals;
    case 'proof':
      return world.proofs;
    case 'sha256':
      return world.imageShas;
    case 'id':
      return world.inquiries;
    case 'emergency':
      return fresh.emergencies.map((e) => e.emergency);
    case 'investigation':
      return fresh.investigations.map((e) => e.investigation);
    case 'improvement':
      return fresh.improvements.map((e) => e.improvement);
    case 'delegate':
      return world.delegates;
    case 'notice':
      return world.notices;
  }
  return [];
}

/** Path parameters: a seeded object (or nearly one), a value the schema allows, or something hostile, some of it unencoded. */
function pathParamsFor(op: Operation, ctx: SchemaContext, world: World): fc.Arbitrary<Record<string, PathValue>> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const encoded = (value: Text): PathValue => ({ value, raw: false });
  const pathValue = (p: Parameter): fc.Arbitrary<PathValue> => {
    const seeded = fromPool(poolFor(op, p.name, world));
    const near = nearMiss(poolFor(op, p.name, world));
    return weighted<PathValue>(
      [seeded ? 6 : 0, (seeded ?? fc.constant('')).map(encoded)],
      [near ? 1 : 0, (near ?? fc.constant('')).map(encoded)],
      [2, arbitraryFor(p.schema, { ...ctx, hint: () => undefined }, false).map((v) => encoded(String(v)))],
      [2, hostileString.map(encoded)],
      [1, fc.constantFrom(...PATH_HOSTILE)],
    );
  };
  const independent = fc.record(Object.fromEntries(pathParams.map((p) => [p.name, pathValue(p)])));
  // A sub-resource together with the service it belongs to, so that the operation finds both.
  const sub = pathParams.find((p) => ['emergency', 'investigation', 'improvement'].includes(p.name))?.name;
  const fresh = world.fresh;
  const pairs = (sub === 'emergency'
    ? fresh.emergencies
    : sub === 'investigation'
      ? fresh.investigations
      : sub === 'improvement'
        ? fresh.improvements
        : []) as unknown as Record<string, Seeded>[];
  if (!sub || !pairs.length) return independent;
  return weighted([3, fc.constantFrom(...pairs).map((pair) => ({ service: encoded(pair.service!), [sub]: encoded(pair[sub]!) }))], [2, independent]);
}

type QueryPart = [name: string, value: Text, raw: boolean];

/** Query: declared parameters now and then, some hostile or repeated, and some nobody declared. */
function queryFor(op: Operation, ctx: SchemaContext, world: World): fc.Arbitrary<QueryPart[]> {
  const queryValue = (p: Parameter): fc.Arbitrary<Text> => {
    const seeded = fromPool(p.name === 'service' ? world.fresh.services : []);
    return weighted<Text>(
      [seeded ? 3 : 0, seeded ?? fc.constant('')],
      [6, arbitraryFor(p.schema, ctx, false, p.name).map((v) => (v === null ? '' : String(v)))],
      [2, hostileString],
    );
  };
  const declared = op.parameters
    .filter((p) => p.in === 'query')
    .map((p) => fc.option(fc.tuple(fc.constant(p.name), queryValue(p), fc.constant(false)) as fc.Arbitrary<QueryPart>, { freq: 2 }));
  const unknown: fc.Arbitrary<QueryPart> = fc.tuple(fc.constantFrom('__proto__', 'constructor', 'lang', 'x', '', 'a[b]', 'q[]'), hostileString, fc.boolean());
  return fc.tuple(fc.tuple(...declared), fc.array(unknown, { maxLength: 2 }), fc.nat(9)).map(([d, extra, dice]) => {
    const q = d.filter((x): x is QueryPart => x !== null);
    if (dice === 0 && q.length) q.push(q[0]!); // the same parameter twice
    return dice < 8 ? q : [...q, ...extra];
  });
}

/** Authorization (mostly the right credential, so that the operation runs), Idempotency-Key, and odd others. */
function headersFor(op: Operation, world: World): fc.Arbitrary<[string, Text][]> {
  const { tokens } = world;
  const bad = fc.constantFrom<Text>(
    'Bearer short',
    'Basic YWRtaW46YWRtaW4=',
    'Bearer',
    `Bearer ${'x'.repeat(513)}`,
    'Bearer cmstf_0000000000000000000000',
    new Repeat('B', 100_000),
    'Bearer  \t ',
  );
  const bearer = (s: Seeded): Text => new Seeded(`Bearer ${s.value}`, `Bearer + ${s.label}`);
  const auth: fc.Arbitrary<Text | null> =
    op.auth === 'staff' && op.path.endsWith('/opinions')
      ? weighted<Text | null>([20, fc.constant(bearer(tokens.committee))], [2, fc.constant(bearer(tokens.admin))], [2, bad])
      : op.auth === 'staff'
        ? weighted<Text | null>(
            [20, fc.constant(bearer(tokens.admin))],
            [2, fc.constantFrom(bearer(tokens.reviewer), bearer(tokens.auditor))],
            [1, fc.constantFrom<Text>(new Seeded(`bearer   ${tokens.admin.value}`, 'lower-case bearer, admin token'), bearer(tokens.crawler))],
            [2, bad],
            [1, fc.constant(null)],
          )
        : op.auth === 'crawler'
          ? weighted<Text | null>([20, fc.constant(bearer(tokens.crawler))], [1, fc.constant(bearer(tokens.admin))], [2, bad], [1, fc.constant(null)])
          : weighted<Text | null>([10, fc.constant(null)], [1, fc.constant(bearer(tokens.admin))], [1, bad]);

  const wantsKey = op.parameters.some((p) => p.in === 'header' && p.name === 'idempotency-key');
  const idempotencyKey: fc.Arbitrary<Text | null> = wantsKey
    ? weighted<Text | null>(
        [10, fc.uuid()],
        [2, fc.constant('fuzz-replayed-key')],
        [
          2,
          fc.constantFrom<Text>(
            '',
            '"quoted-key"',
            '"',
            '""',
            'a b',
            'ü-latin1',
            'x'.repeat(255),
            'x'.repeat(256),
            'x'.repeat(301),
            new Repeat('k', 10_000),
            '\u00ff',
          ),
        ],
        [1, fc.constant(null)],
      )
    : fc.constant(null);

  const value = weighted<Text>([3, hostileString], [2, fc.string({ maxLength: 30 })], [1, fc.constant(new Repeat('h', 16_000))]);
  const extra = fc.oneof(
    fc.tuple(
      fc.constant('Origin'),
      weighted<Text>(
        [3, fc.constantFrom(SITE, OTHER_SITE, 'null', 'https://clinic-cloud.example.jp.evil.example')],
        [1, fc.constantFrom(...ODD_URLS)],
        [1, value],
      ),
    ),
    fc.tuple(
      fc.constant('Referer'),
      weighted<Text>([3, fc.constantFrom(`${SITE}/page`, `${OTHER_SITE}/`, `${BASE}/registry`)], [1, fc.constantFrom(...ODD_URLS)], [1, value]),
    ),
    fc.tuple(fc.constant('If-None-Match'), weighted<Text>([2, fc.constantFrom('*', '"abc"', 'W/"x", "y"', ',,,')], [1, value])),
    fc.tuple(fc.constant('Accept-Language'), weighted<Text>([2, fc.constantFrom('en', 'ja', '*', 'en-US,en;q=0.5', 'xx;q=abc', 'en;q=2')], [1, value])),
    fc.tuple(fc.constantFrom('X-Request-Id', 'Accept', 'Cookie', 'X-Forwarded-For', 'Content-Encoding', 'Range', 'Expect'), value),
    fc.tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/), value),
  );
  return fc.tuple(auth, idempotencyKey, fc.array(extra, { maxLength: 3 })).map(([a, key, more]) => {
    const out: [string, Text][] = [];
    if (a !== null) out.push(['Authorization', a]);
    if (key !== null) out.push(['Idempotency-Key', headerText(key)]);
    for (const [k, v] of more) if (k.toLowerCase() !== 'content-type') out.push([k, headerText(v)]);
    return out;
  });
}

const JSON_TYPES: ContentType[] = [
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/vnd.api+json',
  'application/problem+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'application/json; charset=utf-16',
  '',
  null,
];

const MULTIPART_TYPES: ContentType[] = [
  'multipart/form-data',
  'multipart/form-data; boundary=wrong',
  'multipart/mixed; boundary=x',
  'application/json',
  'text/plain',
  null,
];

const part = (name: string, value: string) => `--fuzzb\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
const END = '--fuzzb--\r\n';

/** A multipart body written by hand: broken in ways FormData never is. */
const BROKEN_MULTIPART: string[] = [
  part('pageUrl', 'https://a.example/'), // no closing boundary
  `--fuzzb\r\n\r\nno headers\r\n${END}`,
  `--fuzzb\r\nContent-Disposition: form-data; name=\r\n\r\nx\r\n${END}`,
  part('pageUrl"; filename="a.txt', 'https://a.example/') + part('seenAt', '2026-04-01T00:00:00Z') + END, // a text field as a file
  part('pageUrl', 'https://a.example/') + part('pageUrl', 'https://b.example/') + END, // the same field twice
  part('n'.repeat(20_000), 'x') + END,
  part('a', '1').repeat(5_000) + END,
  END,
  '',
];

/** The body, and the Content-Type it is sent with. */
function bodiesFor(op: Operation, ctx: SchemaContext): fc.Arbitrary<[Body, ContentType]> {
  const content = op.body?.content ?? {};
  const jsonSchema = content['application/json']?.schema;
  const formSchema = content['application/x-www-form-urlencoded']?.schema;
  const multipartSchema = content['multipart/form-data']?.schema;
  const contentType = (natural: ContentType, others: ContentType[]) => weighted<ContentType>([12, fc.constant(natural)], [2, fc.constantFrom(...others)]);
  const hostileText = fc.tuple(
    fc.constantFrom(...HOSTILE_BODY_TEXTS).map((text): Body => ({ kind: 'text', text })),
    contentType('auto', JSON_TYPES),
  );
  const none = fc.tuple(fc.constant<Body>({ kind: 'none' }), contentType('auto', JSON_TYPES));
  const fields = (schema: Schema, hostile: boolean) =>
    arbitraryFor(schema, ctx, hostile).map((v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.entries(v) : [['value', v] as [string, unknown]]));

  if (multipartSchema) {
    // The schema cannot say that image and imageSha256 exclude each other: valid bodies have one at most.
    const exclusive = (p: [string, unknown][]) => (p.some(([k]) => k === 'image') ? p.filter(([k]) => k !== 'imageSha256') : p);
    const parts = (hostile: boolean) => fields(multipartSchema, hostile).map((p): Body => ({ kind: 'multipart', parts: hostile ? p : exclusive(p) }));
    return weighted<[Body, ContentType]>(
      [5, fc.tuple(parts(false), contentType('auto', MULTIPART_TYPES))],
      [4, fc.tuple(parts(true), contentType('auto', MULTIPART_TYPES))],
      [
        1,
        fc.tuple(
          fc.constantFrom(...BROKEN_MULTIPART).map((text): Body => ({ kind: 'text', text })),
          fc.constantFrom<ContentType>('multipart/form-data; boundary=fuzzb', 'multipart/form-data'),
        ),
      ],
      [1, hostileText],
      [1, none],
    );
  }
  if (jsonSchema) {
    const json = (hostile: boolean) => arbitraryFor(jsonSchema, ctx, hostile).map((value): Body => ({ kind: 'json', value }));
    const form = (hostile: boolean) => fields(formSchema ?? jsonSchema, hostile).map((f): Body => ({ kind: 'form', fields: f }));
    return weighted<[Body, ContentType]>(
      [5, fc.tuple(json(false), contentType('auto', JSON_TYPES))],
      [4, fc.tuple(json(true), contentType('auto', JSON_TYPES))],
      [formSchema ? 4 : 0, fc.tuple(form(false), contentType('auto', JSON_TYPES))],
      [formSchema ? 2 : 1, fc.tuple(form(true), contentType('auto', JSON_TYPES))],
      [1, hostileText],
      [op.body?.required ? 1 : 3, none],
    );
  }
  // No body in the document: none, mostly; a stray one now and then.
  return weighted<[Body, ContentType]>(
    [8, fc.tuple(fc.constant<Body>({ kind: 'none' }), fc.constant<ContentType>(null))],
    [1, hostileText],
    [
      1,
      fc.tuple(
        fc.jsonValue({ maxDepth: 2 }).map((value): Body => ({ kind: 'json', value })),
        fc.constant<ContentType>('auto'),
      ),
    ],
  );
}
