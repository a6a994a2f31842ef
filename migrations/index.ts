import type { Migration } from 'kysely/migration';
import * as registry from './20261125_0001_registry';

/**
 * Every migration, listed by name so bundlers (the Workers build) include them.
 * test/db/migrations.test.ts checks that this list matches the folder. Append; never edit a frozen migration.
 */
export const migrations: Record<string, Migration> = {
  '20261125_0001_registry': registry,
};
