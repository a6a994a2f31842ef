import { crc32, deflateSync } from 'node:zlib';
import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { decodeImage, sniffImageType } from '../../src/detection/decode.js';
import { DEFAULT_IMAGE_LIMITS } from '../../src/detection/limits.js';

const solid = (format: 'png' | 'jpeg' | 'webp' | 'gif', width = 40, height = 30) =>
  sharp({ create: { width, height, channels: 4, background: { r: 11, g: 110, b: 138, alpha: 1 } } })
    [format]()
    .toBuffer();

const png = await solid('png');
const jpeg = await solid('jpeg');
const webp = await solid('webp');
const gif = await solid('gif');
const svg = (body: string, attrs = 'width="40" height="30"') =>
  Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" ${attrs}>${body}</svg>`);
const okSvg = svg('<defs><path id="a" d="M0 0H40V30H0Z"/></defs><use xlink:href="#a" fill="#0b6e8a"/>');

/** A PNG whose header declares `width` x `height` but whose data is tiny (a pixel flood). */
function floodPng(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(1024))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function refusal(bytes: Buffer, limits = DEFAULT_IMAGE_LIMITS): Promise<AppError> {
  try {
    await decodeImage(bytes, limits);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected the image to be refused');
}

describe('image type by magic bytes, never by name or declared type', () => {
  it('recognises PNG, JPEG, WebP, GIF and SVG', () => {
    expect(sniffImageType(png)).toBe('png');
    expect(sniffImageType(jpeg)).toBe('jpeg');
    expect(sniffImageType(webp)).toBe('webp');
    expect(sniffImageType(gif)).toBe('gif');
    expect(sniffImageType(okSvg)).toBe('svg');
    expect(sniffImageType(Buffer.from(`\uFEFF<?xml version="1.0"?>\n<!-- logo -->\n${okSvg.toString()}`))).toBe('svg');
  });

  it('recognises nothing else', () => {
    expect(sniffImageType(Buffer.from('%PDF-1.7\n'))).toBeNull();
    expect(sniffImageType(Buffer.from('<html><body><svg></svg></body></html>'))).toBeNull();
    expect(sniffImageType(Buffer.from([0x50, 0x4b, 0x03, 0x04]))).toBeNull();
    expect(sniffImageType(Buffer.alloc(0))).toBeNull();
  });
});

describe('decoding a sighting image', () => {
  it.each([
    ['png', png],
    ['jpeg', jpeg],
    ['webp', webp],
    ['gif', gif],
  ] as const)('decodes %s to 4-channel RGBA with its hash, and keeps clean evidence', async (type, bytes) => {
    const img = await decodeImage(bytes);
    expect(img).toMatchObject({ type, width: 40, height: 30 });
    expect(img.rgba.length).toBe(40 * 30 * 4);
    expect(img.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(img.evidence.type).toBe(type === 'jpeg' ? 'jpeg' : 'png');
    expect(sniffImageType(img.evidence.bytes)).toBe(img.evidence.type);
  });

  it('strips metadata from the evidence of a PNG', async () => {
    const tagged = await sharp(png)
      .withMetadata({ exif: { IFD0: { Copyright: 'secret-marker' } } })
      .png()
      .toBuffer();
    expect(tagged.includes('secret-marker')).toBe(true);
    const img = await decodeImage(tagged);
    expect(img.evidence.bytes.includes('secret-marker')).toBe(false);
  });

  // a JPEG re-encoded as PNG took 8 times the bytes (10 KB to 80 KB on the corpus) and a PNG encode per sighting
  it('keeps a JPEG as received but for its metadata (EXIF, XMP, comments): the same pixels, no secret left', async () => {
    const tagged = await sharp(png)
      .withExif({ IFD0: { Copyright: 'secret-marker', ImageDescription: 'exif-marker' } })
      .jpeg({ quality: 80 })
      .toBuffer();
    expect((await sharp(tagged).metadata()).hasProfile).toBeFalsy();
    const withComment = Buffer.concat([tagged.subarray(0, 2), Buffer.from([0xff, 0xfe, 0x00, 0x10]), Buffer.from('comment-marker'), tagged.subarray(2)]);
    expect(withComment.includes('secret-marker') && withComment.includes('comment-marker')).toBe(true);
    const img = await decodeImage(withComment);
    expect(img.evidence.type).toBe('jpeg');
    for (const marker of ['secret-marker', 'exif-marker', 'comment-marker', 'Exif']) expect(img.evidence.bytes.includes(marker), marker).toBe(false);
    expect(img.evidence.bytes.length).toBeLessThan(withComment.length);
    const again = await decodeImage(img.evidence.bytes);
    expect(again.rgba.equals(img.rgba)).toBe(true);
  });

  it('re-encodes as PNG a JPEG whose pixels its metadata changes (an EXIF turn, an ICC profile)', async () => {
    const turned = await sharp(await sharp(png).jpeg().toBuffer())
      .withMetadata({ orientation: 6 })
      .toBuffer();
    expect((await sharp(turned).metadata()).orientation).toBe(6);
    const img = await decodeImage(turned);
    expect([img.width, img.height]).toEqual([30, 40]);
    expect(img.evidence.type).toBe('png');
    expect((await sharp(img.evidence.bytes).metadata()).width).toBe(30);
    const profiled = await sharp(png).withIccProfile('p3').jpeg().toBuffer();
    expect((await sharp(profiled).metadata()).hasProfile).toBe(true);
    expect((await decodeImage(profiled)).evidence.type).toBe('png');
  });

  it('keeps a PNG that holds only image chunks as it is, and re-encodes one with a text chunk', async () => {
    const plain = await sharp(png).png().toBuffer();
    expect((await decodeImage(plain)).evidence.bytes.equals(plain)).toBe(true);
    // a tEXt chunk inserted before IEND (a valid chunk with its CRC)
    const data = Buffer.from('Comment\0secret-marker', 'latin1');
    const chunk = Buffer.alloc(12 + data.length);
    chunk.writeUInt32BE(data.length, 0);
    chunk.write('tEXt', 4, 'latin1');
    data.copy(chunk, 8);
    chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
    const withText = Buffer.concat([plain.subarray(0, plain.length - 12), chunk, plain.subarray(plain.length - 12)]);
    const img = await decodeImage(withText);
    expect(img.evidence.bytes.includes('secret-marker')).toBe(false);
    expect(sniffImageType(img.evidence.bytes)).toBe('png');
  });

  it('takes the first frame of an animated GIF', async () => {
    const frames = Buffer.concat([Buffer.alloc(20 * 10 * 4, 255), Buffer.alloc(20 * 10 * 4, 0)]);
    const animated = await sharp(frames, { raw: { width: 20, height: 20, channels: 4, pageHeight: 10 } })
      .gif({ loop: 0 })
      .toBuffer();
    expect((await sharp(animated).metadata()).pages).toBe(2);
    const img = await decodeImage(animated);
    expect([img.width, img.height]).toEqual([20, 10]);
  });

  it('rasterises a plain SVG with same-document references, within bounds', async () => {
    const img = await decodeImage(okSvg);
    expect(img.type).toBe('svg');
    expect(img.width).toBeGreaterThanOrEqual(256);
    const huge = await decodeImage(svg('<rect width="10" height="10"/>', 'width="90000" height="60000" viewBox="0 0 90 60"'));
    expect(Math.max(huge.width, huge.height)).toBeLessThanOrEqual(DEFAULT_IMAGE_LIMITS.svgRasterMaxSide);
  });
});

describe('bounded intake: refusals, each with the right kind', () => {
  it('refuses more bytes than the limit before looking at them', async () => {
    const e = await refusal(png, { ...DEFAULT_IMAGE_LIMITS, maxBytes: 100 });
    expect(e.kind).toBe('too_large');
    expect(e.field).toBe('image');
  });

  it('refuses a pixel flood (huge declared dimensions) from the header, before decoding', async () => {
    expect((await refusal(floodPng(100_000, 100_000))).kind).toBe('too_large');
    expect((await refusal(floodPng(5000, 5000))).kind).toBe('too_large');
  });

  it('refuses a truncated PNG as invalid', async () => {
    const big = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
      .png()
      .toBuffer();
    expect((await refusal(big.subarray(0, Math.floor(big.length / 2)))).kind).toBe('invalid');
  });

  it('refuses a file whose name says image but whose bytes are something else', async () => {
    // the name "logo.png" and a declared image/png are irrelevant: only the bytes count
    expect((await refusal(Buffer.from('%PDF-1.7\n1 0 obj\n'))).kind).toBe('unsupported_media_type');
    expect((await refusal(Buffer.from('<html><body>not an image</body></html>'))).kind).toBe('unsupported_media_type');
  });

  it('refuses JPEG bytes behind a PNG header', async () => {
    const forged = Buffer.concat([png.subarray(0, 8), jpeg]);
    expect((await refusal(forged)).kind).toBe('invalid');
  });

  it.each([
    ['a script', svg('<script>alert(1)</script><rect width="4" height="4"/>')],
    ['a namespaced script', svg('<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script>')],
    ['an event handler', svg('<rect width="4" height="4" onclick="alert(1)"/>')],
    ['an event handler after a slash', Buffer.from('<svg/onload=alert(1) xmlns="http://www.w3.org/2000/svg"></svg>')],
    ['an external href', svg('<use href="https://evil.example/x.svg#a"/>')],
    ['an external xlink:href', svg('<use xlink:href="file:///etc/passwd"/>')],
    ['a foreignObject', svg('<foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject>')],
    [
      'an ENTITY (XXE)',
      Buffer.from(
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
      ),
    ],
    [
      'a DOCTYPE',
      Buffer.from(
        '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg xmlns="http://www.w3.org/2000/svg"/>',
      ),
    ],
    ['an embedded image', svg('<image href="#a" width="4" height="4"/>')],
    ['a CSS @import', svg('<style>@import url(#x);</style>')],
    ['an external url()', svg('<rect width="4" height="4" style="fill:url(https://evil.example/p.svg#g)"/>')],
    ['a data: URL', svg('<rect width="4" height="4" style="fill:url(data:image/svg+xml;base64,AAAA)"/>')],
    ['an HTML/SVG polyglot', svg('<html xmlns="http://www.w3.org/1999/xhtml"><body><script>alert(1)</script></body></html>')],
  ])('refuses SVG with %s', async (_what, bytes) => {
    expect((await refusal(bytes)).kind).toBe('unsupported_media_type');
  });

  it('refuses SVG that is not UTF-8 text', async () => {
    const utf16 = Buffer.from(okSvg.toString('utf8'), 'utf16le');
    const e = await refusal(Buffer.concat([Buffer.from('<svg '), utf16]));
    expect(e.kind).toBe('unsupported_media_type');
  });

  it('refuses an HTML page that embeds an SVG (not an SVG document)', async () => {
    const page = Buffer.from(`<html><body>${okSvg.toString()}<script>alert(1)</script></body></html>`);
    expect((await refusal(page)).kind).toBe('unsupported_media_type');
  });

  it('never fails with anything but an AppError, whatever the bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(png, jpeg, gif, webp, okSvg),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.nat(),
        async (base, flips, cut) => {
          const bytes = Buffer.from(base);
          for (const [at, value] of flips) bytes[at % bytes.length] = value;
          const input = cut % 3 === 0 ? bytes.subarray(0, cut % bytes.length) : bytes;
          try {
            const img = await decodeImage(input);
            expect(img.rgba.length).toBe(img.width * img.height * 4);
          } catch (error) {
            expect(error).toBeInstanceOf(AppError);
          }
        },
      ),
      { numRuns: 120, seed: 20241125 },
    );
  });
});
