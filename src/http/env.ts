import type { Logger } from 'pino';
import type { WidgetBundle } from '../../widget/build';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Database } from '../db/database';
import type { MarkMatcher } from '../detection/image';
import type { MarkRenderer } from '../mark/render';
import type { ChallengeCheckDeps } from '../origins/challenge';
import type { StandingDeps } from '../standing/deps';
import type { TransparencyLog } from '../transparency/log';

/**
 * The two types every layer above src/http shares: what the app is given (AppDeps) and what a request carries
 * (AppEnv). They live here, below the routes and the composition root, so nothing imports src/app.ts back.
 */

/** Everything the app needs, made by a shell (Node server, Workers entry, CLI, tests) and passed in. */
export interface AppDeps extends StandingDeps {
  /** The official mark's masters and their PNG renderings. */
  mark: MarkRenderer;
  config: Config;
  database: Database;
  clock: Clock;
  logger: Logger;
  /** Judges sighting images against the official renderings, built once from them (prepareDeps). */
  markMatcher: MarkMatcher;
  /** The badge script, bundled once at start (prepareDeps). */
  widget: WidgetBundle;
  /** The public pages' stylesheet (assets/site.css), read by the shell. */
  siteCss: string;
  /** The transparency log (src/transparency/); absent where no log key is opened (the Workers build). */
  log?: TransparencyLog;
  /** Skip the per-request log line (benchmarks). */
  quietRequests?: boolean;
  /** How the site challenges are checked (Art. 10.2, issue 15): the system's resolvers unless a shell stands in. */
  siteCheck?: ChallengeCheckDeps;
  /**
   * `public`: only what the public and vendor pages read (registry, verification, mark, badge, QR, JWKS,
   * widget, inquiries): the Workers build, where the staff API, sightings and image checks do not run.
   */
  surface?: 'all' | 'public';
}

/** Arts. 7, 19, 20 (DOMAIN.md, "Who may see and do what"). */
export type StaffRole = 'admin' | 'reviewer' | 'auditor' | 'delegate' | 'committee';

export interface Staff {
  id: string;
  name: string;
  role: StaffRole;
  /** The services a `delegate` or `committee` token is assigned to; null: every service. */
  scope: ReadonlySet<string> | null;
}

/** The one environment type of every Hono app and sub-app. */
export interface AppEnv {
  Variables: {
    deps: AppDeps;
    requestId: string;
    staff: Staff;
    /** The route's answer carries every header already (sealedResponse): middlewares add none. */
    sealed: boolean;
    /** Aborted when the request's deadline passes (src/http/deadline.ts). */
    signal: AbortSignal;
  };
}
