import { newRouter } from '../../http/router';
import { staffAuth } from '../../http/staff-auth';
import { inquiryAdminRoutes } from '../public/inquiries-admin';
import { eventRoutes } from './events';
import { lifecycleRoutes } from './lifecycle';
import { oversightRoutes } from './oversight';
import { serviceRoutes } from './services';
import { staffTokenRoutes } from './staff-tokens';
import { vendorRoutes } from './vendors';

/** The staff API: every route behind a bearer staff token. */
export function adminRoutes() {
  const r = newRouter();
  r.use('*', staffAuth);
  r.route('/inquiries', inquiryAdminRoutes());
  r.openAPIRegistry.registerComponent('securitySchemes', 'staffToken', { type: 'http', scheme: 'bearer', description: 'a staff token (roles admin, reviewer, auditor)' });
  r.route('/', vendorRoutes());
  r.route('/', serviceRoutes());
  r.route('/', lifecycleRoutes());
  r.route('/', oversightRoutes());
  r.route('/', eventRoutes());
  r.route('/', staffTokenRoutes());
  return r;
}
