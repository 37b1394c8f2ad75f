import type { ColumnType, Generated } from 'kysely';

/**
 * The team server's tables as Kysely sees them. Migrations never import this
 * file (they are frozen in time); it describes the latest schema.
 * Timestamps are timestamptz (Date when read); `amount` is numeric, which
 * pg and PGlite both return as a string.
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Numeric = ColumnType<string, number | string, number | string>;
/** bigint: pg returns it as a string; PGlite as a number. Read through Number(). */
type Int8 = ColumnType<string | number, number | bigint | string, number | bigint | string>;
type Json = ColumnType<unknown, string, string>;
/** bigint with a database default. */
type Version = ColumnType<string | number, number | bigint | string | undefined, number | bigint | string>;

export interface RegionsTable {
  id: string;
  name: string;
}

export interface TeamsTable {
  id: string;
  name: string;
  region_id: string;
}

export interface UsersTable {
  id: string;
  /** Stored lower-cased; unique. */
  email: string;
  display_name: string;
  role: 'rep' | 'manager' | 'executive' | 'admin';
  team_id: string | null;
  region_id: string | null;
  /** scrypt$N$r$p$salt$hash, all base64. */
  password_hash: string;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** seq of the change that last wrote this row (0 = loaded before sync existed, e.g. seeded). */
  version: Version;
}

export interface TeamManagersTable {
  team_id: string;
  user_id: string;
}

export interface SessionsTable {
  /** sha256 of the opaque bearer token; the token itself is never stored. */
  token_hash: string;
  user_id: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
  last_seen_at: Timestamp;
}

export interface LeadsTable {
  id: string;
  name: string;
  mobile: string | null;
  company: string | null;
  city: string | null;
  source: string;
  need: string;
  status: string;
  owner_id: string | null;
  region_id: string | null;
  created_at: Timestamp;
  assigned_at: Timestamp | null;
  first_touch_at: Timestamp | null;
  updated_at: Timestamp;
  /** seq of the change that last wrote this row (0 = loaded before sync existed, e.g. seeded). */
  version: Version;
}

export interface AccountsTable {
  id: string;
  name: string;
  industry: string | null;
  city: string | null;
  owner_id: string | null;
  region_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** seq of the change that last wrote this row (0 = loaded before sync existed, e.g. seeded). */
  version: Version;
}

export interface ContactsTable {
  id: string;
  account_id: string;
  name: string;
  title: string | null;
  mobile: string | null;
  email: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** seq of the change that last wrote this row (0 = loaded before sync existed, e.g. seeded). */
  version: Version;
}

export interface OpportunitiesTable {
  id: string;
  account_id: string;
  lead_id: string | null;
  name: string;
  stage: string;
  outcome: string;
  amount: Numeric;
  currency: string;
  owner_id: string;
  region_id: string | null;
  stage_entered_at: Timestamp;
  /** date, as 'YYYY-MM-DD' text on read (type parser set per driver). */
  expected_close_on: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** seq of the change that last wrote this row (0 = loaded before sync existed, e.g. seeded). */
  version: Version;
}

export interface StageHistoryTable {
  id: string;
  opportunity_id: string;
  from_stage: string | null;
  to_stage: string;
  changed_by: string;
  changed_at: Timestamp;
  /** seq of the change that last wrote this row (0 = loaded before sync existed, e.g. seeded). */
  version: Version;
}

export interface ActivitiesTable {
  id: string;
  type: string;
  lead_id: string | null;
  opportunity_id: string | null;
  owner_id: string;
  subject: string;
  body: string | null;
  occurred_at: Timestamp;
  created_at: Timestamp;
  /** seq of the change that last wrote this row (0 = loaded before sync existed, e.g. seeded). */
  version: Version;
}

export interface TasksTable {
  id: string;
  title: string;
  /** 'first_contact' | 'custom' (0005). */
  kind: Generated<string>;
  lead_id: string | null;
  opportunity_id: string | null;
  owner_id: string;
  due_at: Timestamp;
  status: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** seq of the change that last wrote this row (0 = loaded before sync existed, e.g. seeded). */
  version: Version;
}

export interface SyncCounterTable {
  id: number;
  seq: Int8;
  /** The highest seq removed from the change log by compaction (0: nothing removed). */
  compacted_through: ColumnType<string | number, number | bigint | string | undefined, number | bigint | string>;
}

export interface ChangeLogTable {
  seq: Int8;
  entity: string;
  entity_id: string;
  op: 'upsert' | 'delete';
  owner_id: string | null;
  region_id: string | null;
  pool: boolean;
  prev_owner_id: string | null;
  prev_region_id: string | null;
  prev_pool: boolean | null;
  /** The entity as the shared schema describes it (camelCase), JSON text on write. */
  row: Json | null;
  mutation: string | null;
  at: Generated<Date>;
}

export interface SyncClientsTable {
  client_id: string;
  user_id: string;
  last_mutation_id: Version;
  schema_version: number;
  /** Fingerprint of the user's role and regions at the last pull; a change forces a reset. */
  scope_key: Generated<string>;
  created_at: CreatedAt;
  seen_at: Generated<Date>;
}

export interface MutationResultsTable {
  client_id: string;
  mutation_id: Int8;
  name: string;
  status: 'applied' | 'rejected';
  code: string | null;
  reason: string | null;
  fields: Json;
  server_values: Json | null;
  support_id: string | null;
  seq: Int8;
  at: Generated<Date>;
}

export interface MutationFailuresTable {
  client_id: string;
  mutation_id: Int8;
  attempts: number;
  last_error: string | null;
}

export interface ServerDatabase {
  sync_counter: SyncCounterTable;
  change_log: ChangeLogTable;
  sync_clients: SyncClientsTable;
  mutation_results: MutationResultsTable;
  mutation_failures: MutationFailuresTable;
  regions: RegionsTable;
  teams: TeamsTable;
  users: UsersTable;
  team_managers: TeamManagersTable;
  sessions: SessionsTable;
  leads: LeadsTable;
  accounts: AccountsTable;
  contacts: ContactsTable;
  opportunities: OpportunitiesTable;
  stage_history: StageHistoryTable;
  activities: ActivitiesTable;
  tasks: TasksTable;
}
