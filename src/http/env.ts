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
    requestId: string;
    staff: Staff;
    /** The route's answer carries every header already (sealedResponse): middlewares add none. */
    sealed: boolean;
    /** Aborted when the request's deadline passes (src/http/deadline.ts). */
    signal: AbortSignal;
  };
}
