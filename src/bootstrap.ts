import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from './clock';
import type { Config } from './config';
import { migrateToLatest, type Database } from './db/database';
import { seedDemo } from './demo/seed';
import { defaultMarkDir, loadMarkMasters } from './mark/masters';
import { createMarkRenderer } from './mark/render';
import { noticeSettingsOf } from './notices/compose';
import type { Logger } from './logger';
import { countStaffTokens, issueStaffToken, staffTokenBySecret } from './access/staff-tokens';
import { newSecret } from './repositories/staff';
import { countServicesForDemo } from './demo/seed';
import { adoptPendingRecords } from './repositories/records';
import { deleteExpiredIdempotencyKeys, releaseClaimsOfGoneInstances } from './repositories/sightings';

export interface BootstrapReport {
  migrations: string[];
  adminTokenFile: string | null;
  /** CERTMARK_ADMIN_TOKEN names a token that staff revoked: it stays revoked (never silently re-enabled). */
  adminTokenRevoked: boolean;
  demoSeeded: boolean;
}

/**
 * What a start does before serving: migrate, make sure staff can get in (CONTRACT.md: CERTMARK_ADMIN_TOKEN, or
 * one generated, printed once and written to {DATA_DIR}/admin-token), and seed the demo into an empty database.
 */
export async function bootstrap(config: Config, database: Database, clock: Clock, logger: Logger): Promise<BootstrapReport> {
  const migrations = await migrateToLatest(database.db, database.schema);
  if (migrations.length) logger.info({ migrations }, 'migrated');
  const adopted = await adoptPendingRecords(database.db, clock.now());
  if (adopted) logger.info({ adopted }, 'records written before the chain covered them are now on it');
  const ctx = { db: database.db, clock, actor: 'bootstrap' };
  let adminTokenFile: string | null = null;
  let adminTokenRevoked = false;
  if (config.adminToken) {
    const known = await staffTokenBySecret(database.db, config.adminToken);
    if (known?.revoked_at) {
      adminTokenRevoked = true;
      logger.warn(
        { staffTokenId: known.id, revokedAt: known.revoked_at },
        'CERTMARK_ADMIN_TOKEN names a staff token that was revoked; it stays revoked. Remove it from the environment and use another admin token (certmark staff-token issue)',
      );
    } else if (!known) {
      await issueStaffToken(ctx, { name: 'bootstrap (CERTMARK_ADMIN_TOKEN)', role: 'admin', secret: config.adminToken });
    }
  } else if ((await countStaffTokens(database.db)) === 0) {
    const token = newSecret('cmadm');
    await issueStaffToken(ctx, { name: 'bootstrap (generated)', role: 'admin', secret: token });
    await mkdir(config.dataDir, { recursive: true });
    adminTokenFile = join(config.dataDir, 'admin-token');
    await writeFile(adminTokenFile, `${token}\n`, { mode: 0o600 });
    logger.warn({ adminTokenFile }, 'generated the bootstrap admin token (shown once on the console, kept in the file)');
    process.stdout.write(`\ncertmark: admin token (shown once; also in ${adminTokenFile}):\n  ${token}\n\n`);
  }
  await housekeeping(database, clock, logger);
  let demoSeeded = false;
  if (config.demo && (await countServicesForDemo(database.db)) === 0) {
    const mark = createMarkRenderer(await loadMarkMasters(config.markDir ?? defaultMarkDir()));
    await seedDemo(database.db, clock, noticeSettingsOf(config, mark));
    demoSeeded = true;
    logger.info('seeded demo data');
  }
  return { migrations, adminTokenFile, adminTokenRevoked, demoSeeded };
}

/**
 * What a server does at start and then every hour: free the Idempotency-Key claims of processes that died
 * mid-request, and forget keys older than 24 hours.
 */
export async function housekeeping(database: Database, clock: Clock, logger: Logger): Promise<void> {
  const released = await releaseClaimsOfGoneInstances(database);
  const expired = await deleteExpiredIdempotencyKeys(database.db, clock.now());
  if (released || expired) logger.info({ released, expired }, 'Idempotency-Keys: claims of stopped processes released, expired keys deleted');
}
