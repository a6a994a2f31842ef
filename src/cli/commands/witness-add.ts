import { systemClock } from '../../clock';
import { addWitness } from '../../transparency/witness';
import type { Command } from '../command';

/** Direct to the database: a witness whose cosignatures the transparency log asks for and serves (C2SP tlog-witness). */
export const witnessAdd: Command = {
  name: 'witness add',
  summary: 'add a witness of the transparency log by its cosignature vkey (direct to the database)',
  usage: '{vkey} [--url {witness URL}]',
  options: { url: { type: 'string', description: 'where the witness answers add-checkpoint (POST {url}/add-checkpoint)' } },
  async run(ctx) {
    const vkey = ctx.arg(0, '{vkey}');
    const database = await ctx.openDatabase(ctx.serverConfig());
    try {
      const name = await addWitness(database.db, systemClock, { vkey, url: typeof ctx.options.url === 'string' ? ctx.options.url : null });
      ctx.print({ name }, () => `witness ${name} added: the next checkpoints are sent to it for cosigning`);
    } finally {
      await database.close();
    }
  },
};
