import type { Logger } from 'pino';
import type { AppDeps } from '../app';

export type StaffRole = 'admin' | 'reviewer' | 'auditor';

export interface Staff {
  id: string;
  name: string;
  role: StaffRole;
}

/** The one environment type of every Hono app and sub-app. */
export interface AppEnv {
  Variables: {
    deps: AppDeps;
    logger: Logger;
    requestId: string;
    staff: Staff;
  };
}
