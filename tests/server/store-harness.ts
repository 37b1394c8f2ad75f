import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openServerDb, type OpenServerDbOptions, type ServerDb, type StoreKind } from '../../server/db/connection';

/**
 * Fresh server databases for tests, on every store we can reach: PGlite
 * always, Postgres when DATABASE_URL is set. Use with
 * `describe.each(storeKinds())(...)` and one store per file (PGlite costs ~1 s).
 */

export type { StoreKind };

/** The stores to run against: ['pglite'], plus 'postgres' when DATABASE_URL is set. */
export function storeKinds(): StoreKind[] {
  return process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export interface TestDatabase {
  kind: StoreKind;
  /** Options for openServerDb / startServer that reach this database. */
  options: { databaseUrl?: string; dataDir?: string };
  /** Deletes the database (Postgres: terminates its connections first; PGlite on disk: removes the folder). */
  drop(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set; Postgres tests cannot run');
  return url;
}

async function withAdminClient<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates an empty database and returns how to reach it, without opening it.
 * PGlite: `memory://` (each open is a new database), or a temp folder with
 * `onDisk` when several processes or opens must see the same data.
 */
export async function createTestDatabase(kind: StoreKind, options: { onDisk?: boolean } = {}): Promise<TestDatabase> {
  if (kind === 'pglite') {
    if (!options.onDisk) return { kind, options: { dataDir: 'memory://' }, drop: async () => undefined };
    const dataDir = mkdtempSync(join(tmpdir(), 'verity-pglite-'));
    return { kind, options: { dataDir }, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `verity_t_${randomBytes(6).toString('hex')}`;
  await withAdminClient((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    kind,
    options: { databaseUrl: url.toString() },
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await withAdminClient(async (client) => {
        await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
        await client.query(`DROP DATABASE IF EXISTS ${name}`);
      });
    },
  };
}

export interface TestStore extends ServerDb {
  /** How to reach the same database again (Postgres only; PGlite memory:// cannot be reopened). */
  options: TestDatabase['options'];
  /** Closes the handle and deletes the database. */
  close(): Promise<void>;
}

/** Opens a fresh database (migrated to latest unless `migrate: false`). Close it in afterAll. */
export async function openTestStore(kind: StoreKind, options: Pick<OpenServerDbOptions, 'migrate'> = {}): Promise<TestStore> {
  const database = await createTestDatabase(kind);
  let handle: ServerDb;
  try {
    handle = await openServerDb({ ...database.options, migrate: options.migrate });
  } catch (error) {
    await database.drop();
    throw error;
  }
  return {
    ...handle,
    options: database.options,
    close: async () => {
      try {
        await handle.close();
      } finally {
        await database.drop();
      }
    },
  };
}
