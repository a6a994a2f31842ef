import type { AppDeps } from './http/env';
import type { Clock } from './clock';
import type { Config } from './config';
import type { Database } from './db/database';
import type { Logger } from './logger';
import { loadWidgetBundle } from '../widget/build';
import { defaultMarkDir, loadMarkMasters } from './mark/masters';
import { createMarkRenderer } from './mark/render';
import { prepareStanding } from './standing/deps';
import { prepareLog } from './transparency/deps';
import { seedDemoTokens } from './demo/seed';
import { loadMarkMatcher } from './sightings/matcher';
import { fromRoot } from './paths';
import type { MarkMatcher } from './detection/image';
import { readFile } from 'node:fs/promises';

/** The public pages' stylesheet (the Workers build imports the same file as text). */
/** The public pages' style sheet. */
export const siteCssFile = (): string => fromRoot('assets', 'site.css');

/**
 * The I/O that createApp must not do, done once by every shell (Node server, CLI, tests, benchmarks):
 * load what the app needs and hand it over as AppDeps. Each part adds what it needs here.
 */
export async function prepareDeps(config: Config, database: Database, clock: Clock, logger: Logger): Promise<AppDeps> {
  const widget = await loadWidgetBundle();
  const standing = await prepareStanding(config, database, clock, logger);
  const mark = createMarkRenderer(await loadMarkMasters(config.markDir ?? defaultMarkDir()));
  // Built at the first sighting with an image (its references are rendered then): most processes never need it.
  let matcher: Promise<MarkMatcher> | null = null;
  const markMatcher: MarkMatcher = {
    analyse: async (raster) => {
      matcher ??= loadMarkMatcher({ markDir: config.markDir, renderer: mark }).catch((err) => {
        matcher = null; // tried again at the next sighting
        throw err;
      });
      return (await matcher).analyse(raster);
    },
  };
  if (config.demo) await seedDemoTokens({ db: database.db, clock, keys: standing.keys, base: config.publicBaseUrl, actor: 'demo' });
  const siteCss = await readFile(siteCssFile(), 'utf8');
  const log = await prepareLog(config, database, clock, logger);
  return { config, database, clock, logger, widget, markMatcher, siteCss, mark, log, ...standing };
}
