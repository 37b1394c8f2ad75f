import { sql, type Kysely } from 'kysely';

// Frozen. Synced rows move out of this file into a per-user cache file that
// the sync engine attaches (main/sync/cache-schema.ts): a first sync swaps
// that file in whole, and pending writes live in an outbox file of their own.
// Queries keep naming `leads` etc. unqualified; SQLite resolves them in the
// attached cache once they no longer exist here. Nothing synced was stored
// here before this migration (sync did not exist), so nothing is lost.
// The manager's regions join `me` so the cockpit can run visibility rules offline.
const statements = [
  'DROP TABLE stage_history',
  'DROP TABLE activities',
  'DROP TABLE tasks',
  'DROP TABLE contacts',
  'DROP TABLE opportunities',
  'DROP TABLE accounts',
  'DROP TABLE leads',
  `ALTER TABLE me ADD COLUMN managed_region_ids_json TEXT NOT NULL DEFAULT '[]'`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const statement of statements) await sql.raw(statement).execute(trx);
  });
}
