/**
 * The QR code for print use (Art. 10.1 allows the mark in print): it encodes the verification URL of Art. 10.4,
 * `{base}/verify/{number}`, so a reader of a brochure lands where the mark's validity is checked.
 */
import QRCode from 'qrcode';
import { LRUCache } from 'lru-cache';

const cache = new LRUCache<string, Promise<Buffer>>({ max: 512 });

function remember(key: string, make: () => Promise<Buffer>): Promise<Buffer> {
  let hit = cache.get(key);
  if (hit === undefined) {
    hit = make();
    hit.catch(() => cache.delete(key));
    cache.set(key, hit);
  }
  return hit;
}

/** Error correction M (15 %) survives a print smudge; a quiet zone of 4 modules as the standard asks. */
export function qrSvg(url: string): Promise<Buffer> {
  return remember(`svg:${url}`, async () => Buffer.from(await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 })));
}

export function qrPng(url: string, width: number): Promise<Buffer> {
  const w = Math.min(2048, Math.max(64, Math.round(width)));
  return remember(`png:${w}:${url}`, () => QRCode.toBuffer(url, { type: 'png', errorCorrectionLevel: 'M', margin: 4, width: w }));
}
