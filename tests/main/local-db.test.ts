import Database from 'better-sqlite3';
import { Kysely, sql, SqliteDialect } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely/migration';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalDbFromFutureError, migrateLocalDb, openLocalDb } from '../../main/db/local-db';
import { localMigrations } from '../../main/db/migrations/index';
import type { LocalDatabase } from '../../main/db/schema';
import { makeTempDirs } from './temp-dir';

const dirs = makeTempDirs();
afterEach(() => dirs.cleanup());

// Synced rows live in the per-user cache file the sync engine attaches (migration 0002).
const EXPECTED_TABLES = ['me', 'settings'];

function rawDb(): { db: Kysely<LocalDatabase>; sqlite: Database.Database } {
  const sqlite = new Database(':memory:');
  sqlite.pragma('foreign_keys = ON');
  return { db: new Kysely<LocalDatabase>({ dialect: new SqliteDialect({ database: sqlite }) }), sqlite };
}

function userTables(sqlite: Database.Database): string[] {
  return (
    sqlite
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%' ORDER BY name")
      .all() as { name: string }[]
  ).map((r) => r.name);
}

describe('local store migrations', () => {
  it('migrates an empty file to the latest schema with WAL, foreign keys and STRICT tables', async () => {
    const file = join(dirs.make(), 'nested', 'cockpit.sqlite');
    const local = await openLocalDb({ file });
    try {
      expect(userTables(local.sqlite)).toEqual(EXPECTED_TABLES);
      expect(local.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(local.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
      for (const table of EXPECTED_TABLES) {
        const ddl = local.sqlite.prepare('SELECT sql FROM sqlite_schema WHERE name = ?').pluck().get(table) as string;
        expect(ddl, table).toMatch(/\)\s*STRICT$/);
      }
      // STRICT really rejects a wrong type.
      expect(() =>
        local.sqlite.prepare("INSERT INTO settings (key, value_json, updated_at) VALUES ('k', 'v', X'00')").run(),
      ).toThrow(/cannot store BLOB value in TEXT column/i);
      const meColumns = local.sqlite.prepare('PRAGMA table_info(me)').all() as { name: string }[];
      expect(meColumns.map((c) => c.name)).toContain('managed_region_ids_json');
    } finally {
      await local.close();
    }
  });

  it('re-opening an up-to-date file applies nothing and keeps data', async () => {
    const file = join(dirs.make(), 'cockpit.sqlite');
    const first = await openLocalDb({ file });
    await first.db.insertInto('settings').values({ key: 'k', value_json: '1', updated_at: 'now' }).execute();
    await first.close();
    const again = await openLocalDb({ file, migrate: false });
    expect(await migrateLocalDb(again.db)).toEqual([]);
    expect(await again.db.selectFrom('settings').select('value_json').executeTakeFirst()).toEqual({ value_json: '1' });
    await again.close();
  });

  it('applies each migration one by one, in name order', async () => {
    const { db, sqlite } = rawDb();
    const names = Object.keys(localMigrations).sort();
    expect(names[0]).toBe('0001_initial');
    for (const name of names) {
      expect(await migrateLocalDb(db, { target: name })).toEqual([name]);
      if (name === '0001_initial') {
        expect(userTables(sqlite)).toEqual(['accounts', 'activities', 'contacts', 'leads', 'me', 'opportunities', 'settings', 'stage_history', 'tasks']);
        // A signed-in user from before 0002 keeps their session; managers get their regions on next sign-in.
        sqlite
          .prepare("INSERT INTO me (id, server_url, user_id, email, display_name, role, active, signed_in_at) VALUES (1, 'http://s', 'u1', 'a@b.cn', 'A', 'rep', 1, 'now')")
          .run();
      }
      if (name === '0002_cache_file') {
        expect(sqlite.prepare('SELECT user_id, managed_region_ids_json FROM me').get()).toEqual({ user_id: 'u1', managed_region_ids_json: '[]' });
      }
    }
    expect(userTables(sqlite)).toEqual(EXPECTED_TABLES);
    await db.destroy();
  });

  it('a failing migration leaves no partial schema and reports the error', async () => {
    const { db, sqlite } = rawDb();
    const broken: Migration = {
      async up(trxDb) {
        await trxDb.transaction().execute(async (trx) => {
          await sql`CREATE TABLE half_done (id TEXT PRIMARY KEY) STRICT`.execute(trx);
          await sql`CREATE TABLE leads_shadow (id TEXT REFERENCES nope_nope(id), x NOPE_TYPE) STRICT`.execute(trx);
        });
      },
    };
    const provider: MigrationProvider = { getMigrations: async () => ({ ...localMigrations, '9000_broken': broken }) };
    await expect(migrateLocalDb(db, { provider })).rejects.toThrow(/unknown datatype|NOPE_TYPE/i);
    const tables = userTables(sqlite);
    expect(tables).toEqual(EXPECTED_TABLES); // every real migration applied, nothing of the broken one
    expect(tables).not.toContain('half_done');
    const applied = sqlite.prepare('SELECT name FROM kysely_migration ORDER BY name').pluck().all();
    expect(applied).toEqual(Object.keys(localMigrations).sort());
    await db.destroy();
  });

  it('0001 runs in one transaction: failing on its last table leaves none of the others', async () => {
    const { db, sqlite } = rawDb();
    // Make the last CREATE TABLE of 0001 collide.
    sqlite.exec('CREATE TABLE settings (squatter TEXT)');
    await expect(migrateLocalDb(db)).rejects.toThrow(/table settings already exists/);
    expect(userTables(sqlite)).toEqual(['settings']);
    await db.destroy();
  });

  it('refuses a database written by a newer build', async () => {
    const file = join(dirs.make(), 'cockpit.sqlite');
    const local = await openLocalDb({ file });
    local.sqlite
      .prepare('INSERT INTO kysely_migration (name, timestamp) VALUES (?, ?)')
      .run('9999_from_the_future', new Date().toISOString());
    await local.close();
    const opening = openLocalDb({ file });
    await expect(opening).rejects.toBeInstanceOf(LocalDbFromFutureError);
    await expect(openLocalDb({ file })).rejects.toThrow(/newer Verity build.*9999_from_the_future/);
  });
});
