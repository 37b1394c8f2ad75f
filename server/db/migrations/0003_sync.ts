import { sql, type Kysely } from 'kysely';

// Frozen. The sync machinery (../shared/SYNC.md §3.1): a version on every
// synced row, a single-row counter whose row lock makes `seq` order equal to
// commit order, the change log that pulls read, each cockpit's last applied
// mutation, and the result of every mutation (so a lost push response loses
// nothing). One statement per execute for PGlite.
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['users', 'leads', 'accounts', 'contacts', 'opportunities', 'stage_history', 'activities', 'tasks']) {
    await sql.raw(`ALTER TABLE ${table} ADD COLUMN version bigint NOT NULL DEFAULT 0`).execute(db);
  }
  for (const statement of [
    `CREATE TABLE sync_counter (
      id integer PRIMARY KEY CHECK (id = 1),
      seq bigint NOT NULL
    )`,
    `INSERT INTO sync_counter (id, seq) VALUES (1, 0)`,
    `CREATE TABLE change_log (
      seq bigint PRIMARY KEY,
      entity text NOT NULL,
      entity_id text NOT NULL,
      op text NOT NULL CHECK (op IN ('upsert', 'delete')),
      owner_id text,
      region_id text,
      pool boolean NOT NULL DEFAULT false,
      prev_owner_id text,
      prev_region_id text,
      prev_pool boolean,
      row jsonb,
      mutation text,
      at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX change_log_owner_idx ON change_log(owner_id, seq)`,
    `CREATE INDEX change_log_region_idx ON change_log(region_id, seq)`,
    `CREATE TABLE sync_clients (
      client_id text PRIMARY KEY,
      user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      last_mutation_id bigint NOT NULL DEFAULT 0,
      schema_version integer NOT NULL,
      scope_key text NOT NULL DEFAULT '',
      created_at timestamptz NOT NULL DEFAULT now(),
      seen_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE TABLE mutation_results (
      client_id text NOT NULL REFERENCES sync_clients(client_id) ON DELETE CASCADE,
      mutation_id bigint NOT NULL,
      name text NOT NULL,
      status text NOT NULL CHECK (status IN ('applied', 'rejected')),
      code text,
      reason text,
      fields jsonb NOT NULL DEFAULT '[]',
      server_values jsonb,
      support_id text,
      seq bigint NOT NULL,
      at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (client_id, mutation_id)
    )`,
    `CREATE INDEX mutation_results_seq_idx ON mutation_results(client_id, seq)`,
    `CREATE TABLE mutation_failures (
      client_id text NOT NULL,
      mutation_id bigint NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      PRIMARY KEY (client_id, mutation_id)
    )`,
  ]) {
    await sql.raw(statement).execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw('DROP TABLE mutation_failures, mutation_results, sync_clients, change_log, sync_counter').execute(db);
  for (const table of ['users', 'leads', 'accounts', 'contacts', 'opportunities', 'stage_history', 'activities', 'tasks']) {
    await sql.raw(`ALTER TABLE ${table} DROP COLUMN version`).execute(db);
  }
}
