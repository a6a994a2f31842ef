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
  /** The deadline of a GET or HEAD request: past it the answer is 503. */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  /** The deadline of any other request (writes, sightings with images). */
  WRITE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
});

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
  };
}
