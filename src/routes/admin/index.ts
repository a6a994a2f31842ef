import { newRouter } from '../../http/router';
import { staffAuth } from '../../http/staff-auth';
import { inquiryAdminRoutes } from '../public/inquiries-admin';

/** The staff API: every route behind a bearer staff token. */
export function adminRoutes() {
  const r = newRouter();
  r.use('*', staffAuth);
  r.route('/inquiries', inquiryAdminRoutes());
  return r;
}
