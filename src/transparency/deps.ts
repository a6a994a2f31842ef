import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Database } from '../db/database';
import { loadLogKey } from '../keys/log-key';
import { resolveKeySecret } from '../keys/secret';
import type { Logger } from '../logger';
import { TransparencyLog } from './log';
import { logOrigin } from './note';
import { httpWitnessTransport } from './witness';

/** Opens (or makes) the log key with the key secret the signing keys use; no setting needed on the embedded default. */
export async function prepareLog(config: Config, database: Database, clock: Clock, logger: Logger): Promise<TransparencyLog> {
  const secret = await resolveKeySecret(config);
  const key = await loadLogKey(database.db, secret, logOrigin(config.publicBaseUrl), clock);
  return new TransparencyLog(database.db, key, config.publicBaseUrl, clock, logger, httpWitnessTransport());
}
