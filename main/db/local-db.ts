import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { Migrator, type MigrationProvider } from 'kysely/migration';
import { dirname } from 'node:path';
import { localMigrationProvider, localMigrations } from './migrations/index';
import { makePrivateDir, makePrivateFile } from '../../platform/private-files';
import type { LocalDatabase } from './schema';

export interface LocalDb {
  db: Kysely<LocalDatabase>;
  /** The raw connection, for pragmas and tests. */
  sqlite: Database.Database;
  close(): Promise<void>;
}

export interface OpenLocalDbOptions {
  /** Path of the SQLite file, or ':memory:'. */
  file: string;
  /**
   * Path of a better_sqlite3.node built for the running ABI; the Electron shell
   * passes an Electron build, plain Node uses the package's own.
   */
  nativeBinding?: string | undefined;
  /** Run migrations to latest (default true). */
  migrate?: boolean;
}

export class LocalDbFromFutureError extends Error {
  readonly unknownMigrations: string[];
  constructor(file: string, unknown: string[]) {
    super(
      `The local database ${file} was written by a newer Verity build (unknown migrations: ${unknown.join(', ')}). ` +
        'Update Verity, or move that file away to start with an empty cache.',
    );
    this.name = 'LocalDbFromFutureError';
    this.unknownMigrations = unknown;
  }
}

/** Opens (creating if needed) the cockpit's local store and migrates it to the latest schema. */
export async function openLocalDb(options: OpenLocalDbOptions): Promise<LocalDb> {
  if (options.file !== ':memory:') {
    makePrivateDir(dirname(options.file));
    // Created 0600 before SQLite opens it: its -wal and -shm files take the database file's mode.
    makePrivateFile(options.file);
  }
  const sqlite = new Database(
    options.file,
    options.nativeBinding ? { nativeBinding: options.nativeBinding } : {},
  );
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
  } catch (error) {
    sqlite.close();
    throw error;
  }
  const db = new Kysely<LocalDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
  const handle: LocalDb = { db, sqlite, close: () => db.destroy() };
  if (options.migrate !== false) {
    try {
      await migrateLocalDb(db, { file: options.file });
    } catch (error) {
      await handle.close();
      throw error;
    }
  }
  return handle;
}

export interface MigrateLocalDbOptions {
  /** Migrate to this migration instead of the latest (tests step through them). */
  target?: string;
  /** Defaults to the app's own migrations; tests pass a broken one. */
  provider?: MigrationProvider;
  /** Names the provider knows, to detect a database from the future. */
  known?: string[];
  /** For messages only. */
  file?: string;
}

/** Migrates to the newest (or target) schema; refuses a database written by a newer build. */
export async function migrateLocalDb(
  db: Kysely<LocalDatabase>,
  options: MigrateLocalDbOptions = {},
): Promise<string[]> {
  const provider = options.provider ?? localMigrationProvider;
  const known = new Set(options.known ?? Object.keys(options.provider ? await provider.getMigrations() : localMigrations));
  // Kysely reports a missing migration as "corrupted migrations"; name it for what it is.
  const unknown = await appliedButUnknown(db, known);
  if (unknown.length > 0) throw new LocalDbFromFutureError(options.file ?? 'in use', unknown);
  const migrator = new Migrator({ db, provider });
  const { error, results } = options.target
    ? await migrator.migrateTo(options.target)
    : await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

async function appliedButUnknown(db: Kysely<LocalDatabase>, known: Set<string>): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((t) => t.name === 'kysely_migration')) return [];
  const loose = db as unknown as Kysely<{ kysely_migration: { name: string } }>;
  const rows = await loose.selectFrom('kysely_migration').select('name').execute();
  return rows.map((r) => r.name).filter((n) => !known.has(n));
}
