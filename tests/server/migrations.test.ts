import { sql, type Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateServerDb, ServerDbFromFutureError } from '../../server/db/connection';
import { serverMigrationProvider, serverMigrations } from '../../server/db/migrations/index';
import type { ServerDatabase } from '../../server/db/schema';
import { openTestStore, storeKinds, type TestStore } from './store-harness';

/** The tables 0001_initial creates. */
const BASE_TABLES = [
  'accounts',
  'activities',
  'contacts',
  'leads',
  'opportunities',
  'regions',
  'sessions',
  'stage_history',
  'tasks',
  'team_managers',
  'teams',
  'users',
];

async function tableNames(db: Kysely<ServerDatabase>): Promise<string[]> {
  const tables = await db.introspection.getTables();
  return tables.map((t) => t.name).sort();
}

/** Every column (with type) and index of the public schema, except Kysely's bookkeeping. */
async function schemaSnapshot(db: Kysely<ServerDatabase>): Promise<{ columns: string[]; indexes: string[] }> {
  const columns = await sql<{ c: string }>`
    select table_name || '.' || column_name || ':' || data_type as c from information_schema.columns
    where table_schema = 'public' and table_name not like 'kysely_%' order by 1`.execute(db);
  const indexes = await sql<{ c: string }>`
    select indexname || ' on ' || tablename as c from pg_indexes
    where schemaname = 'public' and tablename not like 'kysely_%' order by 1`.execute(db);
  return { columns: columns.rows.map((r) => r.c), indexes: indexes.rows.map((r) => r.c) };
}

async function hasIndex(db: Kysely<ServerDatabase>, name: string): Promise<boolean> {
  const result = await sql<{ n: number }>`select count(*)::int as n from pg_indexes where indexname = ${name}`.execute(db);
  return result.rows[0]?.n === 1;
}

async function applied(db: Kysely<ServerDatabase>): Promise<string[]> {
  const migrations = await new Migrator({ db, provider: serverMigrationProvider }).getMigrations();
  return migrations.filter((m) => m.executedAt).map((m) => m.name);
}

describe.each(storeKinds())('server migrations on %s', (kind) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(kind, { migrate: false });
  });
  afterAll(async () => {
    await store?.close();
  });

  it('walks empty → each step up → latest, and each step down restores the previous schema exactly', async () => {
    const { db } = store;
    const names = Object.keys(serverMigrations);
    const migrator = new Migrator({ db, provider: serverMigrationProvider });
    const snapshots = [await schemaSnapshot(db)];
    expect(await tableNames(db)).toEqual([]);

    for (const [i, name] of names.entries()) {
      expect(await migrateServerDb(db, name)).toEqual([name]);
      expect(await applied(db)).toEqual(names.slice(0, i + 1));
      snapshots.push(await schemaSnapshot(db));
      expect(snapshots[i + 1]).not.toEqual(snapshots[i]);
      if (name === '0001_initial') {
        expect(await tableNames(db)).toEqual(BASE_TABLES);
        expect(await hasIndex(db, 'sessions_user_idx')).toBe(true);
        expect(await hasIndex(db, 'leads_owner_idx')).toBe(false);
      }
      if (name === '0002_indexes') {
        expect(await hasIndex(db, 'leads_owner_idx')).toBe(true);
        expect(await hasIndex(db, 'tasks_owner_idx')).toBe(true);
      }
      if (name === '0004_change_log_compaction') {
        expect(await hasIndex(db, 'change_log_at_idx')).toBe(true);
        expect(snapshots[i + 1]?.columns).toContain('sync_counter.compacted_through:bigint');
      }
    }

    for (let i = names.length; i > 0; i -= 1) {
      const { error, results } = await migrator.migrateDown();
      expect(error).toBeUndefined();
      expect(results?.map((r) => [r.migrationName, r.direction, r.status])).toEqual([[names[i - 1], 'Down', 'Success']]);
      expect(await applied(db)).toEqual(names.slice(0, i - 1));
      expect(await schemaSnapshot(db)).toEqual(snapshots[i - 1]);
    }
    expect(await tableNames(db)).toEqual([]);

    // And straight to latest in one go; a second run has nothing to do.
    expect(await migrateServerDb(db)).toEqual(names);
    expect(await schemaSnapshot(db)).toEqual(snapshots[names.length]);
    expect(await migrateServerDb(db)).toEqual([]);
  });

  it('keeps data across a step up (0001 → 0002)', async () => {
    const { db } = store;
    await new Migrator({ db, provider: serverMigrationProvider }).migrateTo('0001_initial');
    await db.insertInto('regions').values({ id: 'r1', name: 'East' }).execute();
    await migrateServerDb(db);
    expect(await db.selectFrom('regions').selectAll().execute()).toEqual([{ id: 'r1', name: 'East' }]);
    await db.deleteFrom('regions').execute();
  });

  it('refuses a database migrated by a newer build', async () => {
    const { db } = store;
    await migrateServerDb(db);
    const loose = db as unknown as Kysely<{ kysely_migration: { name: string; timestamp: string } }>;
    await loose.insertInto('kysely_migration').values({ name: '9999_from_the_future', timestamp: new Date().toISOString() }).execute();
    try {
      await expect(migrateServerDb(db)).rejects.toBeInstanceOf(ServerDbFromFutureError);
      await expect(migrateServerDb(db)).rejects.toThrow(/9999_from_the_future/);
    } finally {
      await loose.deleteFrom('kysely_migration').where('name', '=', '9999_from_the_future').execute();
    }
    expect(await migrateServerDb(db)).toEqual([]);
  });
});
