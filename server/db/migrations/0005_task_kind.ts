import { sql, type Kysely } from 'kysely';

// Frozen. Tasks say what they are for, so a first touch can close the lead's
// first-contact task without matching titles. Tasks from before this
// migration were made by the demo seed with the title 首次联系：<lead name>
// on a lead; that title is read once here and never again.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE tasks ADD COLUMN kind text NOT NULL DEFAULT 'custom' CHECK (kind IN ('first_contact', 'custom'))`.execute(db);
  await sql`UPDATE tasks SET kind = 'first_contact' WHERE lead_id IS NOT NULL AND opportunity_id IS NULL AND title LIKE '首次联系：%'`.execute(db);
  await sql`CREATE INDEX tasks_lead_open_idx ON tasks(lead_id) WHERE status = 'open'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX tasks_lead_open_idx`.execute(db);
  await sql`ALTER TABLE tasks DROP COLUMN kind`.execute(db);
}
