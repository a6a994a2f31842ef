import { readFile, rename, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { audit, type AuditState } from '../../transparency/audit';
import { UsageError, type Command } from '../command';

export const DEFAULT_AUDIT_STATE = '.certmark-audit.json';

/**
 * `certmark audit {base}`: checks the registry's transparency log from outside (src/transparency/audit.ts).
 * Keeps the last checkpoint it saw in a local state file; exits 1 naming the entry when anything fails.
 */
export const auditLog: Command = {
  name: 'audit',
  summary: 'check the registry’s transparency log from outside: signature, consistency with the last checkpoint seen, public events included',
  usage: '{base} [--state {file}] [--number {number}…]',
  options: {
    state: { type: 'string', description: `the state file: the last checkpoint seen (default ${DEFAULT_AUDIT_STATE})` },
    number: { type: 'string', multiple: true, description: 'check only these verification pages (default: every service the registry lists)' },
  },
  async run(ctx) {
    const base = ctx.arg(0, '{base}');
    if (!/^https?:\/\/[^/]+/.test(base)) throw new UsageError('{base} must be an http(s) URL, such as https://certmark.example');
    const file = resolve(ctx.cwd, typeof ctx.options.state === 'string' ? ctx.options.state : DEFAULT_AUDIT_STATE);
    const states = await readStates(file);
    const numbers = (ctx.options.number as string[] | undefined) ?? [];
    const origin = new URL(base).host;
    const prior = states[origin] ?? null;
    const report = await audit({ base, fetch: ctx.fetch, state: prior, numbers, now: new Date() });
    if (report.ok && report.state) {
      states[origin] = report.state;
      const temp = `${file}.${process.pid}.tmp`;
      await writeFile(temp, `${JSON.stringify(states)}\n`, { mode: 0o600 });
      await rename(temp, file);
    }
    const { state: _state, ...shown } = report;
    ctx.print(shown, () =>
      report.ok
        ? `the log ${report.origin} verifies: checkpoint of ${report.size} entries` +
          (report.previousSize === null ? ' (first audit: its key is now the one trusted)' : `, consistent with the ${report.previousSize} seen before`) +
          `; ${report.publicEventsChecked} public events of ${report.servicesChecked} verification pages proved included`
        : report.problems.map((p) => `FAILED${p.index === null ? '' : ` at entry #${p.index}`}: ${p.what}`).join('\n'),
    );
    return report.ok ? 0 : 1;
  },
};

/** The state file: one state per log (keyed by the host of its base). */
async function readStates(file: string): Promise<Record<string, AuditState>> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, AuditState>;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new UsageError(`cannot read the state file ${file}: ${(e as Error).message}`);
  }
}
