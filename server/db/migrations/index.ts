import type { Migration, MigrationProvider } from 'kysely/migration';
import * as m0001 from './0001_initial';
import * as m0002 from './0002_indexes';
import * as m0003 from './0003_sync';
import * as m0004 from './0004_change_log_compaction';
import * as m0005 from './0005_task_kind';

/**
 * Every server migration, listed explicitly (a bundled server has no folder
 * to scan). Names are zero-padded: Kysely orders by name. Append only.
 */
export const serverMigrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_indexes': m0002,
  '0003_sync': m0003,
  '0004_change_log_compaction': m0004,
  '0005_task_kind': m0005,
};

export const serverMigrationProvider: MigrationProvider = {
  getMigrations: async () => serverMigrations,
};
