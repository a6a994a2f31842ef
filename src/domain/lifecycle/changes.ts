import type { CalendarDate } from '../calendar';
import { disclosureDigests } from '../disclosure';
import * as services from '../../repositories/services';
import type { DisclosureItemInput } from '../../repositories/services';
import { checkDisclosureItems, nextDisclosureVersion } from './application';
import { enteredDay, onService, requireStatus, type LifecycleContext } from './context';

const OPEN: Parameters<typeof requireStatus>[1] = ['applied', 'certified', 'renewal_pending', 'expired'];

/** Art. 13.1: a change of application content creates a new version; history is kept. */
export async function changeDisclosure(
  ctx: LifecycleContext,
  serviceId: string,
  input: { items: DisclosureItemInput[]; note: string; receivedOn?: CalendarDate | null },
) {
  checkDisclosureItems(input.items);
  return onService(ctx, serviceId, async (v) => {
    requireStatus(v, OPEN, 'Art. 13.1', 'a change notice');
    const before = new Map((await services.disclosureItems(v.tx, serviceId)).map((i) => [i.key, i]));
    const changedKeys = input.items
      .filter((i) => {
        const b = before.get(i.key);
        return (
          !b ||
          b.value_ja !== i.valueJa ||
          b.value_en !== i.valueEn ||
          b.label_ja !== i.labelJa ||
          b.label_en !== i.labelEn ||
          b.withheld !== i.withheld ||
          b.withheld_reason !== i.withheldReason
        );
      })
      .map((i) => i.key);
    const removed = [...before.keys()].filter((k) => !input.items.some((i) => i.key === k));
    const version = nextDisclosureVersion(v);
    return {
      events: [
        {
          type: 'disclosure.changed',
          payload: {
            version,
            changedKeys: [...changedKeys, ...removed],
            note: input.note,
            items: disclosureDigests(input.items),
            receivedOn: enteredDay(v, input.receivedOn, 'receivedOn', 'the day the change notice arrived'),
          },
        },
      ],
      project: async (tx, written) => {
        await services.insertDisclosureVersion(tx, serviceId, version, input.items, written[0]!.id);
        return { version };
      },
    };
  });
}

/** Art. 10.2: the statuses in which the registered sites may change (and a site may be proved, issue 15). */
export const SITES_MAY_CHANGE: Parameters<typeof requireStatus>[1] = [null, 'refused', ...OPEN];

/** Art. 10.2: the web origins where the service's mark may appear. */
export async function changeOrigins(ctx: LifecycleContext, serviceId: string, origins: string[]) {
  return onService(ctx, serviceId, (v) => {
    requireStatus(v, SITES_MAY_CHANGE, 'Art. 10.2', 'a change of registered sites');
    return {
      events: [{ type: 'service.origins_changed', payload: { origins } }],
      project: async (tx) => services.replaceOrigins(tx, serviceId, origins, v.now),
    };
  });
}
