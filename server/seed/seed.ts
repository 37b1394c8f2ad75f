import type { PGlite } from '@electric-sql/pglite';
import { sql, type Kysely } from 'kysely';
import type { ServerDatabase } from '../db/schema';
import { hashPassword } from '../modules/auth/password';
import { copyIntoPglite, insertWithUnnest, type BatchDone, type PgColumnType, type TableLoad } from './bulk-load';
import { DEMO_PASSWORD } from './demo-accounts';
import { generateDataset, type SeedDataset, type UserRow } from './generate';

export interface SeedProgress {
  /** 'generate', then the table being loaded. */
  phase: string;
  done: number;
  total: number;
}

export interface SeedOptions {
  leads: number;
  /** PRNG seed; default 1. */
  seed?: number;
  /** The raw PGlite handle when the store is embedded: enables the COPY fast path. */
  pglite?: PGlite | null;
  /** The moment the data is laid out around; default the current time. */
  now?: Date | number;
  onProgress?: (progress: SeedProgress) => void;
}

export interface SeedSummary {
  users: number;
  leads: number;
  accounts: number;
  contacts: number;
  opportunities: number;
  stageHistory: number;
  activities: number;
  tasks: number;
  /** Every row written, all tables. */
  rows: number;
  ms: number;
}

export class SeedRefusedError extends Error {
  constructor(users: number) {
    super(
      `Refusing to seed: the database already has ${users} user${users === 1 ? '' : 's'}. ` +
        'Seed only an empty database (point DATABASE_URL or VERITY_DATA_DIR at a fresh one).',
    );
    this.name = 'SeedRefusedError';
  }
}

const MAX_LEADS = 1_000_000;

interface Loader {
  table: string;
  count: number;
  copy(pglite: PGlite, onBatch: BatchDone): Promise<void>;
  insert(db: Kysely<ServerDatabase>, onBatch: BatchDone): Promise<void>;
}

function loader<R>(load: TableLoad<R>): Loader {
  return {
    table: load.table,
    count: load.rows.length,
    copy: (pglite, onBatch) => copyIntoPglite(pglite, load, onBatch),
    insert: (db, onBatch) => insertWithUnnest(db, load, onBatch),
  };
}

const TEXT: PgColumnType = 'text';
const TS: PgColumnType = 'timestamptz';

/** The dataset as table loads, in foreign-key order. */
function loadsFor(data: SeedDataset, passwordHash: string): Loader[] {
  const users = data.users.map((u): UserRow & { password_hash: string } => ({ ...u, password_hash: passwordHash }));
  return [
    loader({ table: 'regions', columns: { id: TEXT, name: TEXT }, rows: data.regions }),
    loader({ table: 'teams', columns: { id: TEXT, name: TEXT, region_id: TEXT }, rows: data.teams }),
    loader({
      table: 'users',
      columns: {
        id: TEXT, email: TEXT, display_name: TEXT, role: TEXT, team_id: TEXT, region_id: TEXT,
        active: 'boolean', created_at: TS, updated_at: TS, password_hash: TEXT,
      },
      rows: users,
    }),
    loader({ table: 'team_managers', columns: { team_id: TEXT, user_id: TEXT }, rows: data.teamManagers }),
    loader({
      table: 'leads',
      columns: {
        id: TEXT, name: TEXT, mobile: TEXT, company: TEXT, city: TEXT, source: TEXT, need: TEXT, status: TEXT,
        owner_id: TEXT, region_id: TEXT, created_at: TS, assigned_at: TS, first_touch_at: TS, updated_at: TS,
      },
      rows: data.leads,
    }),
    loader({
      table: 'accounts',
      columns: { id: TEXT, name: TEXT, industry: TEXT, city: TEXT, owner_id: TEXT, region_id: TEXT, created_at: TS, updated_at: TS },
      rows: data.accounts,
    }),
    loader({
      table: 'contacts',
      columns: { id: TEXT, account_id: TEXT, name: TEXT, title: TEXT, mobile: TEXT, email: TEXT, created_at: TS, updated_at: TS },
      rows: data.contacts,
    }),
    loader({
      table: 'opportunities',
      columns: {
        id: TEXT, account_id: TEXT, lead_id: TEXT, name: TEXT, stage: TEXT, outcome: TEXT, amount: 'numeric', currency: TEXT,
        owner_id: TEXT, region_id: TEXT, stage_entered_at: TS, expected_close_on: 'date', created_at: TS, updated_at: TS,
      },
      rows: data.opportunities,
    }),
    loader({
      table: 'stage_history',
      columns: { id: TEXT, opportunity_id: TEXT, from_stage: TEXT, to_stage: TEXT, changed_by: TEXT, changed_at: TS },
      rows: data.stageHistory,
    }),
    loader({
      table: 'activities',
      columns: {
        id: TEXT, type: TEXT, lead_id: TEXT, opportunity_id: TEXT, owner_id: TEXT, subject: TEXT, body: TEXT,
        occurred_at: TS, created_at: TS,
      },
      rows: data.activities,
    }),
    loader({
      table: 'tasks',
      columns: {
        id: TEXT, title: TEXT, kind: TEXT, lead_id: TEXT, opportunity_id: TEXT, owner_id: TEXT, due_at: TS, status: TEXT,
        created_at: TS, updated_at: TS,
      },
      rows: data.tasks,
    }),
  ];
}

async function countUsers(db: Kysely<ServerDatabase>): Promise<number> {
  const row = await db.selectFrom('users').select(sql<string | number>`count(*)`.as('n')).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Fills an empty store with the demo team and `leads` generated leads (plus
 * accounts, deals, history, activities, tasks). All in one transaction: a
 * failure leaves the store as it was. Refuses a store that has users.
 */
export async function seedDatabase(db: Kysely<ServerDatabase>, opts: SeedOptions): Promise<SeedSummary> {
  const started = performance.now();
  if (!Number.isInteger(opts.leads) || opts.leads < 1 || opts.leads > MAX_LEADS) {
    throw new RangeError(`seedDatabase: leads must be a whole number from 1 to ${MAX_LEADS}, got ${opts.leads}`);
  }
  const seed = opts.seed ?? 1;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) {
    throw new RangeError(`seedDatabase: seed must be a whole number from 0 to ${0xffff_ffff}, got ${seed}`);
  }
  const progress = opts.onProgress ?? (() => undefined);
  // Fail before the slow part; checked again inside the transaction.
  const existing = await countUsers(db);
  if (existing > 0) throw new SeedRefusedError(existing);

  progress({ phase: 'generate', done: 0, total: opts.leads });
  const data = generateDataset({ leads: opts.leads, seed, now: opts.now ?? Date.now() });
  progress({ phase: 'generate', done: opts.leads, total: opts.leads });
  // One hash for everyone: scrypt is deliberately slow.
  const loads = loadsFor(data, await hashPassword(DEMO_PASSWORD));

  const pglite = opts.pglite ?? null;
  await db.transaction().execute(async (trx) => {
    const users = await countUsers(trx);
    if (users > 0) throw new SeedRefusedError(users);
    for (const load of loads) {
      let done = 0;
      const onBatch: BatchDone = (_table, n) => {
        done += n;
        progress({ phase: load.table, done, total: load.count });
      };
      progress({ phase: load.table, done: 0, total: load.count });
      // The transaction holds PGlite's only connection, so the raw handle runs inside it.
      if (pglite) await load.copy(pglite, onBatch);
      else await load.insert(trx, onBatch);
    }
  });

  const rows = loads.reduce((sum, l) => sum + l.count, 0);
  return {
    users: data.users.length,
    leads: data.leads.length,
    accounts: data.accounts.length,
    contacts: data.contacts.length,
    opportunities: data.opportunities.length,
    stageHistory: data.stageHistory.length,
    activities: data.activities.length,
    tasks: data.tasks.length,
    rows,
    ms: Math.round(performance.now() - started),
  };
}
