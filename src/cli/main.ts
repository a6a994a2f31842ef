import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config';
import type { Database } from '../db/database';
import { DataDirLockedError } from '../db/lock';
import { openDatabase } from '../db/open';
import { apiClient, CliError, type ApiClient } from './api';
import type { Command, CommandContext, OptionSpec } from './command';
import { UsageError } from './command';
import { commands } from './commands/index';
import { CliConfigError, loadCliConfig, processEnvironment, type CliConfig } from './config';

/** What the CLI touches of the world; tests pass their own. */
export interface CliIo {
  env: Record<string, string | undefined>;
  cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
  fetch?: typeof fetch;
  openDatabase?: (config: Config) => Promise<Database>;
}

const GLOBAL: Record<string, OptionSpec> = {
  json: { type: 'boolean', description: 'print JSON' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
};

/** The command named by the longest run of leading words, and the rest of the command line. */
export function findCommand(argv: string[], list: readonly Command[] = commands): { command: Command; rest: string[] } | null {
  // The leading words, skipping global flags (`certmark --json services` works too).
  const at: number[] = [];
  for (const [i, a] of argv.entries()) {
    if (a === '--json' || a === '--help' || a === '-h') continue;
    if (a.startsWith('-')) break;
    at.push(i);
  }
  for (let n = at.length; n > 0; n--) {
    const name = at
      .slice(0, n)
      .map((i) => argv[i])
      .join(' ');
    const command = list.find((c) => c.name === name);
    if (command) return { command, rest: argv.filter((_, i) => !at.slice(0, n).includes(i)) };
  }
  return null;
}

function usageOf(c: Command): string {
  const lines = [`usage: certmark ${c.name} ${c.usage}`.trimEnd(), `  ${c.summary}`];
  for (const [name, o] of Object.entries(c.options ?? {}))
    lines.push(`  --${name}${o.type === 'string' ? ' {value}' : ''}${o.multiple ? ' …' : ''}  ${o.description}`);
  lines.push('  --json  print JSON');
  return lines.join('\n');
}

export function helpText(list: readonly Command[] = commands): string {
  const width = Math.max(...list.map((c) => c.name.length));
  return [
    'certmark: drives a running certmark server through the staff API (CERTMARK_URL, CERTMARK_TOKEN)',
    '',
    ...list.map((c) => `  certmark ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'certmark help {command} shows a command’s options; --json prints JSON.',
  ].join('\n');
}

/** Runs one command line; returns the exit code (0 done, 1 failed, 2 bad command line or setup). */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const out = (s: string) => io.stdout(s.endsWith('\n') ? s : `${s}\n`);
  const err = (s: string) => io.stderr(s.endsWith('\n') ? s : `${s}\n`);
  if (argv.length === 0) {
    err(helpText()); // no command is bad usage
    return 2;
  }
  if (argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    const target = argv[0] === 'help' && argv.length > 1 ? findCommand(argv.slice(1)) : null;
    out(target ? usageOf(target.command) : helpText());
    return 0;
  }
  const found = findCommand(argv);
  if (!found) {
    err(`certmark: unknown command ${JSON.stringify(argv.filter((a) => !a.startsWith('-')).join(' '))}\n\n${helpText()}`);
    return 2;
  }
  const { command, rest } = found;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    const options = Object.fromEntries(
      Object.entries({ ...GLOBAL, ...(command.options ?? {}) }).map(([k, o]) => [
        k,
        { type: o.type, ...(o.multiple ? { multiple: true } : {}), ...(o.short ? { short: o.short } : {}) },
      ]),
    );
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  } catch (e) {
    err(`certmark ${command.name}: ${(e as Error).message}\n\n${usageOf(command)}`);
    return 2;
  }
  if (parsed.values.help) {
    out(usageOf(command));
    return 0;
  }
  const json = parsed.values.json === true;
  let cli: CliConfig | null = null;
  let api: ApiClient | null = null;
  const cliConfig = () => (cli ??= loadCliConfig(io.env, io.cwd));
  const ctx: CommandContext = {
    args: parsed.positionals,
    options: parsed.values,
    env: io.env,
    cwd: io.cwd,
    json,
    cliConfig,
    api: () => (api ??= apiClient(cliConfig(), io.fetch)),
    fetch: io.fetch ?? fetch,
    serverConfig: () => loadConfig(io.env),
    openDatabase: io.openDatabase ?? ((config) => openDatabase(config)),
    print: (value, text) => out(json ? JSON.stringify(value, null, 2) : text()),
    stdout: out,
    stderr: err,
    arg(index, name) {
      const v = parsed.positionals[index];
      if (!v) throw new UsageError(`missing ${name}`);
      return v;
    },
    required(option) {
      const v = parsed.values[option];
      if (typeof v !== 'string' || !v.trim()) throw new UsageError(`--${option} is required`);
      return v;
    },
  };
  try {
    return (await command.run(ctx)) ?? 0;
  } catch (e) {
    if (e instanceof UsageError) {
      err(`certmark ${command.name}: ${e.message}\n\n${usageOf(command)}`);
      return 2;
    }
    if (e instanceof CliError) {
      if (json && e.problem) out(JSON.stringify(e.problem, null, 2));
      err(`certmark ${command.name}: ${e.message}`);
      return e.exitCode;
    }
    if (e instanceof CliConfigError || e instanceof ConfigError || e instanceof DataDirLockedError) {
      err(`certmark ${command.name}: ${e.message}`);
      return 2;
    }
    err(`certmark ${command.name}: failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 1;
  }
}

/** The shell: the real process, its environment and streams. */
export async function runProcess(argv: string[]): Promise<number> {
  return run(argv, {
    env: processEnvironment(),
    cwd: process.cwd(),
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
  });
}

// `tsx src/cli/main.ts …` (npm run certmark) runs it directly; bin/certmark.mjs imports runProcess.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runProcess(process.argv.slice(2)).then((code) => process.exit(code));
}
