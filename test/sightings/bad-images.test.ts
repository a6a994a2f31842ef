import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../support/app';
import { countRows, crawlerKey, markPng, postSighting } from './support';

let t: TestApp;
let key: string;
beforeAll(async () => {
  t = await testApp();
  key = (await crawlerKey(t)).key;
});
afterAll(async () => t.close());

const chunk = (type: string, data: Buffer) => {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
};

/** A small PNG whose header claims width x height: decoding it would take gigabytes. */
function pixelFloodPng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = deflateSync(Buffer.alloc((width * 3 + 1) * 4)); // a few rows of zeros; the rest is "to come"
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', rows),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function gifHeader(width: number, height: number): Buffer {
  const b = Buffer.alloc(13);
  b.write('GIF89a', 0, 'latin1');
  b.writeUInt16LE(width, 6);
  b.writeUInt16LE(height, 8);
  return Buffer.concat([b, Buffer.from([0x2c, 0, 0, 0, 0, width & 0xff, width >> 8, height & 0xff, height >> 8, 0, 2, 2, 0x4c, 0x01, 0, 0x3b])]);
}

const svg = (inner: string, prolog = '') =>
  Buffer.from(
    `${prolog}<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100" height="100">${inner}<circle cx="50" cy="50" r="40" fill="#0b6e8a"/></svg>`,
  );

async function expectRefused(image: Buffer, status: number, options: { fileName?: string; fileType?: string } = {}) {
  const before = await countRows(t);
  const res = await postSighting(t, key, { image, pageUrl: 'https://bad.example/', ...options });
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(await countRows(t)).toEqual(before);
  return (await res.json()) as { code: string; field?: string };
}

describe('bad images are refused with a 4xx and nothing is stored', () => {
  it('refuses a pixel flood by its header, before decoding (PNG)', async () => {
    const body = await expectRefused(pixelFloodPng(60_000, 60_000), 413);
    expect(body).toMatchObject({ code: 'too_large', field: 'image' });
  });

  it('refuses a pixel flood by its header, before decoding (GIF)', async () => {
    await expectRefused(gifHeader(65_000, 65_000), 413);
  });

  it('refuses a body over the bound before reading all of it', async () => {
    await expectRefused(Buffer.alloc(6 * 1024 * 1024, 0x89), 413);
  });

  it('refuses a truncated PNG', async () => {
    const png = await markPng('colour', 256);
    await expectRefused(png.subarray(0, Math.floor(png.length / 2)), 400);
  });

  it('refuses a truncated JPEG', async () => {
    const jpeg = await sharp(await markPng('colour', 256))
      .flatten({ background: '#ffffff' })
      .jpeg()
      .toBuffer();
    await expectRefused(jpeg.subarray(0, Math.floor(jpeg.length / 2)), 400);
  });

  it('judges by the bytes, not a lying file name or Content-Type', async () => {
    await expectRefused(Buffer.from('<html><body>hello</body></html>'), 415, { fileName: 'mark.png', fileType: 'image/png' });
    await expectRefused(Buffer.from('#!/bin/sh\necho pwned\n'), 415, { fileName: 'mark.svg', fileType: 'image/svg+xml' });
    // and a real image under a false name is still the image it is
    const jpeg = await sharp(await markPng('colour', 128))
      .flatten({ background: '#ffffff' })
      .jpeg()
      .toBuffer();
    const res = await postSighting(t, key, { image: jpeg, fileName: 'notes.txt', fileType: 'text/plain', pageUrl: 'https://bad.example/jpeg' });
    expect(res.status).toBe(201);
  });

  it('refuses an SVG with a script or an event handler', async () => {
    await expectRefused(svg('<script>alert(1)</script>'), 415);
    await expectRefused(svg('<rect width="10" height="10" onload="alert(1)"/>'), 415);
  });

  it('refuses an SVG with external references', async () => {
    await expectRefused(svg('<image href="https://evil.example/x.png" width="10" height="10"/>'), 415);
    await expectRefused(svg('<use xlink:href="file:///etc/passwd#x"/>'), 415);
    await expectRefused(svg('<style>@import url(https://evil.example/a.css);</style>'), 415);
    await expectRefused(svg('<rect width="10" height="10" fill="url(https://evil.example/p.svg#g)"/>'), 415);
    await expectRefused(svg('', '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'), 415);
  });

  it('refuses an SVG with foreignObject', async () => {
    await expectRefused(svg('<foreignObject width="100" height="100"><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject>'), 415);
  });

  it('refuses polyglots: an image with a document or an archive after its end', async () => {
    const png = await markPng('colour', 64);
    await expectRefused(Buffer.concat([png, Buffer.from('<html><script>alert(document.domain)</script></html>')]), 415);
    await expectRefused(Buffer.concat([png, Buffer.from('PK\u0003\u0004'), Buffer.alloc(200, 7)]), 415);
    const gif = await sharp(png).gif().toBuffer();
    await expectRefused(Buffer.concat([gif, Buffer.from('*/=alert(1);//')]), 415);
    const jpeg = await sharp(png).flatten({ background: '#ffffff' }).jpeg().toBuffer();
    await expectRefused(Buffer.concat([jpeg, Buffer.from('<?php system($_GET["c"]); ?>')]), 415);
  });

  it('refuses a GIF/JavaScript polyglot that is no image', async () => {
    await expectRefused(Buffer.from('GIF89a/*\u0001\u0001\u0000\u0000*/=alert(1)//;'), 400);
  });

  it('refuses empty and missing images', async () => {
    await expectRefused(Buffer.alloc(0), 400);
  });
});
