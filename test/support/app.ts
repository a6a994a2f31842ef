import { createApp } from '../../src/app';
import { prepareDeps } from '../../src/deps';
import { fixedClock } from '../../src/clock';
import { loadConfig, type Config } from '../../src/config';
import { bootstrap } from '../../src/bootstrap';
import type { Database } from '../../src/db/database';
import { silentLogger } from '../../src/logger';
import { testDatabase } from './db';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
export const BASE = 'https://certmark.test';

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({
      PUBLIC_BASE_URL: BASE,
      CERTMARK_ADMIN_TOKEN: ADMIN_TOKEN,
      CERTMARK_DEMO: '0',
      LOG_LEVEL: 'silent',
      CERTMARK_KEY_SECRET: 'test-key-secret-0123456789abcdef0123456789',
      // a loaded CI machine must not turn a slow answer into a 503: the deadlines are tested on their own
      REQUEST_TIMEOUT_MS: '60000',
      WRITE_TIMEOUT_MS: '120000',
      // one admin revokes at once; a test of the four-eyes rule asks for { revocationApprovals: 2 }
      CERTMARK_REVOCATION_APPROVALS: '1',
    }),
    ...overrides,
  };
}

/** The app on a database of its own, with a clock the test moves. No network: requests go through app.request. */
export interface TestAppOptions {
  now?: string;
  config?: Partial<Config>;
  database?: Database;
}

export async function testApp(options: TestAppOptions = {}) {
  const database = options.database ?? (await testDatabase());
  const clock = fixedClock(options.now ?? '2026-04-01T03:00:00Z');
  const config = testConfig(options.config);
  await bootstrap(config, database, clock, silentLogger);
  const deps = await prepareDeps(config, database, clock, silentLogger);
  // no test sends a DNS query: a site check through the API finds no name (tests of the checks stand in their own)
  deps.siteCheck = { fetch: { resolve: offline }, resolveTxt: offline };
  const app = createApp(deps);
  const auth = (token = ADMIN_TOKEN) => ({ Authorization: `Bearer ${token}` });
  const json = (method: string, path: string, body?: unknown, headers: Record<string, string> = auth()) =>
    app.request(path, { method, headers: { 'Content-Type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { app, deps, database, clock, config, auth, json, close: once(() => database.close()) };
}

export type TestApp = Awaited<ReturnType<typeof testApp>>;

async function offline(name: string): Promise<never> {
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name} (tests resolve no names)`), { code: 'ENOTFOUND' });
}

/** The app closes once: an afterEach may close an app its test already closed, or one a failed setup left. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | null = null;
  return () => (closing ??= fn());
}
