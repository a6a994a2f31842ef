#!/usr/bin/env node
// `npx certmark …`: the CLI, in TypeScript, run through tsx (src/cli/main.ts).
import { register } from 'tsx/esm/api';

register();
const { runProcess } = await import(new URL('../src/cli/main.ts', import.meta.url).href);
process.exit(await runProcess(process.argv.slice(2)));
