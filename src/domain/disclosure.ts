/**
 * Art. 11.2, 13.1: each disclosure item's published value and withheld flag go on the chain as a digest in the
 * `disclosure.changed` event that makes the version, so an item edited in the database no longer matches.
 */
import { createHash } from 'node:crypto';
import type { DisclosureItemInput } from '../repositories/services';
import { canonicalJson } from './canonical-json';

/** An item's content, as applications and change notices give it. */
export type DisclosureItemContent = DisclosureItemInput;

/** SHA-256 of one item, in position order: what the event carries (the values themselves may be withheld). */
export function disclosureDigests(items: readonly DisclosureItemContent[]): string[] {
  return items.map((i) =>
    createHash('sha256')
      .update(canonicalJson([i.key, i.labelJa, i.labelEn, i.valueJa, i.valueEn, i.withheld, i.withheldReason]))
      .digest('hex'),
  );
}
