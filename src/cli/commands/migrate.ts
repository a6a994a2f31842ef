import { migrateToLatest } from '../../db/database';
import type { Command } from '../command';

/** Direct to the database (DATA_DIR or DATABASE_URL), with the server stopped when it is the embedded one. */
export const migrate: Command = {
  name: 'migrate',
  summary: 'migrate the database to the latest schema (direct to the database; stop the server first)',
  usage: '',
  async run(ctx) {
    const config = ctx.serverConfig();
    const database = await ctx.openDatabase(config);
    try {
      const applied = await migrateToLatest(database.db, database.schema);
      const where = database.kind === 'pglite' ? `the embedded database in ${config.dataDir}` : 'PostgreSQL';
      ctx.print({ applied, database: database.kind }, () =>
        applied.length ? `migrated ${where}:\n${applied.map((m) => `  ${m}`).join('\n')}` : `${where} is up to date`,
      );
    } finally {
      await database.close();
    }
  },
};
