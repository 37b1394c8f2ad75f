import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import { mkdirSync } from 'node:fs';
import pg from 'pg';
import { pgliteCopyOut, postgresCopyOut, type CopyOut } from './copy-out';
import { serverMigrationProvider, serverMigrations } from './migrations/index';
import { SerialPGliteDialect } from './pglite-dialect';
import type { ServerDatabase } from './schema';

export type StoreKind = 'postgres' | 'pglite';

export interface ServerDb {
  db: Kysely<ServerDatabase>;
  kind: StoreKind;
  /** The raw PGlite instance when embedded (bulk loads use COPY through it). */
  pglite: PGlite | null;
  /** Bulk reads as COPY text (snapshots). */
  copyOut: CopyOut;
  close(): Promise<void>;
}

export interface OpenServerDbOptions {
  /** postgres://… selects Postgres; otherwise PGlite in `dataDir`. */
  databaseUrl?: string | undefined;
  /** PGlite data folder; `memory://` for an in-memory database. */
  dataDir?: string | undefined;
  /** Run migrations to latest (default true). */
  migrate?: boolean;
}

// DATE (oid 1082) stays 'YYYY-MM-DD' text: a calendar day has no time zone.
pg.types.setTypeParser(1082, (v: string) => v);

/** Opens the team server's store, Postgres or embedded PGlite, and migrates it. */
export async function openServerDb(options: OpenServerDbOptions): Promise<ServerDb> {
  let handle: ServerDb;
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    // An idle client dropped by the server (restart, failover) must not crash the process;
    // the next query gets a fresh connection and fails or succeeds on its own.
    pool.on('error', () => undefined);
    const db = new Kysely<ServerDatabase>({ dialect: new PostgresDialect({ pool }) });
    handle = { db, kind: 'postgres', pglite: null, copyOut: postgresCopyOut(pool), close: () => db.destroy() };
  } else {
    const dataDir = options.dataDir;
    if (!dataDir) throw new Error('openServerDb: set DATABASE_URL or a PGlite data folder');
    if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
    const pglite = new PGlite(dataDir, {
      parsers: { 1082: (v: string) => v },
    });
    const db = new Kysely<ServerDatabase>({ dialect: new SerialPGliteDialect(pglite) });
    handle = { db, kind: 'pglite', pglite, copyOut: pgliteCopyOut(db, pglite), close: () => db.destroy() };
  }
  if (options.migrate !== false) {
    try {
      await migrateServerDb(handle.db);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }
  return handle;
}

export class ServerDbFromFutureError extends Error {
  constructor(unknown: string[]) {
    super(
      `This database was migrated by a newer Verity server (unknown migrations: ${unknown.join(', ')}). ` +
        'Update the server before starting it on this database.',
    );
    this.name = 'ServerDbFromFutureError';
  }
}

/** Migrates to the newest schema; refuses a database written by a newer build. */
export async function migrateServerDb(db: Kysely<ServerDatabase>, target?: string): Promise<string[]> {
  const migrator = new Migrator({ db, provider: serverMigrationProvider });
  const known = new Set(Object.keys(serverMigrations));
  // Kysely reports a missing migration as "corrupted"; name it for what it is.
  const unknown = await appliedButUnknown(db, known);
  if (unknown.length > 0) throw new ServerDbFromFutureError(unknown);
  const { error, results } = target ? await migrator.migrateTo(target) : await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

async function appliedButUnknown(db: Kysely<ServerDatabase>, known: Set<string>): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((t) => t.name === 'kysely_migration')) return [];
  const loose = db as unknown as Kysely<{ kysely_migration: { name: string } }>;
  const rows = await loose.selectFrom('kysely_migration').select('name').execute();
  return rows.map((r) => r.name).filter((n) => !known.has(n));
}
