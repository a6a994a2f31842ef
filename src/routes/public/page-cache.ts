import { randomBytes } from 'node:crypto';
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { PublicService } from '../../publication/public-service';
import type { Lang } from '../../views/i18n';
import { LRUCache } from 'lru-cache';

type Slots = { checkedAt: Child; referer: Child };

/** A page cut at its per-request parts, kept as UTF-8 bytes so a request only copies them. */
interface Cut {
  head: Buffer;
  middle: Buffer;
  tail: Buffer;
}

/**
 * The verification page is the same for every reader but for two small parts (the check time and the Referer
 * notice). It is rendered once per service, language and registry snapshot, with markers where those parts go;
 * a marker holds a per-process random nonce inside an HTML comment, which escaped vendor text can never form.
 */
export function slottedPages(render: (s: PublicService, lang: Lang, slots: Slots) => Promise<string>) {
  const nonce = randomBytes(12).toString('hex');
  const marker = { checkedAt: `<!--checked-at:${nonce}-->`, referer: `<!--referer:${nonce}-->` };
  // A new snapshot makes new PublicService objects, so outdated pages fall out with them.
  const pages = new WeakMap<PublicService, Partial<Record<Lang, Promise<Cut>>>>();
  const cut = async (s: PublicService, lang: Lang): Promise<Cut> => {
    const html = await render(s, lang, { checkedAt: raw(marker.checkedAt), referer: raw(marker.referer) });
    const [head, rest] = html.split(marker.referer) as [string, string];
    const [middle, tail] = rest.split(marker.checkedAt) as [string, string];
    return { head: Buffer.from(head), middle: Buffer.from(middle), tail: Buffer.from(tail) };
  };
  return async (s: PublicService, lang: Lang, fill: { checkedAt: string; referer: string }): Promise<Buffer> => {
    let byLang = pages.get(s);
    if (!byLang) pages.set(s, (byLang = {}));
    const parts = byLang[lang] ?? (byLang[lang] = cut(s, lang));
    parts.catch(() => delete byLang[lang]);
    const { head, middle, tail } = await parts;
    return Buffer.concat([head, Buffer.from(fill.referer), middle, Buffer.from(fill.checkedAt), tail]);
  };
}

/** A small memo for the per-request fragments (a few kinds of Referer verdict, one check time per second). */
export function memo<T>(limit: number, make: (key: string) => T): (key: string) => T {
  const m = new LRUCache<string, { v: T }>({ max: limit });
  return (key) => {
    let hit = m.get(key);
    if (hit === undefined) {
      hit = { v: make(key) };
      m.set(key, hit);
    }
    return hit.v;
  };
}
