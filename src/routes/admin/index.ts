import { newRouter } from '../../http/router';
import { staffAuth } from '../../http/staff-auth';

/** The staff API: every route behind a bearer staff token. */
export function adminRoutes() {
  const r = newRouter();
  r.use('*', staffAuth);
  return r;
}
