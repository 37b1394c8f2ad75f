import { sql, type Kysely } from 'kysely';

// Frozen: this migration must keep producing the same schema forever, so it
// uses raw SQL and no types from ../schema.ts: `Kysely<unknown>` knows no
// tables, because migrations describe past databases.

/** Tables the sync issue will fill; each carries the server's row version. */
const statements = [
  `CREATE TABLE me (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     server_url TEXT NOT NULL,
     user_id TEXT NOT NULL,
     email TEXT NOT NULL,
     display_name TEXT NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('rep','manager','executive','admin')),
     team_id TEXT,
     region_id TEXT,
     active INTEGER NOT NULL CHECK (active IN (0, 1)),
     team_json TEXT,
     region_json TEXT,
     managed_team_ids_json TEXT NOT NULL DEFAULT '[]',
     token_expires_at TEXT,
     signed_in_at TEXT NOT NULL
   ) STRICT`,
  `CREATE TABLE leads (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     mobile TEXT,
     company TEXT,
     city TEXT,
     source TEXT NOT NULL,
     need TEXT NOT NULL,
     status TEXT NOT NULL,
     owner_id TEXT,
     region_id TEXT,
     created_at TEXT NOT NULL,
     assigned_at TEXT,
     first_touch_at TEXT,
     updated_at TEXT NOT NULL,
     version INTEGER NOT NULL DEFAULT 0
   ) STRICT`,
  `CREATE INDEX leads_owner_status_idx ON leads(owner_id, status)`,
  `CREATE INDEX leads_status_idx ON leads(status)`,
  `CREATE TABLE accounts (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     industry TEXT,
     city TEXT,
     owner_id TEXT,
     region_id TEXT,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     version INTEGER NOT NULL DEFAULT 0
   ) STRICT`,
  // Foreign keys are DEFERRABLE so a sync batch may arrive in any order inside
  // one transaction; they are checked at commit.
  `CREATE TABLE contacts (
     id TEXT PRIMARY KEY,
     account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
     name TEXT NOT NULL,
     title TEXT,
     mobile TEXT,
     email TEXT,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     version INTEGER NOT NULL DEFAULT 0
   ) STRICT`,
  `CREATE INDEX contacts_account_idx ON contacts(account_id)`,
  `CREATE TABLE opportunities (
     id TEXT PRIMARY KEY,
     account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
     lead_id TEXT,
     name TEXT NOT NULL,
     stage TEXT NOT NULL,
     outcome TEXT NOT NULL CHECK (outcome IN ('open','won','lost')),
     amount REAL NOT NULL CHECK (amount >= 0),
     currency TEXT NOT NULL,
     owner_id TEXT NOT NULL,
     region_id TEXT,
     stage_entered_at TEXT NOT NULL,
     expected_close_on TEXT,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     version INTEGER NOT NULL DEFAULT 0
   ) STRICT`,
  `CREATE INDEX opportunities_owner_outcome_idx ON opportunities(owner_id, outcome)`,
  `CREATE INDEX opportunities_account_idx ON opportunities(account_id)`,
  `CREATE TABLE stage_history (
     id TEXT PRIMARY KEY,
     opportunity_id TEXT NOT NULL REFERENCES opportunities(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
     from_stage TEXT,
     to_stage TEXT NOT NULL,
     changed_by TEXT NOT NULL,
     changed_at TEXT NOT NULL,
     version INTEGER NOT NULL DEFAULT 0
   ) STRICT`,
  `CREATE INDEX stage_history_opportunity_idx ON stage_history(opportunity_id, changed_at)`,
  `CREATE TABLE activities (
     id TEXT PRIMARY KEY,
     type TEXT NOT NULL,
     lead_id TEXT,
     opportunity_id TEXT,
     owner_id TEXT NOT NULL,
     subject TEXT NOT NULL,
     body TEXT,
     occurred_at TEXT NOT NULL,
     created_at TEXT NOT NULL,
     version INTEGER NOT NULL DEFAULT 0
   ) STRICT`,
  `CREATE INDEX activities_owner_occurred_idx ON activities(owner_id, occurred_at)`,
  `CREATE TABLE tasks (
     id TEXT PRIMARY KEY,
     title TEXT NOT NULL,
     lead_id TEXT,
     opportunity_id TEXT,
     owner_id TEXT NOT NULL,
     due_at TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('open','done','cancelled')),
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     version INTEGER NOT NULL DEFAULT 0
   ) STRICT`,
  `CREATE INDEX tasks_owner_status_due_idx ON tasks(owner_id, status, due_at)`,
  `CREATE TABLE settings (
     key TEXT PRIMARY KEY,
     value_json TEXT NOT NULL,
     updated_at TEXT NOT NULL
   ) STRICT`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  // Kysely's SQLite adapter runs DDL outside a transaction; wrap it ourselves so
  // a failure leaves nothing behind.
  await db.transaction().execute(async (trx) => {
    for (const statement of statements) await sql.raw(statement).execute(trx);
  });
}
