import type { Migration, MigrationProvider } from 'kysely/migration';
import * as m0001 from './0001_initial';
import * as m0002 from './0002_cache_file';
import * as m0003 from './0003_managed_teams';

/**
 * Every local-store migration, listed explicitly: a bundled main process has
 * no folder to scan. Names are zero-padded because Kysely orders by name.
 * Append only; never edit a migration that has shipped.
 */
export const localMigrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_cache_file': m0002,
  '0003_managed_teams': m0003,
};

export const localMigrationProvider: MigrationProvider = {
  getMigrations: async () => localMigrations,
};
