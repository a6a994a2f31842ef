import { checkRegister } from '../../domain/register-check';
import type { Command } from '../command';

/** Direct to the database: recomputes every event hash and record fingerprint; names what no longer matches. */
export const verifyChain: Command = {
  name: 'verify-chain',
  summary: 'check the event hash chain (direct to the database); names the first bad event',
  usage: '',
  async run(ctx) {
    const database = await ctx.openDatabase(ctx.serverConfig());
    try {
      const check = await checkRegister(database.db);
      ctx.print(check, () =>
        [
          check.firstBadEventId === null
            ? `the event chain is intact (${check.checked} events)`
            : `the event chain is broken at event #${check.firstBadEventId}: ${check.problem} (${check.checked} events before it are intact)`,
          check.records.problems.length === 0
            ? `every record matches the chain (${check.records.checked} records)`
            : check.records.problems.map((p) => `${p.table} ${p.record}: ${p.problem}`).join('\n'),
        ].join('\n'),
      );
      return check.ok ? 0 : 1;
    } finally {
      await database.close();
    }
  },
};
