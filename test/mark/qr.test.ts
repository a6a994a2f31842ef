import QRCode from 'qrcode';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../support/app';
import { bytesOf, certifiedWithToken, get } from '../tokens/support';

/** A QR code for print use (Art. 10.1 allows print) that leads to the verification page (Art. 10.4). */
describe('GET /qr/{number}.svg|.png', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('encodes {base}/verify/{number}', async () => {
    const s = await certifiedWithToken(t);
    const r = await get(t, `/qr/${s.number}.svg`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    const expected = await QRCode.toString(`https://certmark.test/verify/${s.number}`, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
    expect((await bytesOf(r)).toString()).toBe(expected);
  });

  it('as PNG at the asked width', async () => {
    const s = await certifiedWithToken(t);
    const r = await get(t, `/qr/${s.number}.png?w=300`);
    expect(r.status).toBe(200);
    expect((await sharp(await bytesOf(r)).metadata()).width).toBe(300);
    expect((await get(t, `/qr/${s.number}.png?w=5`)).status).toBe(400);
  });

  it('answers 404 for a number no service holds, and for what is not a number', async () => {
    expect((await get(t, '/qr/MD-9999-9999.svg')).status).toBe(404);
    expect((await get(t, '/qr/whatever.svg')).status).toBe(404);
  });
});
