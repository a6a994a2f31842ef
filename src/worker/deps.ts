/**
 * AppDeps for the Workers build of the public read path. What differs from the Node server (src/deps.ts):
 * PostgreSQL only (a Hyperdrive binding or DATABASE_URL), each connection used once (a socket belongs to the
 * request that opened it); no LISTEN, so nothing about a service or a token is cached and every request reads
 * the status (Art. 10.8: a revocation stops the mark at once here too); PNGs rendered at build time; no
 * sightings, staff API or image checks (`surface: 'public'`).
 */
import type * as Assets from 'certmark-worker-assets';
import type { AppDeps } from '../http/env';
import { systemClock } from '../clock';
import { ConfigError, loadConfig } from '../config';
import { openPostgres } from '../db/open';
import type { MarkMatcher } from '../detection/image';
import { AppError } from '../errors';
import { KeyRing } from '../keys/ring';
import { createLogger } from '../logger';
import type { MarkMasters } from '../mark/masters';
import { createMarkRenderer, nearestMarkWidth, type PngSource } from '../mark/render';
import { StatusCache } from '../standing/status-cache';
import { TokenCache } from '../standing/token-cache';

/** The Worker's bindings (wrangler.toml [vars], secrets, [[hyperdrive]]). */
export interface WorkerBindings {
  HYPERDRIVE?: { connectionString: string };
  DATABASE_URL?: string;
  PUBLIC_BASE_URL?: string;
  LOG_LEVEL?: string;
  /** Who certifies ([vars] in wrangler.toml), as on the Node server (src/config.ts). The logo file is Node-only. */
  CERTMARK_CERTIFIER_NAME_JA?: string;
  CERTMARK_CERTIFIER_NAME_EN?: string;
  CERTMARK_CERTIFIER_ADDRESS_JA?: string;
  CERTMARK_CERTIFIER_ADDRESS_EN?: string;
  CERTMARK_CERTIFIER_EMAIL?: string;
  CERTMARK_CERTIFIER_PHONE?: string;
  CERTMARK_CERTIFIER_URL?: string;
  CERTMARK_INQUIRY_REPLY_DAYS?: string;
}

type WorkerAssets = typeof Assets;

function prerendered(assets: WorkerAssets): PngSource {
  const decoded = new Map<string, Buffer>();
  const lookup = (table: Record<string, string>, key: string): Promise<Buffer> => {
    let bytes = decoded.get(key);
    if (bytes === undefined) {
      const b64 = table[key];
      if (b64 === undefined) return Promise.reject(new AppError('unavailable', 'this rendering was not made at build time'));
      bytes = Buffer.from(b64, 'base64');
      decoded.set(key, bytes);
    }
    return Promise.resolve(bytes);
  };
  return {
    mark: (variant, width) => lookup(assets.markPngs, `${variant}:${width}`),
    notice: (reason, width, lang) => lookup(assets.noticePngs, `${reason}:${lang}:${nearestMarkWidth(width)}`),
  };
}

const noMatcher: MarkMatcher = {
  analyse: () => Promise.reject(new AppError('unavailable', 'image checks run on the Node server')),
};

export async function workerDeps(env: WorkerBindings, assets: WorkerAssets): Promise<AppDeps> {
  const config = loadConfig({
    DATABASE_URL: env.HYPERDRIVE?.connectionString ?? env.DATABASE_URL,
    PUBLIC_BASE_URL: env.PUBLIC_BASE_URL,
    LOG_LEVEL: env.LOG_LEVEL,
    CERTMARK_DEMO: '0',
    CERTMARK_CERTIFIER_NAME_JA: env.CERTMARK_CERTIFIER_NAME_JA,
    CERTMARK_CERTIFIER_NAME_EN: env.CERTMARK_CERTIFIER_NAME_EN,
    CERTMARK_CERTIFIER_ADDRESS_JA: env.CERTMARK_CERTIFIER_ADDRESS_JA,
    CERTMARK_CERTIFIER_ADDRESS_EN: env.CERTMARK_CERTIFIER_ADDRESS_EN,
    CERTMARK_CERTIFIER_EMAIL: env.CERTMARK_CERTIFIER_EMAIL,
    CERTMARK_CERTIFIER_PHONE: env.CERTMARK_CERTIFIER_PHONE,
    CERTMARK_CERTIFIER_URL: env.CERTMARK_CERTIFIER_URL,
    CERTMARK_INQUIRY_REPLY_DAYS: env.CERTMARK_INQUIRY_REPLY_DAYS,
  });
  if (!config.databaseUrl) throw new ConfigError('the Worker needs a Hyperdrive binding named HYPERDRIVE or DATABASE_URL');
  if (!env.PUBLIC_BASE_URL) throw new ConfigError('the Worker needs PUBLIC_BASE_URL, the issuer of the embed tokens');
  const database = openPostgres({ url: config.databaseUrl, max: 5, oneUsePerConnection: true });
  const clock = systemClock;
  // Verifying needs the public keys only: no secret here, so no private key is ever opened on the edge.
  const keys = new KeyRing(database.db, { secret: '', source: 'config' }, clock);
  await keys.reload();
  const masters: MarkMasters = { colour: Buffer.from(assets.masters.colour), mono: Buffer.from(assets.masters.mono) };
  return {
    config,
    database,
    clock,
    // workerd has no file descriptors to write to: each line goes to the console (Workers logs)
    logger: createLogger(config.logLevel, { write: (line: string) => console.log(line.trimEnd()) }),
    widget: assets.widget,
    siteCss: assets.siteCss,
    markMatcher: noMatcher,
    keys,
    tokens: new TokenCache({ db: database.db, keys, issuer: config.publicBaseUrl }, { max: 1, ttlMs: 0 }),
    statuses: new StatusCache(database.db, { ttlMs: 0 }),
    mark: createMarkRenderer(masters, prerendered(assets)),
    surface: 'public',
  };
}
