/** The system's headless Chromium (Debian's /usr/bin/chromium); the crawler never downloads a browser. */
import type { Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** `extraArgs`: more flags (the integration checker's network lock-down). */
export async function launchBrowser(executablePath: string = CHROMIUM_PATH, extraArgs: readonly string[] = []): Promise<Browser> {
  // imported when a browser is launched: loaded with the app, playwright-core costs every server process about
  // 80 MB (issue 17), and the Workers bundle cannot even load it
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath, args: [...CHROMIUM_ARGS, ...extraArgs], headless: true });
}
