/**
 * Bundles the badge script (widget/src) with esbuild: one minified ES2020 IIFE, at most 5 KB gzipped.
 * `npm run build:widget` writes dist/widget/{widget.js, widget.{hash}.js, manifest.json} and fails over budget;
 * the server builds it in memory once at start (src/deps.ts), or reads dist/ where esbuild is not installed.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { fromRoot } from '../src/paths';

export const GZIP_BUDGET_BYTES = 5 * 1024;
const entry = () => fromRoot('widget', 'src', 'index.ts');
export const distDir = (): string => fromRoot('dist', 'widget');

export interface WidgetBundle {
  code: string;
  /** Content hash in the immutable file name `widget.{hash}.js`. */
  hash: string;
  /** Subresource Integrity of the code (`sha384-…`). */
  integrity: string;
  gzipBytes: number;
}

export interface WidgetManifest {
  file: string;
  hash: string;
  integrity: string;
  gzipBytes: number;
}

export function describeBundle(code: string): WidgetBundle {
  const sha384 = createHash('sha384').update(code).digest();
  return {
    code,
    hash: sha384.toString('hex').slice(0, 16),
    integrity: `sha384-${sha384.toString('base64')}`,
    gzipBytes: gzipSync(code, { level: 9 }).length,
  };
}

/** The bundle, made in memory by esbuild's JS API. */
export async function buildWidget(): Promise<WidgetBundle> {
  const esbuild = await import('esbuild');
  const out = await esbuild.build({
    entryPoints: [entry()],
    bundle: true,
    write: false,
    minify: true,
    format: 'iife',
    target: 'es2020',
    platform: 'browser',
    legalComments: 'none',
    // Our own private members (`_name`) get one-letter names; nothing outside the bundle sees them.
    mangleProps: /^_/,
    tsconfigRaw: { compilerOptions: { useDefineForClassFields: false } },
    logLevel: 'silent',
  });
  const file = out.outputFiles[0];
  if (!file) throw new Error('esbuild produced no output for the widget');
  return describeBundle(file.text);
}

/** The bundle written by `npm run build:widget`. */
export async function readBuiltWidget(dir: string = distDir()): Promise<WidgetBundle> {
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as WidgetManifest;
  const bundle = describeBundle(await readFile(join(dir, manifest.file), 'utf8'));
  if (bundle.integrity !== manifest.integrity) throw new Error(`${dir}${manifest.file} does not match its manifest`);
  return bundle;
}

let building: Promise<WidgetBundle> | undefined;

/** For the server: built once per process with esbuild, or read from dist/ where esbuild is not installed. */
export function loadWidgetBundle(): Promise<WidgetBundle> {
  building ??= buildWidget().catch((err: unknown) => {
    if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    return readBuiltWidget();
  });
  return building;
}

export async function writeWidget(bundle: WidgetBundle, dir: string = distDir()): Promise<WidgetManifest> {
  const manifest: WidgetManifest = { file: `widget.${bundle.hash}.js`, hash: bundle.hash, integrity: bundle.integrity, gzipBytes: bundle.gzipBytes };
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'widget.js'), bundle.code);
  await writeFile(join(dir, manifest.file), bundle.code);
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

async function main() {
  const bundle = await buildWidget();
  const manifest = await writeWidget(bundle);
  const within = bundle.gzipBytes <= GZIP_BUDGET_BYTES;
  process.stdout.write(
    `widget: ${bundle.code.length} bytes, ${bundle.gzipBytes} bytes gzipped (budget ${GZIP_BUDGET_BYTES}) -> dist/widget/${manifest.file}\n` +
      `integrity: ${bundle.integrity}\n`,
  );
  if (!within) {
    process.stderr.write(`widget: over the ${GZIP_BUDGET_BYTES}-byte gzip budget\n`);
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    process.stderr.write(`widget: build failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
