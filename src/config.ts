import { z } from 'zod';

/** The only reader of process.env: parsed once at start, then passed in (CONTRACT.md, "For operators"). */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  PUBLIC_BASE_URL: z.url().optional(),
  CERTMARK_ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  CERTMARK_DEMO: z.enum(['0', '1']).optional(),
  /** Secret that encrypts the private signing keys at rest; generated beside the embedded database when unset. */
  CERTMARK_KEY_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Folder holding colour.svg and mono.svg, the official mark masters. */
  CERTMARK_MARK_DIR: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** PostgreSQL connections per process. */
  DB_POOL_MAX: z.coerce.number().int().min(1).max(1000).default(10),
  /** How long a new PostgreSQL connection may take. */
  DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(2_000),
  /** statement_timeout of every PostgreSQL session, and the client's own wait for an answer (a little longer). */
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(5_000),
  /** Written notices go out by SMTP here (smtp:// or smtps://, credentials in the URL); unset: .eml files in {DATA_DIR}/outbox. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^/]+/, 'must be an smtp:// or smtps:// URL')
    .optional(),
  /** The From of every notice, e.g. "認定機関 <notices@certifier.example>". */
  MAIL_FROM: z.string().max(300).optional(),
  /** Where notices to staff go (new cases, inquiries, emergencies, dead letters), comma-separated; the certifier's e-mail when unset. */
  CERTMARK_STAFF_EMAILS: z
    .string()
    .max(2000)
    .transform((s) =>
      s
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.email('must be e-mail addresses, comma-separated')).max(20))
    .optional(),
  /** The deadline of a GET or HEAD request: past it the answer is 503. */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  /** The deadline of any other request (writes, sightings with images). */
  WRITE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /** Who certifies: the certification body named on every public page and in the JSON-LD (issue 18). */
  CERTMARK_CERTIFIER_NAME_JA: z.string().max(200).optional(),
  CERTMARK_CERTIFIER_NAME_EN: z.string().max(200).optional(),
  CERTMARK_CERTIFIER_ADDRESS_JA: z.string().max(300).optional(),
  CERTMARK_CERTIFIER_ADDRESS_EN: z.string().max(300).optional(),
  CERTMARK_CERTIFIER_EMAIL: z.email().optional(),
  CERTMARK_CERTIFIER_PHONE: z.string().max(40).optional(),
  CERTMARK_CERTIFIER_URL: z.url().optional(),
  /**
   * Server processes (node:cluster, src/cluster.ts): a primary forks this many workers sharing the port. More than
   * one needs PostgreSQL (the embedded database serves one process only).
   */
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  /** Art. 18: the business days within which the inquiry desk usually replies, as the receipt says. */
  CERTMARK_INQUIRY_REPLY_DAYS: z.coerce.number().int().min(1).max(60).default(5),
  /** Art. 17 (issue 14): how many admins a revocation needs; 2 = one proposes, another approves. */
  CERTMARK_REVOCATION_APPROVALS: z.enum(['1', '2'], 'must be 1 or 2').optional(),
  /**
   * Tests only: origins (`http://127.0.0.1:4010`, comma-separated) the site checks may fetch although they are not
   * https or not public (issue 15). Never set in production: it opens the SSRF rules for exactly these origins.
   */
  CERTMARK_TEST_FETCH_ALLOW: z
    .string()
    .max(2000)
    .transform((s) =>
      s
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url().regex(/^https?:\/\/[^/]+$/, 'must be origins (scheme://host:port), comma-separated')).max(20))
    .optional(),
  /** An SVG or PNG file: the body's logo, served at /assets/certifier-logo. */
  CERTMARK_CERTIFIER_LOGO: z
    .string()
    .regex(/\.(svg|png)$/i, 'must be an .svg or .png file')
    .optional(),
});

/** The certification body (Art. 1: the body that runs the scheme), as the public pages name it. */
export interface Certifier {
  name: { ja: string; en: string };
  address: { ja: string; en: string };
  email: string;
  phone: string | null;
  url: string;
  /** Path of the logo file (.svg or .png), or null. */
  logoFile: string | null;
  /** Art. 18: the business days within which the inquiry desk usually replies. */
  inquiryReplyDays: number;
  /** True while the plainly fictional demo body stands in (no CERTMARK_CERTIFIER_NAME_JA given). */
  fictional: boolean;
}

/** The demo body: plainly fictional (reserved .example names), so no page can pass for a real certifier. */
export const FICTIONAL_CERTIFIER: Certifier = {
  name: { ja: '架空医療情報認定機構（デモ用の架空の団体）', en: 'Fictional Medical Information Certification Body (demo, not a real body)' },
  address: { ja: '〒100-0000 東京都千代田区架空町1-2-3（架空の住所）', en: '1-2-3 Kaku-cho, Chiyoda-ku, Tokyo 100-0000 (fictional address)' },
  email: 'inquiry@certifier.example',
  phone: null,
  url: 'https://certifier.example/',
  logoFile: null,
  inquiryReplyDays: 5,
  fictional: true,
};

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  publicBaseUrl: string;
  adminToken: string | null;
  demo: boolean;
  keySecret: string | null;
  markDir: string | null;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  db: { poolMax: number; connectTimeoutMs: number; statementTimeoutMs: number };
  /** Per-request deadlines (ms): reads (GET, HEAD) and everything else. */
  deadlines: { readMs: number; writeMs: number };
  /** Who certifies, configured once (issue 18). */
  certifier: Certifier;
  /** Written notices: SMTP, or .eml files in {dataDir}/outbox when smtpUrl is null. */
  mail: { smtpUrl: string | null; from: string; staff: string[] };
  /** What certmark fetches (src/net/safe-fetch.ts): the test-only allow-list, empty in production. */
  fetch: { allow: string[] };
  /** Art. 17: admins a revocation needs: 1 revokes at once; 2 makes a proposal another admin approves. */
  revocationApprovals: 1 | 2;
  /** Server processes (WEB_CONCURRENCY): 1 serves in this process; more fork workers (src/cluster.ts, PostgreSQL only). */
  webConcurrency: number;
}

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined>): Config {
  // A setting that is present but empty (as many deploy tools write it) means "not set".
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = EnvSchema.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const databaseUrl = e.DATABASE_URL ?? null;
  // One line, naming both settings: PGlite is one process's database (src/db/lock.ts keeps a second one out).
  if (e.WEB_CONCURRENCY > 1 && databaseUrl === null)
    throw new ConfigError(
      `WEB_CONCURRENCY=${e.WEB_CONCURRENCY} needs DATABASE_URL: the embedded database serves one process only; set DATABASE_URL to a PostgreSQL database, or WEB_CONCURRENCY=1`,
    );
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    databaseUrl,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    adminToken: e.CERTMARK_ADMIN_TOKEN ?? null,
    // Demo data is the default for the embedded database only.
    demo: e.CERTMARK_DEMO === undefined ? databaseUrl === null : e.CERTMARK_DEMO === '1',
    keySecret: e.CERTMARK_KEY_SECRET ?? null,
    markDir: e.CERTMARK_MARK_DIR ?? null,
    logLevel: e.LOG_LEVEL,
    db: { poolMax: e.DB_POOL_MAX, connectTimeoutMs: e.DB_CONNECT_TIMEOUT_MS, statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS },
    deadlines: { readMs: e.REQUEST_TIMEOUT_MS, writeMs: e.WRITE_TIMEOUT_MS },
    certifier: certifierOf(e),
    mail: {
      smtpUrl: e.SMTP_URL ?? null,
      from: e.MAIL_FROM ?? `certmark <notices@${new URL(e.PUBLIC_BASE_URL ?? 'http://localhost').hostname}>`,
      staff: e.CERTMARK_STAFF_EMAILS ?? [],
    },
    fetch: { allow: e.CERTMARK_TEST_FETCH_ALLOW ?? [] },
    // Four eyes by default where the body runs for real (PostgreSQL); one admin on the embedded demo database.
    revocationApprovals: e.CERTMARK_REVOCATION_APPROVALS === undefined ? (databaseUrl === null ? 1 : 2) : e.CERTMARK_REVOCATION_APPROVALS === '1' ? 1 : 2,
    webConcurrency: e.WEB_CONCURRENCY,
  };
}

function certifierOf(e: z.infer<typeof EnvSchema>): Certifier {
  if (!e.CERTMARK_CERTIFIER_NAME_JA)
    return { ...FICTIONAL_CERTIFIER, logoFile: e.CERTMARK_CERTIFIER_LOGO ?? null, inquiryReplyDays: e.CERTMARK_INQUIRY_REPLY_DAYS };
  // A real body must say how to reach it: no fictional contact beside a real name.
  if (!e.CERTMARK_CERTIFIER_EMAIL || !e.CERTMARK_CERTIFIER_URL || !e.CERTMARK_CERTIFIER_ADDRESS_JA)
    throw new ConfigError(
      'invalid configuration:\n  CERTMARK_CERTIFIER_NAME_JA needs CERTMARK_CERTIFIER_ADDRESS_JA, CERTMARK_CERTIFIER_EMAIL and CERTMARK_CERTIFIER_URL',
    );
  const nameJa = e.CERTMARK_CERTIFIER_NAME_JA;
  return {
    name: { ja: nameJa, en: e.CERTMARK_CERTIFIER_NAME_EN ?? nameJa },
    address: { ja: e.CERTMARK_CERTIFIER_ADDRESS_JA, en: e.CERTMARK_CERTIFIER_ADDRESS_EN ?? e.CERTMARK_CERTIFIER_ADDRESS_JA },
    email: e.CERTMARK_CERTIFIER_EMAIL,
    phone: e.CERTMARK_CERTIFIER_PHONE ?? null,
    url: e.CERTMARK_CERTIFIER_URL,
    logoFile: e.CERTMARK_CERTIFIER_LOGO ?? null,
    inquiryReplyDays: e.CERTMARK_INQUIRY_REPLY_DAYS,
    fictional: false,
  };
}
