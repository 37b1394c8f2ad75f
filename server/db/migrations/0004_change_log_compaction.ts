import { sql, type Kysely } from 'kysely';

// Frozen. The change log is compacted: `compacted_through` is the highest
// seq removed, so a pull from an older cursor is told to rebuild instead of
// silently missing changes. Rows are picked by age (`at`).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE sync_counter ADD COLUMN compacted_through bigint NOT NULL DEFAULT 0`.execute(db);
  await sql`CREATE INDEX change_log_at_idx ON change_log(at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX change_log_at_idx`.execute(db);
  await sql`ALTER TABLE sync_counter DROP COLUMN compacted_through`.execute(db);
}
