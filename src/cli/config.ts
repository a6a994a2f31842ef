import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * The CLI's settings, parsed once: where the server is (CERTMARK_URL) and the staff token (CERTMARK_TOKEN, or the
 * bootstrap token in {DATA_DIR}/admin-token when present). The CLI reads the environment nowhere else.
 */
const CliEnvSchema = z.object({
  CERTMARK_URL: z.url('must be a URL such as http://localhost:3000').default('http://localhost:3000'),
  CERTMARK_TOKEN: z.string().trim().min(16, 'must be a staff token (at least 16 characters)').optional(),
  DATA_DIR: z.string().min(1).default('./data'),
});

export interface CliConfig {
  url: string;
  token: string | null;
  /** Where the token came from, for messages: never the token itself. */
  tokenSource: 'CERTMARK_TOKEN' | string | null;
}

export class CliConfigError extends Error {}

/** The process environment, for the shell (bin/certmark.mjs) to hand to the CLI. */
export function processEnvironment(): Record<string, string | undefined> {
  return process.env;
}

export function loadCliConfig(
  env: Record<string, string | undefined>,
  cwd: string,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): CliConfig {
  const parsed = CliEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new CliConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'));
  }
  const e = parsed.data;
  const url = e.CERTMARK_URL.replace(/\/+$/, '');
  if (e.CERTMARK_TOKEN) return { url, token: e.CERTMARK_TOKEN, tokenSource: 'CERTMARK_TOKEN' };
  const file = resolve(cwd, e.DATA_DIR, 'admin-token');
  try {
    const token = readFile(file).trim();
    return token ? { url, token, tokenSource: file } : { url, token: null, tokenSource: null };
  } catch {
    return { url, token: null, tokenSource: null };
  }
}
