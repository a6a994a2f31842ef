/**
 * The console's one script (src/console/client/passkey.ts with @simplewebauthn/browser), bundled by esbuild on
 * first use and kept: createApp does no I/O, and only the sign-in and enrolment pages ask for it. Where esbuild is
 * not installed the script is absent; the password and TOTP sign-in works without it.
 */
import { createHash } from 'node:crypto';
import { fromRoot } from '../paths';

/** Resolved when first built, never at import: the Workers bundle imports this module and has no file URLs. */
const entry = () => fromRoot('src', 'console', 'client', 'passkey.ts');

export interface ConsoleScript {
  code: string;
  etag: string;
}

let built: Promise<ConsoleScript | null> | null = null;

export function consoleScript(): Promise<ConsoleScript | null> {
  built ??= build().catch(() => null);
  return built;
}

async function build(): Promise<ConsoleScript> {
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
    logLevel: 'silent',
  });
  const code = out.outputFiles[0]?.text;
  if (!code) throw new Error('esbuild produced no console script');
  return { code, etag: `"${createHash('sha256').update(code).digest('base64url').slice(0, 22)}"` };
}
