import type { Config } from '../config';
import type { Database } from '../db/database';
import type { ApiClient } from './api';
import type { CliConfig } from './config';

/** One option of a command, as node:util parseArgs takes it. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  /** One line for `certmark help {command}`. */
  description: string;
}

export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/**
 * One CLI command: a file under src/cli/commands/ exporting it, listed in src/cli/commands/index.ts.
 * `name` may be several words (`token issue`): the longest name matching the first words of the command line wins.
 */
export interface Command {
  name: string;
  summary: string;
  /** The arguments after the name, e.g. `{number|id} --ground {1-9} --reason {text} [--notice {text}]`. */
  usage: string;
  options?: Record<string, OptionSpec>;
  run(ctx: CommandContext): Promise<number | void>;
}

export interface CommandContext {
  /** The positional arguments after the command's name. */
  args: string[];
  options: OptionValues;
  /**
   * The environment handed to the CLI. A command with settings of its own parses them from here with zod (as
   * src/cli/config.ts does); nothing in the CLI reads process.env directly.
   */
  env: Record<string, string | undefined>;
  /** The folder relative paths on the command line are relative to. */
  cwd: string;
  /** --json: print JSON instead of text. */
  json: boolean;
  /** Plain HTTP to any server, for commands that read public endpoints (certmark audit); tests pass their own. */
  fetch: typeof fetch;
  /** The staff API of the running server (CERTMARK_URL, CERTMARK_TOKEN). */
  api(): ApiClient;
  cliConfig(): CliConfig;
  /** The server's own configuration (DATA_DIR, DATABASE_URL...), for commands that go to the database directly. */
  serverConfig(): Config;
  /** Opens the database directly (the server must be stopped when it is the embedded one); close it when done. */
  openDatabase(config: Config): Promise<Database>;
  /** Prints `value` as JSON with --json, else the text `text()` makes of it. */
  print(value: unknown, text: () => string): void;
  stdout(line: string): void;
  stderr(line: string): void;
  /** The first positional argument, or a usage error naming it. */
  arg(index: number, name: string): string;
  /** A string option that must be given. */
  required(option: string): string;
}

/** Thrown for a command line that does not fit the command: exit code 2 and the usage. */
export class UsageError extends Error {}
