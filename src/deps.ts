import type { AppDeps } from './app';
import type { Clock } from './clock';
import type { Config } from './config';
import type { Database } from './db/database';
import type { Logger } from './logger';
import { loadWidgetBundle } from '../widget/build';

/**
 * The I/O that createApp must not do, done once by every shell (Node server, CLI, tests, benchmarks):
 * load what the app needs and hand it over as AppDeps. Each part adds what it needs here.
 */
export async function prepareDeps(config: Config, database: Database, clock: Clock, logger: Logger): Promise<AppDeps> {
  const widget = await loadWidgetBundle();
  return { config, database, clock, logger, widget };
}
