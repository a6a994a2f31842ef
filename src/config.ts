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
}

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = EnvSchema.safeParse(env);
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
  };
}
