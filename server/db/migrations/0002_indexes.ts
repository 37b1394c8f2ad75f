import { sql, type Kysely } from 'kysely';

// One statement per execute: PGlite's extended protocol takes a single statement.

// Frozen. Indexes for the cockpit's and the API's common reads: a rep's own
// work, the pool, and per-stage views.
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    `CREATE INDEX leads_owner_idx ON leads(owner_id, status)`,
    `CREATE INDEX leads_region_idx ON leads(region_id, status)`,
    `CREATE INDEX opportunities_owner_idx ON opportunities(owner_id, stage)`,
    `CREATE INDEX stage_history_opp_idx ON stage_history(opportunity_id, changed_at)`,
    `CREATE INDEX activities_lead_idx ON activities(lead_id, occurred_at)`,
    `CREATE INDEX activities_opp_idx ON activities(opportunity_id, occurred_at)`,
    `CREATE INDEX tasks_owner_idx ON tasks(owner_id, status, due_at)`,
  ]) {
    await sql.raw(statement).execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    `DROP INDEX leads_owner_idx, leads_region_idx, opportunities_owner_idx, stage_history_opp_idx,
          activities_lead_idx, activities_opp_idx, tasks_owner_idx`,
  ]) {
    await sql.raw(statement).execute(db);
  }
}
