import { createRoute, z } from '@hono/zod-openapi';
import { changeVendorNoticeSettings, registerVendor } from '../../domain/lifecycle/application';
import { staffVendorView, vendorList } from '../../domain/lifecycle/staff-view';
import { newRouter } from '../../http/router';
import { Created, IdParam, NewVendor, NoticeSettingsRequest, Vendor, VendorWithContact } from './schemas';
import { jsonBody, jsonOk, lifecycleContext, problems, security, staffReader, TAG } from './shared';

const VendorParam = IdParam('vendor', 'the vendor id');

/** Vendors (事業者). Their contact people are confidential (Art. 20): only the single-vendor read shows them, audited. */
export function vendorRoutes() {
  const r = newRouter();

  r.openapi(
    createRoute({
      method: 'get',
      path: '/vendors',
      tags: [TAG],
      security,
      summary: 'Every vendor (without contact details)',
      responses: { 200: jsonOk(z.object({ vendors: z.array(Vendor) }), 'the vendors'), 401: problems[401] },
    }),
    async (c) => c.json({ vendors: await vendorList(c.get('deps').database.db) }, 200),
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/vendors',
      tags: [TAG],
      security,
      summary: 'Register a vendor',
      request: jsonBody(NewVendor),
      responses: { 201: jsonOk(Created, 'registered'), 400: problems[400], 401: problems[401], 403: problems[403] },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const { id } = await registerVendor(lifecycleContext(c), input);
      return c.json({ id }, 201);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/vendors/{vendor}',
      tags: [TAG],
      security,
      summary: 'One vendor with its contact details (confidential, Art. 20: the read is audited)',
      request: { params: VendorParam },
      responses: { 200: jsonOk(VendorWithContact, 'the vendor'), 401: problems[401], 404: problems[404] },
    }),
    async (c) => {
      const { vendor: id } = c.req.valid('param') as { vendor: string };
      return c.json(await staffVendorView(staffReader(c), id), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'put',
      path: '/vendors/{vendor}/notice-settings',
      tags: [TAG],
      security,
      summary: 'Where the vendor’s written notices go (several addresses allowed) and their language',
      request: { params: VendorParam, ...jsonBody(NoticeSettingsRequest) },
      responses: { 204: { description: 'changed' }, 400: problems[400], 401: problems[401], 403: problems[403], 404: problems[404] },
    }),
    async (c) => {
      const { vendor: id } = c.req.valid('param') as { vendor: string };
      await changeVendorNoticeSettings(lifecycleContext(c), id, c.req.valid('json'));
      return c.body(null, 204);
    },
  );

  return r;
}
