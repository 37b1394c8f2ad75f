/**
 * The cache file's schema: rows mirrored from the team server, plus the
 * shadow copies of rows the user changed locally. The cache can always be
 * rebuilt from the server, so it has no migrations: a different
 * CACHE_SCHEMA_VERSION means "throw the file away and bootstrap again".
 * Pending writes live in the outbox file and are never touched by that.
 */
export const CACHE_SCHEMA_VERSION = 2;

export const CACHE_TABLES_DDL = [
  `CREATE TABLE users (
     id TEXT PRIMARY KEY, email TEXT NOT NULL, display_name TEXT NOT NULL, role TEXT NOT NULL,
     team_id TEXT, region_id TEXT, active INTEGER NOT NULL, version INTEGER NOT NULL DEFAULT 0
   ) STRICT`,
  `CREATE TABLE accounts (
     id TEXT PRIMARY KEY, name TEXT NOT NULL, industry TEXT, city TEXT, owner_id TEXT, region_id TEXT,
     created_at TEXT NOT NULL, updated_at TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 0
   ) STRICT`,
  `CREATE TABLE contacts (
     id TEXT PRIMARY KEY, account_id TEXT NOT NULL, name TEXT NOT NULL, title TEXT, mobile TEXT, email TEXT,
     created_at TEXT NOT NULL, updated_at TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 0
   ) STRICT`,
  `CREATE TABLE leads (
     id TEXT PRIMARY KEY, name TEXT NOT NULL, mobile TEXT, company TEXT, city TEXT, source TEXT NOT NULL,
     need TEXT NOT NULL, status TEXT NOT NULL, owner_id TEXT, region_id TEXT, created_at TEXT NOT NULL,
     assigned_at TEXT, first_touch_at TEXT, updated_at TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 0
   ) STRICT`,
  `CREATE TABLE opportunities (
     id TEXT PRIMARY KEY, account_id TEXT NOT NULL, lead_id TEXT, name TEXT NOT NULL, stage TEXT NOT NULL,
     outcome TEXT NOT NULL, amount REAL NOT NULL, currency TEXT NOT NULL, owner_id TEXT NOT NULL, region_id TEXT,
     stage_entered_at TEXT NOT NULL, expected_close_on TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
     version INTEGER NOT NULL DEFAULT 0
   ) STRICT`,
  `CREATE TABLE stage_history (
     id TEXT PRIMARY KEY, opportunity_id TEXT NOT NULL, from_stage TEXT, to_stage TEXT NOT NULL,
     changed_by TEXT NOT NULL, changed_at TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 0
   ) STRICT`,
  `CREATE TABLE activities (
     id TEXT PRIMARY KEY, type TEXT NOT NULL, lead_id TEXT, opportunity_id TEXT, owner_id TEXT NOT NULL,
     subject TEXT NOT NULL, body TEXT, occurred_at TEXT NOT NULL, created_at TEXT NOT NULL,
     version INTEGER NOT NULL DEFAULT 0
   ) STRICT`,
  `CREATE TABLE tasks (
     id TEXT PRIMARY KEY, title TEXT NOT NULL, kind TEXT NOT NULL DEFAULT 'custom', lead_id TEXT, opportunity_id TEXT, owner_id TEXT NOT NULL,
     due_at TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
     version INTEGER NOT NULL DEFAULT 0
   ) STRICT`,
  // The server's copy of a row the user changed locally; row_json NULL = absent on the server.
  `CREATE TABLE shadow (
     entity TEXT NOT NULL, id TEXT NOT NULL, row_json TEXT, version INTEGER NOT NULL,
     PRIMARY KEY (entity, id)
   ) STRICT`,
];

/** Built after a bulk load (SYNC.md §2: faster than maintaining them during it). */
export const CACHE_INDEXES_DDL = [
  `CREATE INDEX IF NOT EXISTS leads_owner_status_idx ON leads(owner_id, status)`,
  `CREATE INDEX IF NOT EXISTS leads_status_idx ON leads(status)`,
  `CREATE INDEX IF NOT EXISTS contacts_account_idx ON contacts(account_id)`,
  `CREATE INDEX IF NOT EXISTS opportunities_owner_outcome_idx ON opportunities(owner_id, outcome)`,
  `CREATE INDEX IF NOT EXISTS stage_history_opportunity_idx ON stage_history(opportunity_id, changed_at)`,
  `CREATE INDEX IF NOT EXISTS activities_lead_idx ON activities(lead_id, occurred_at)`,
  `CREATE INDEX IF NOT EXISTS activities_opportunity_idx ON activities(opportunity_id, occurred_at)`,
  `CREATE INDEX IF NOT EXISTS activities_owner_occurred_idx ON activities(owner_id, occurred_at)`,
  `CREATE INDEX IF NOT EXISTS tasks_owner_status_due_idx ON tasks(owner_id, status, due_at)`,
];
