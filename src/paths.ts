/**
 * Where certmark's own files are (assets, the widget's and the console script's sources), from the package root:
 * the same whether the code runs from src/ under tsx (tests, the CLI) or from the bundle `npm start` runs
 * (dist/server/, built by `npm run build:server`). Found on first use, never at import (the Workers bundle
 * imports modules that name these files and has no file system).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | null = null;

/** The folder holding certmark's package.json. */
export function packageRoot(): string {
  if (root !== null) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`certmark's package.json is not above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  root = dir;
  return root;
}

/** A path inside the package, e.g. `fromRoot('assets', 'site.css')`. */
export const fromRoot = (...parts: string[]): string => join(packageRoot(), ...parts);
