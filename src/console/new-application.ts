/**
 * Art. 4, 5 as a console form: a new application, with its vendor (picked, or registered as the API registers
 * vendors) and its service registered first, all in one transaction, through the staff API's domain functions.
 */
import { z } from '@hono/zod-openapi';
import { apply, registerService, registerVendor } from '../domain/lifecycle/application';
import type { StaffRole } from '../http/env';
import { ApplicationRequest, id, NewService, NewVendor } from '../routes/admin/schemas';
import type { OpDef } from './operation-defs';

/** Art. 4, 5 with the vendor and the service registered as the API registers them (one transaction). */
export const NEW_APPLICATION: OpDef = {
  op: 'application',
  article: 'Art. 4',
  roles: ['admin', 'reviewer'],
  fields: [
    { name: 'vendorId', kind: 'select', optional: true },
    { name: 'vendor.nameJa', kind: 'text', max: 200 },
    { name: 'vendor.nameEn', kind: 'text', optional: true, max: 200 },
    { name: 'vendor.noticeEmails', kind: 'lines' },
    { name: 'vendor.language', kind: 'select', options: ['ja', 'en'] },
    { name: 'service.nameJa', kind: 'text', max: 200 },
    { name: 'service.nameEn', kind: 'text', optional: true, max: 200 },
    { name: 'service.origins', kind: 'lines' },
    { name: 'service.continues', kind: 'text', optional: true, max: 100 },
    { name: 'application.documents', kind: 'lines' },
    { name: 'application.feePaid', kind: 'checkbox' },
    { name: 'application.items', kind: 'items' },
    { name: 'application.receivedOn', kind: 'date', optional: true },
  ],
  schema: z.object({
    vendorId: id().nullable(),
    vendor: NewVendor.nullable(),
    service: NewService.omit({ vendorId: true }),
    application: ApplicationRequest,
  }),
  // a vendor picked from the list: the new vendor's fields are moot; `feePaid` unticked stays false (the schema says why)
  // Art. 8 on the offering: empty is not answered (the domain asks when it must), `new` a new offering, else the id
  shape: (b) => {
    const { continues, ...service } = b.service;
    const answer = continues === null ? {} : { continues: String(continues).trim() === 'new' ? null : String(continues).trim() };
    return { ...b, service: { ...service, ...answer }, vendor: b.vendorId === null ? b.vendor : null };
  },
  fieldOf: (f) => (f === 'continues' ? 'service.continues' : f.startsWith('items.') || f === 'receivedOn' || f === 'feePaid' ? `application.${f}` : f),
  offered: () => false,
  run: async (ctx, _sid, input) => {
    const vendorId: string = input.vendorId ?? (await registerVendor(ctx, input.vendor)).id;
    const { id: serviceId } = await registerService(ctx, { vendorId, ...input.service });
    await apply(ctx, serviceId, input.application);
    return { serviceId };
  },
};

export const mayApply = (role: StaffRole) => NEW_APPLICATION.roles.includes(role);
