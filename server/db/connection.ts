import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { pgliteCopyOut, postgresCopyOut, type CopyOut } from './copy-out';
import { lockFolder, type FolderLock } from '../../platform/folder-lock';
import { serverMigrationProvider, serverMigrations } from './migrations/index';
import { SerialPGliteDialect } from './pglite-dialect';
import { makePrivateDir, tightenTree } from '../../platform/private-files';
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
  /** Where the store reports what it recovers from (a dropped pooled connection, files it cannot tighten). Default: stderr. */
  log?: StoreLogger | undefined;
  /** What this process is, for the message that refuses a second one on the same PGlite folder. */
  holder?: string | undefined;
}

/** The slice of a pino logger the store needs. */
export interface StoreLogger {
  warn(detail: Record<string, unknown>, message: string): void;
  error(detail: Record<string, unknown>, message: string): void;
}

const stderrLogger: StoreLogger = {
  warn: (detail, message) => process.stderr.write(`warning: ${message}${describeDetail(detail)}\n`),
  error: (detail, message) => process.stderr.write(`error: ${message}${describeDetail(detail)}\n`),
};

function describeDetail(detail: Record<string, unknown>): string {
  const { err, ...rest } = detail;
  const parts = Object.keys(rest).length > 0 ? [JSON.stringify(rest)] : [];
  if (err !== undefined) parts.push(err instanceof Error ? err.message : String(err));
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}

// DATE (oid 1082) stays 'YYYY-MM-DD' text: a calendar day has no time zone.
pg.types.setTypeParser(1082, (v: string) => v);

/** Opens the team server's store, Postgres or embedded PGlite, and migrates it. */
export async function openServerDb(options: OpenServerDbOptions): Promise<ServerDb> {
  const log = options.log ?? stderrLogger;
  let handle: ServerDb;
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    // An idle client dropped by the server (restart, failover) must not crash the process;
    // the next query gets a fresh connection and fails or succeeds on its own.
    pool.on('error', (error) => log.error({ err: error }, 'an idle Postgres connection failed and left the pool'));
    const db = new Kysely<ServerDatabase>({ dialect: new PostgresDialect({ pool }) });
    handle = { db, kind: 'postgres', pglite: null, copyOut: postgresCopyOut(pool), close: () => db.destroy() };
  } else {
    const dataDir = options.dataDir;
    if (!dataDir) throw new Error('openServerDb: set DATABASE_URL or a PGlite data folder');
    handle = dataDir.startsWith('memory://')
      ? pgliteHandle(new PGlite(dataDir, PGLITE_OPTIONS), null)
      : await openPGliteFolder(dataDir, options.holder ?? 'the Verity team server store', log);
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

const PGLITE_OPTIONS = { parsers: { 1082: (v: string) => v } };

function pgliteHandle(pglite: PGlite, lock: FolderLock | null): ServerDb {
  const db = new Kysely<ServerDatabase>({ dialect: new SerialPGliteDialect(pglite) });
  const close = async (): Promise<void> => {
    try {
      await db.destroy();
    } finally {
      lock?.release();
    }
  };
  return { db, kind: 'pglite', pglite, copyOut: pgliteCopyOut(db, pglite), close };
}

/**
 * PGlite on disk, owned by this process alone: two PGlite instances on one folder each think
 * they are the only backend and corrupt it, so the folder is locked before PGlite touches it.
 */
async function openPGliteFolder(dataDir: string, holder: string, log: StoreLogger): Promise<ServerDb> {
  makePrivateDir(dataDir);
  const lock = lockFolder(dataDir, holder);
  let pglite: PGlite | null = null;
  try {
    tightenFolder(dataDir, log);
    pglite = new PGlite(dataDir, PGLITE_OPTIONS);
    await pglite.waitReady;
    // initdb's files come out 0666, and each start rewrites pg_internal.init through stdio under the
    // umask (0644). Everything Postgres creates later gets its own 0600/0700 (pg_file_create_mode),
    // so one more pass once PGlite is up leaves the folder private with no periodic sweep.
    tightenFolder(dataDir, log);
  } catch (error) {
    await pglite?.close().catch((closeError: unknown) => log.warn({ err: closeError }, 'PGlite did not close after a failed open'));
    lock.release();
    throw error;
  }
  return pgliteHandle(pglite, lock);
}

function tightenFolder(dataDir: string, log: StoreLogger): void {
  for (const { path, error } of tightenTree(dataDir).failed) {
    log.warn({ err: error, path }, 'cannot make a data file private (owner-only)');
  }
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
