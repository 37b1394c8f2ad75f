import { sql, type Kysely } from 'kysely';

// Frozen. The managed teams' names join `me` so Settings can show which teams a
// manager leads without the network ('[]' until the next sign-in or refresh of `me`).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`ALTER TABLE me ADD COLUMN managed_teams_json TEXT NOT NULL DEFAULT '[]'`).execute(db);
}
