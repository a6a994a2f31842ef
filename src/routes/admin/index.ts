import { auditLogRoutes } from './audit-log';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../../errors';
import { newRouter } from '../../http/router';
import { staffAuth } from '../../http/staff-auth';
import { inquiryAdminRoutes } from '../public/inquiries-admin';
import { caseRoutes } from './cases';
import { crawlerKeyRoutes } from './crawler-keys';
import { delegationRoutes } from './delegation';
import { noticeRoutes } from './notices';
import { originProofRoutes } from './origin-proofs';
import { documentRoutes } from './documents';
import { eventRoutes } from './events';
import { lifecycleRoutes } from './lifecycle';
import { revocationRoutes } from './revocations';
import { oversightRoutes } from './oversight';
import { serviceRoutes } from './services';
import { staffTokenRoutes } from './staff-tokens';
import { vendorRoutes } from './vendors';
import { adminKeyRoutes } from './keys';
import { adminTokenRoutes } from './tokens';

/** The staff API: every route behind a bearer staff token. */
export function adminRoutes() {
  const r = newRouter();
  r.use('*', staffAuth);
  // An application's items at their largest fit well inside this; anything bigger is refused before it is read.
  r.use(
    '*',
    bodyLimit({
      maxSize: 4 * 1024 * 1024,
      onError: () => {
        throw new AppError('too_large', 'the request body is larger than 4 MiB');
      },
    }),
  );
  r.route('/inquiries', inquiryAdminRoutes());
  r.openAPIRegistry.registerComponent('securitySchemes', 'staffToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'a staff token (roles admin, reviewer, auditor; delegate and committee reach only their assigned services)',
  });
  r.route('/', vendorRoutes());
  r.route('/', serviceRoutes());
  r.route('/', lifecycleRoutes());
  r.route('/', revocationRoutes());
  r.route('/', oversightRoutes());
  r.route('/', eventRoutes());
  r.route('/', auditLogRoutes());
  r.route('/', staffTokenRoutes());
  r.route('/', delegationRoutes());
  r.route('/', noticeRoutes());
  r.route('/', originProofRoutes());
  r.route('/', documentRoutes());
  r.route('/', crawlerKeyRoutes());
  r.route('/', caseRoutes());
  r.route('/', adminTokenRoutes());
  r.route('/', adminKeyRoutes());
  return r;
}
