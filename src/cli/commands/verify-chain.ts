import { verifyEventChain } from '../../repositories/events';
import type { Command } from '../command';

/** Direct to the database: recomputes every event hash and names the first event that no longer matches. */
export const verifyChain: Command = {
  name: 'verify-chain',
  summary: 'check the event hash chain (direct to the database); names the first bad event',
  usage: '',
  async run(ctx) {
    const database = await ctx.openDatabase(ctx.serverConfig());
    try {
      const check = await verifyEventChain(database.db);
      ctx.print(check, () =>
        check.ok ? `the event chain is intact (${check.checked} events)` : `the event chain is broken at event #${check.firstBadEventId}: ${check.problem} (${check.checked} events before it are intact)`,
      );
      return check.ok ? 0 : 1;
    } finally {
      await database.close();
    }
  },
};
