import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWidget, GZIP_BUDGET_BYTES, readBuiltWidget, writeWidget, type WidgetBundle } from '../../widget/build';

let bundle: WidgetBundle;
beforeAll(async () => {
  bundle = await buildWidget();
});

describe('widget bundle size', () => {
  it(`stays within ${GZIP_BUDGET_BYTES} bytes gzipped`, () => {
    const gz = gzipSync(bundle.code, { level: 9 });
    expect(gunzipSync(gz).toString()).toBe(bundle.code);
    expect(bundle.gzipBytes).toBe(gz.length);
    expect(bundle.gzipBytes).toBeLessThanOrEqual(GZIP_BUDGET_BYTES);
  });
});

describe('widget bundle shape', () => {
  it('is one minified IIFE that only defines <certmark-badge>', () => {
    expect(bundle.code.startsWith('(()=>{')).toBe(true);
    expect(bundle.code.trimEnd().endsWith('})();')).toBe(true);
    expect(bundle.code.split('\n').filter(Boolean)).toHaveLength(1);
    expect(bundle.code).toContain('customElements.define("certmark-badge"');
  });

  it('keeps no state and tracks nothing: no cookies, no storage, no beacons, no inline HTML', () => {
    for (const word of ['cookie', 'localStorage', 'sessionStorage', 'indexedDB', 'caches.', 'sendBeacon', 'innerHTML', 'eval(', 'Function(']) {
      expect(bundle.code, word).not.toContain(word);
    }
    expect(bundle.code).toContain('credentials:"omit"');
  });

  it('names its content hash and Subresource Integrity from the bytes', () => {
    const digest = createHash('sha384').update(bundle.code).digest();
    expect(bundle.integrity).toBe(`sha384-${digest.toString('base64')}`);
    expect(bundle.hash).toBe(digest.toString('hex').slice(0, 16));
  });
});

describe('widget build output (dist/widget)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'certmark-widget-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('writes widget.js, widget.{hash}.js and a manifest the server can read back', async () => {
    const manifest = await writeWidget(bundle, dir);
    expect(manifest).toEqual({ file: `widget.${bundle.hash}.js`, hash: bundle.hash, integrity: bundle.integrity, gzipBytes: bundle.gzipBytes });
    expect(await readFile(join(dir, 'widget.js'), 'utf8')).toBe(bundle.code);
    expect(await readFile(join(dir, manifest.file), 'utf8')).toBe(bundle.code);
    expect(await readBuiltWidget(dir)).toEqual(bundle);
  });
});
