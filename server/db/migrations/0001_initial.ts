import { sql, type Kysely } from 'kysely';

// One statement per execute: PGlite's extended protocol takes a single statement.

// Frozen: this migration must keep producing the same schema forever, so it
// uses raw SQL and no types from ../schema.ts: `Kysely<unknown>` knows no
// tables, because migrations describe past databases.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Postgres runs DDL inside the Migrator's transaction, so a failure leaves nothing behind.
  for (const statement of [
    `CREATE TABLE regions (
          id text PRIMARY KEY,
          name text NOT NULL UNIQUE
        )`,
    `CREATE TABLE teams (
          id text PRIMARY KEY,
          name text NOT NULL,
          region_id text NOT NULL REFERENCES regions(id)
        )`,
    `CREATE TABLE users (
          id text PRIMARY KEY,
          email text NOT NULL UNIQUE CHECK (email = lower(email)),
          display_name text NOT NULL,
          role text NOT NULL CHECK (role IN ('rep','manager','executive','admin')),
          team_id text REFERENCES teams(id),
          region_id text REFERENCES regions(id),
          password_hash text NOT NULL,
          active boolean NOT NULL DEFAULT true,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now()
        )`,
    `CREATE TABLE team_managers (
          team_id text NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
          user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          PRIMARY KEY (team_id, user_id)
        )`,
    `CREATE TABLE sessions (
          token_hash text PRIMARY KEY,
          user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          created_at timestamptz NOT NULL DEFAULT now(),
          expires_at timestamptz NOT NULL,
          last_seen_at timestamptz NOT NULL DEFAULT now()
        )`,
    `CREATE INDEX sessions_user_idx ON sessions(user_id)`,
    `CREATE TABLE leads (
          id text PRIMARY KEY,
          name text NOT NULL,
          mobile text,
          company text,
          city text,
          source text NOT NULL,
          need text NOT NULL,
          status text NOT NULL,
          owner_id text REFERENCES users(id),
          region_id text REFERENCES regions(id),
          created_at timestamptz NOT NULL,
          assigned_at timestamptz,
          first_touch_at timestamptz,
          updated_at timestamptz NOT NULL
        )`,
    `CREATE TABLE accounts (
          id text PRIMARY KEY,
          name text NOT NULL,
          industry text,
          city text,
          owner_id text REFERENCES users(id),
          region_id text REFERENCES regions(id),
          created_at timestamptz NOT NULL,
          updated_at timestamptz NOT NULL
        )`,
    `CREATE TABLE contacts (
          id text PRIMARY KEY,
          account_id text NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
          name text NOT NULL,
          title text,
          mobile text,
          email text,
          created_at timestamptz NOT NULL,
          updated_at timestamptz NOT NULL
        )`,
    `CREATE TABLE opportunities (
          id text PRIMARY KEY,
          account_id text NOT NULL REFERENCES accounts(id),
          lead_id text REFERENCES leads(id),
          name text NOT NULL,
          stage text NOT NULL,
          outcome text NOT NULL DEFAULT 'open',
          amount numeric(14,2) NOT NULL DEFAULT 0,
          currency char(3) NOT NULL DEFAULT 'CNY',
          owner_id text NOT NULL REFERENCES users(id),
          region_id text REFERENCES regions(id),
          stage_entered_at timestamptz NOT NULL,
          expected_close_on date,
          created_at timestamptz NOT NULL,
          updated_at timestamptz NOT NULL
        )`,
    `CREATE TABLE stage_history (
          id text PRIMARY KEY,
          opportunity_id text NOT NULL REFERENCES opportunities(id) ON DELETE CASCADE,
          from_stage text,
          to_stage text NOT NULL,
          changed_by text NOT NULL REFERENCES users(id),
          changed_at timestamptz NOT NULL
        )`,
    `CREATE TABLE activities (
          id text PRIMARY KEY,
          type text NOT NULL,
          lead_id text REFERENCES leads(id),
          opportunity_id text REFERENCES opportunities(id),
          owner_id text NOT NULL REFERENCES users(id),
          subject text NOT NULL,
          body text,
          occurred_at timestamptz NOT NULL,
          created_at timestamptz NOT NULL
        )`,
    `CREATE TABLE tasks (
          id text PRIMARY KEY,
          title text NOT NULL,
          lead_id text REFERENCES leads(id),
          opportunity_id text REFERENCES opportunities(id),
          owner_id text NOT NULL REFERENCES users(id),
          due_at timestamptz NOT NULL,
          status text NOT NULL DEFAULT 'open',
          created_at timestamptz NOT NULL,
          updated_at timestamptz NOT NULL
        )`,
  ]) {
    await sql.raw(statement).execute(db);
  }
}

/** Drops everything 0001 created (used by the step-by-step migration tests). */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    `DROP TABLE tasks, activities, stage_history, opportunities, contacts, accounts, leads,
          sessions, team_managers, users, teams, regions`,
  ]) {
    await sql.raw(statement).execute(db);
  }
}
