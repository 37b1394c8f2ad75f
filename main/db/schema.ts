import type { Generated } from 'kysely';

/**
 * The local store's tables as Kysely sees them (snake_case, ISO text
 * timestamps). Kept in step with the latest migration; migrations never import it.
 */
export interface MeTable {
  id: number;
  server_url: string;
  user_id: string;
  email: string;
  display_name: string;
  role: string;
  team_id: string | null;
  region_id: string | null;
  active: number;
  team_json: string | null;
  region_json: string | null;
  managed_team_ids_json: Generated<string>;
  token_expires_at: string | null;
  signed_in_at: string;
  managed_region_ids_json: Generated<string>;
  managed_teams_json: Generated<string>;
}

/** Colleagues (cache file). */
export interface UsersTable {
  id: string;
  email: string;
  display_name: string;
  role: string;
  team_id: string | null;
  region_id: string | null;
  active: number;
  version: Generated<number>;
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
  created_at: string;
  assigned_at: string | null;
  first_touch_at: string | null;
  updated_at: string;
  version: Generated<number>;
}

export interface AccountsTable {
  id: string;
  name: string;
  industry: string | null;
  city: string | null;
  owner_id: string | null;
  region_id: string | null;
  created_at: string;
  updated_at: string;
  version: Generated<number>;
}

export interface ContactsTable {
  id: string;
  account_id: string;
  name: string;
  title: string | null;
  mobile: string | null;
  email: string | null;
  created_at: string;
  updated_at: string;
  version: Generated<number>;
}

export interface OpportunitiesTable {
  id: string;
  account_id: string;
  lead_id: string | null;
  name: string;
  stage: string;
  outcome: string;
  amount: number;
  currency: string;
  owner_id: string;
  region_id: string | null;
  stage_entered_at: string;
  expected_close_on: string | null;
  created_at: string;
  updated_at: string;
  version: Generated<number>;
}

export interface StageHistoryTable {
  id: string;
  opportunity_id: string;
  from_stage: string | null;
  to_stage: string;
  changed_by: string;
  changed_at: string;
  version: Generated<number>;
}

export interface ActivitiesTable {
  id: string;
  type: string;
  lead_id: string | null;
  opportunity_id: string | null;
  owner_id: string;
  subject: string;
  body: string | null;
  occurred_at: string;
  created_at: string;
  version: Generated<number>;
}

export interface TasksTable {
  id: string;
  title: string;
  lead_id: string | null;
  opportunity_id: string | null;
  owner_id: string;
  due_at: string;
  status: string;
  created_at: string;
  updated_at: string;
  version: Generated<number>;
}

export interface SettingsTable {
  key: string;
  value_json: string;
  updated_at: string;
}

/**
 * `me` and `settings` live in cockpit.sqlite; the synced tables (users …
 * tasks) in the signed-in user's cache file, attached by the sync engine
 * (main/sync/sync-store.ts) and reached by the same unqualified names.
 */
export interface LocalDatabase {
  me: MeTable;
  users: UsersTable;
  leads: LeadsTable;
  accounts: AccountsTable;
  contacts: ContactsTable;
  opportunities: OpportunitiesTable;
  stage_history: StageHistoryTable;
  activities: ActivitiesTable;
  tasks: TasksTable;
  settings: SettingsTable;
}

