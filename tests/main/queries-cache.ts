import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, type Insertable } from 'kysely';
import type { ActivitiesTable, LeadsTable, LocalDatabase, OpportunitiesTable, TasksTable } from '../../main/db/schema';
import { QueriesService } from '../../main/services/queries.service';
import { CACHE_INDEXES_DDL, CACHE_TABLES_DDL } from '../../main/sync/cache-schema';

/** A cache with the sync engine's tables and indexes, in memory, and the read models over it. */
export function cacheWithQueries(now: Date, me = 'u-rep'): { db: Kysely<LocalDatabase>; queries: QueriesService; close: () => Promise<void> } {
  const sqlite = new Database(':memory:');
  for (const ddl of [...CACHE_TABLES_DDL, ...CACHE_INDEXES_DDL]) sqlite.exec(ddl);
  const db = new Kysely<LocalDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
  const queries = new QueriesService({ db, currentUserId: async () => me, now: () => now });
  return { db, queries, close: () => db.destroy() };
}

export const hoursBefore = (now: Date, hours: number): string => new Date(now.getTime() - hours * 3_600_000).toISOString();

export function leadRow(id: string, fields: Partial<Insertable<LeadsTable>> = {}): Insertable<LeadsTable> {
  return {
    id,
    name: `Lead ${id}`,
    mobile: null,
    company: null,
    city: '上海',
    source: 'website_form',
    need: 'quote',
    status: 'assigned',
    owner_id: 'u-rep',
    region_id: 'r-1',
    created_at: '2025-01-01T00:00:00.000Z',
    assigned_at: '2025-01-01T00:00:00.000Z',
    first_touch_at: null,
    updated_at: '2025-01-01T00:00:00.000Z',
    ...fields,
  };
}

export function dealRow(id: string, fields: Partial<Insertable<OpportunitiesTable>> = {}): Insertable<OpportunitiesTable> {
  return {
    id,
    account_id: 'acc-1',
    lead_id: null,
    name: `Deal ${id}`,
    stage: 'quote_sent',
    outcome: 'open',
    amount: 1000,
    currency: 'CNY',
    owner_id: 'u-rep',
    region_id: 'r-1',
    stage_entered_at: '2025-01-01T00:00:00.000Z',
    expected_close_on: null,
    created_at: '2025-01-01T00:00:00.000Z',
    updated_at: '2025-01-01T00:00:00.000Z',
    ...fields,
  };
}

export function taskRow(id: string, fields: Partial<Insertable<TasksTable>> = {}): Insertable<TasksTable> {
  return {
    id,
    title: `Task ${id}`,
    lead_id: null,
    opportunity_id: null,
    owner_id: 'u-rep',
    due_at: '2025-01-01T00:00:00.000Z',
    status: 'open',
    created_at: '2025-01-01T00:00:00.000Z',
    updated_at: '2025-01-01T00:00:00.000Z',
    ...fields,
  };
}

export function activityRow(id: string, fields: Partial<Insertable<ActivitiesTable>> = {}): Insertable<ActivitiesTable> {
  return {
    id,
    type: 'call',
    lead_id: null,
    opportunity_id: null,
    owner_id: 'u-rep',
    subject: `Activity ${id}`,
    body: null,
    occurred_at: '2025-01-01T00:00:00.000Z',
    created_at: '2025-01-01T00:00:00.000Z',
    ...fields,
  };
}

/** Inserts in chunks (SQLite caps the bound parameters of one statement). */
export async function insertMany<T extends 'leads' | 'opportunities' | 'tasks' | 'activities'>(
  db: Kysely<LocalDatabase>,
  table: T,
  rows: Insertable<LocalDatabase[T]>[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) await db.insertInto(table).values(rows.slice(i, i + 200)).execute();
}
