import Database from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPullPage } from '../../main/sync/pull-applier';
import { SyncStore, syncFiles } from '../../main/sync/sync-store';
import type { Clock } from '../../server/clock';
import type { ServerDatabase } from '../../server/db/schema';
import {
  toAccount,
  toActivity,
  toContact,
  toLead,
  toOpportunity,
  toStageHistory,
  toTask,
  toUser,
  USER_COLUMNS,
} from '../../server/sync/entity-rows';
import { updateUser } from '../../server/modules/users/users.service';
import { handlePull } from '../../server/sync/pull';
import { rowScope } from '../../server/sync/row-scope';
import { buildManifest, snapshotPartLines } from '../../server/sync/snapshot';
import { loadViewer } from '../../server/sync/viewer';
import { scopedSource, visibleSql } from '../../server/sync/visibility-sql';
import { appendChange, applyMutation, nextSeq } from '../../server/sync/write-path';
import { LEAD_STATUSES, STAGES, type LeadStatus, type Role } from '../../shared/domain/enums';
import { ENTITY_TABLES } from '../../shared/sync/entities';
import { SYNC_ENTITIES, SYNC_PROTOCOL_VERSION, SYNC_SCHEMA_VERSION, type SyncEntity } from '../../shared/sync/protocol';
import { canSee, placeOf, scopeSource, visibilityChange, type RowScope, type Viewer } from '../../shared/sync/visibility';
import { openTestStore, storeKinds, type TestStore } from './store-harness';

/**
 * The one scope rule (shared/sync/visibility.ts), checked as a property: for
 * random teams (reps, managers of random teams, executives, admins) and rows
 * (leads in every status, deals, stage history, notes on leads, deals or
 * neither, tasks of various owners, accounts, contacts), then random
 * reassignments, touches, tasks, stage moves, moves to the pool or to review
 * and deal handovers, these all give each viewer the same rows:
 *
 * - the TypeScript rule (`scopeSource` + `canSee`) over the rows as stored;
 * - the SQL form of each row's place (the snapshot's joins), row by row;
 * - a snapshot (manifest + parts);
 * - a cockpit cache bootstrapped from a snapshot and kept up by pulls
 *   (grants with the rows that follow, evicts with the cockpit's cascade);
 * - the pull's SQL filter over the change log against `visibilityChange`.
 *
 * A failure names its seed; VERITY_SCOPE_SEED=n reruns just that one.
 */

const SEEDS = process.env.VERITY_SCOPE_SEED ? [Number(process.env.VERITY_SCOPE_SEED)] : [1, 2];
const ROUNDS = 3;
const OPS_PER_ROUND = 30;

/** mulberry32: small, seeded, good enough to pick test cases. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    chance: (p: number) => next() < p,
    pick<T>(items: readonly T[]): T {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
  };
}
type Rng = ReturnType<typeof prng>;

type Db = Kysely<ServerDatabase>;
/** entity → id → version */
type RowSet = Record<SyncEntity, Map<string, number>>;

const emptySet = (): RowSet => Object.fromEntries(SYNC_ENTITIES.map((e) => [e, new Map<string, number>()])) as RowSet;

const REGIONS = ['r1', 'r2', 'r3'] as const;
const TEAMS = [
  { id: 't1a', region: 'r1' },
  { id: 't1b', region: 'r1' },
  { id: 't2', region: 'r2' },
  { id: 't3', region: 'r3' },
] as const;

interface World {
  users: { id: string; role: Role; regionId: string | null }[];
  leads: string[];
  deals: string[];
  tasks: string[];
  viewers: Viewer[];
}

const base = new Date('2026-11-20T08:00:00.000Z');
const isoAt = (minutes: number) => new Date(base.getTime() + minutes * 60_000).toISOString();

async function resetStore(db: Db): Promise<void> {
  await sql`TRUNCATE regions, users, change_log, sync_clients RESTART IDENTITY CASCADE`.execute(db);
  await db.updateTable('sync_counter').set({ seq: 0, compacted_through: 0 }).where('id', '=', 1).execute();
}

/** Rows as a seed or import loads them: straight into the tables, before any cockpit syncs. */
async function seedWorld(db: Db, rng: Rng): Promise<World> {
  await db.insertInto('regions').values(REGIONS.map((id) => ({ id, name: `Region ${id}` }))).execute();
  await db.insertInto('teams').values(TEAMS.map((t) => ({ id: t.id, name: `Team ${t.id}`, region_id: t.region }))).execute();
  const users: World['users'] = [];
  const roles: Role[] = ['rep', 'rep', 'rep', 'rep', 'rep', 'manager', 'manager', 'executive', 'admin'];
  for (let i = rng.int(3); i > 0; i--) roles.push(rng.pick(['rep', 'rep', 'manager'] as const));
  for (const [i, role] of roles.entries()) {
    const team = role === 'rep' || role === 'manager' ? (rng.chance(0.9) ? rng.pick(TEAMS) : null) : null;
    const regionId = team ? team.region : role === 'manager' && rng.chance(0.5) ? rng.pick(REGIONS) : null;
    const id = `u${String(i).padStart(2, '0')}_${role}`;
    users.push({ id, role, regionId });
    await db
      .insertInto('users')
      .values({ id, email: `${id}@scope.example.com`, display_name: id, role, team_id: team?.id ?? null, region_id: regionId, password_hash: 'x', updated_at: base })
      .execute();
    if (role === 'manager') {
      for (const t of TEAMS) if (rng.chance(0.4)) await db.insertInto('team_managers').values({ team_id: t.id, user_id: id }).execute();
    }
  }
  const owners = users.filter((u) => u.role === 'rep' || u.role === 'manager');
  const anyone = users;
  const regionOf = (userId: string | null) => users.find((u) => u.id === userId)?.regionId ?? null;
  const t = (m: number) => isoAt(-10_000 + m);

  const accounts: string[] = [];
  for (let i = 0; i < 6; i++) {
    const owner = rng.chance(0.8) ? rng.pick(owners).id : null;
    const id = `acc${i}`;
    accounts.push(id);
    await db
      .insertInto('accounts')
      .values({ id, name: `Account ${i}`, industry: null, city: null, owner_id: owner, region_id: rng.chance(0.8) ? regionOf(owner) : rng.pick(REGIONS), created_at: t(i), updated_at: t(i), version: 0 })
      .execute();
  }
  for (let i = 0; i < 10; i++) {
    await db
      .insertInto('contacts')
      .values({ id: `con${i}`, account_id: rng.pick(accounts), name: `Contact ${i}`, title: null, mobile: null, email: null, created_at: t(i), updated_at: t(i), version: 0 })
      .execute();
  }
  const leads: string[] = [];
  for (let i = 0; i < 30; i++) {
    // Every status, pool and review included.
    const status: LeadStatus = LEAD_STATUSES[i % LEAD_STATUSES.length] ?? 'new';
    const owner = status === 'public_pool' || (status === 'new' && rng.chance(0.5)) ? null : rng.pick(owners).id;
    const region = rng.chance(0.85) ? (regionOf(owner) ?? rng.pick(REGIONS)) : rng.chance(0.5) ? rng.pick(REGIONS) : null;
    const id = `lead${String(i).padStart(2, '0')}`;
    leads.push(id);
    await db
      .insertInto('leads')
      .values({
        id,
        name: `Lead ${i}`,
        mobile: null,
        company: null,
        city: null,
        source: 'website_form',
        need: 'quote',
        status,
        owner_id: owner,
        region_id: region,
        created_at: t(i),
        assigned_at: owner ? t(i) : null,
        first_touch_at: null,
        updated_at: t(i),
        version: 0,
      })
      .execute();
  }
  const deals: string[] = [];
  for (let i = 0; i < 10; i++) {
    const owner = rng.pick(owners).id;
    const id = `deal${i}`;
    deals.push(id);
    await db
      .insertInto('opportunities')
      .values({
        id,
        account_id: rng.pick(accounts),
        lead_id: rng.chance(0.5) ? rng.pick(leads) : null,
        name: `Deal ${i}`,
        stage: 'first_contact',
        outcome: 'open',
        amount: 1000 + i,
        currency: 'CNY',
        owner_id: owner,
        region_id: rng.chance(0.85) ? regionOf(owner) : rng.pick(REGIONS),
        stage_entered_at: t(i),
        expected_close_on: null,
        created_at: t(i),
        updated_at: t(i),
        version: 0,
      })
      .execute();
    await db
      .insertInto('stage_history')
      .values({ id: `sh_seed${i}`, opportunity_id: id, from_stage: 'lead', to_stage: 'first_contact', changed_by: owner, changed_at: t(i), version: 0 })
      .execute();
  }
  for (let i = 0; i < 40; i++) {
    const on = rng.int(4);
    const deal = on === 0 || on === 1 ? rng.pick(deals) : null;
    // A note on a deal may name its lead as well; it still follows the deal.
    const lead = on === 2 || on === 1 ? rng.pick(leads) : null;
    await db
      .insertInto('activities')
      .values({ id: `act_seed${i}`, type: 'call', lead_id: lead, opportunity_id: deal, owner_id: rng.pick(anyone).id, subject: `Note ${i}`, body: null, occurred_at: t(i), created_at: t(i), version: 0 })
      .execute();
  }
  const tasks: string[] = [];
  for (let i = 0; i < 30; i++) {
    const on = rng.int(3);
    const id = `task_seed${i}`;
    tasks.push(id);
    await db
      .insertInto('tasks')
      .values({
        id,
        title: `Task ${i}`,
        lead_id: on === 0 ? rng.pick(leads) : null,
        opportunity_id: on === 1 ? rng.pick(deals) : null,
        owner_id: rng.pick(owners).id,
        due_at: t(1000 + i),
        status: rng.chance(0.7) ? 'open' : 'done',
        created_at: t(i),
        updated_at: t(i),
        version: 0,
      })
      .execute();
  }
  const viewers: Viewer[] = [];
  for (const u of users) {
    const v = await loadViewer(db, u.id);
    if (!v) throw new Error(`viewer ${u.id} missing`);
    viewers.push(v);
  }
  return { users, leads, deals, tasks, viewers };
}

// --- the TypeScript rule over the stored rows ------------------------------

async function storedRows(db: Db): Promise<Record<SyncEntity, Map<string, Record<string, unknown> & { version: number }>>> {
  const withVersion = <R extends { version: string | number }, T extends object>(rows: R[], map: (r: R) => T) =>
    new Map(rows.map((r) => { const row = { ...map(r), version: Number(r.version) } as Record<string, unknown> & { version: number }; return [String(row.id), row]; }));
  return {
    user: withVersion(await db.selectFrom('users').select([...USER_COLUMNS, 'version']).execute(), toUser),
    account: withVersion(await db.selectFrom('accounts').selectAll().execute(), toAccount),
    contact: withVersion(await db.selectFrom('contacts').selectAll().execute(), toContact),
    lead: withVersion(await db.selectFrom('leads').selectAll().execute(), toLead),
    opportunity: withVersion(await db.selectFrom('opportunities').selectAll().execute(), toOpportunity),
    stage_history: withVersion(await db.selectFrom('stage_history').selectAll().execute(), toStageHistory),
    activity: withVersion(await db.selectFrom('activities').selectAll().execute(), toActivity),
    task: withVersion(await db.selectFrom('tasks').selectAll().execute(), toTask),
  };
}

type Stored = Awaited<ReturnType<typeof storedRows>>;

function tsScope(stored: Stored, entity: SyncEntity, row: Record<string, unknown>): RowScope {
  const source = scopeSource(entity, row);
  if (source.kind === 'scope') return source.scope;
  const parent = stored[source.parent].get(source.id);
  if (!parent) throw new Error(`${entity} ${String(row.id)}: ${source.parent} ${source.id} missing`);
  return placeOf(source.parent, parent);
}

function expectedRows(stored: Stored, viewer: Viewer): RowSet {
  const out = emptySet();
  for (const entity of SYNC_ENTITIES) {
    for (const [id, row] of stored[entity]) if (canSee(viewer, tsScope(stored, entity, row))) out[entity].set(id, row.version);
  }
  return out;
}

// --- the SQL form, snapshots, cockpits --------------------------------------

/** Every row's place as the snapshot's joins compute it, against the TypeScript rule. */
async function checkSqlPlaces(db: Db, stored: Stored): Promise<void> {
  for (const entity of SYNC_ENTITIES) {
    const s = scopedSource(entity);
    const { rows } = await sql<{ id: string; owner: string | null; region: string | null; pool: boolean }>`
      SELECT t.id AS id, ${s.owner} AS owner, ${s.region} AS region, ${s.pool} AS pool FROM ${s.from}`.execute(db);
    expect(rows.length, `${entity}: the joins keep every row`).toBe(stored[entity].size);
    for (const r of rows) {
      const row = stored[entity].get(r.id);
      if (!row) throw new Error(`${entity} ${r.id} not stored`);
      expect({ entity, id: r.id, ownerId: r.owner, regionId: r.region, pool: r.pool }).toEqual({ entity, id: r.id, ...tsScope(stored, entity, row) });
    }
  }
}

async function snapshotRows(store: TestStore, viewer: Viewer, partRows: number): Promise<{ set: RowSet; rows: Record<SyncEntity, Record<string, unknown>[]>; seq: number }> {
  const manifest = await buildManifest(store.db, viewer, partRows);
  const set = emptySet();
  const rows = Object.fromEntries(SYNC_ENTITIES.map((e) => [e, [] as Record<string, unknown>[]])) as Record<SyncEntity, Record<string, unknown>[]>;
  for (const part of manifest.parts) {
    let text = '';
    for await (const chunk of snapshotPartLines({ db: store.db, copyOut: store.copyOut }, viewer, { ...part, snapshotSeq: manifest.snapshotSeq })) {
      text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    }
    const lines = text.split('\n').filter((l) => l.length > 0);
    const header = JSON.parse(lines[0] ?? '{}') as { columns: string[] };
    const trailer = JSON.parse(lines[lines.length - 1] ?? '{}') as { rows: number };
    const body = lines.slice(1, -1);
    expect(trailer.rows).toBe(body.length);
    for (const line of body) {
      const values = JSON.parse(line) as unknown[];
      const row = Object.fromEntries(header.columns.map((c, i) => [c, values[i]]));
      rows[part.entity].push(row);
      set[part.entity].set(String(row.id), Number(row.version));
    }
  }
  return { set, rows, seq: manifest.snapshotSeq };
}

/** Rows per snapshot part: mostly one part per entity, sometimes several (keyset cuts). */
function partSize(rng: Rng): number {
  return rng.chance(0.3) ? 5 + rng.int(20) : 1000;
}

interface Cockpit {
  viewer: Viewer;
  clientId: string;
  sqlite: Database.Database;
  cache: SyncStore;
  cursor: number;
  /** How many changes a pull page may hold (small ones cut grants and evicts across pages). */
  limit: number;
}

function actorOf(viewer: Viewer) {
  return { locale: 'en', userId: viewer.userId, role: viewer.role, regionId: viewer.regionId, managedRegionIds: [...viewer.managedRegionIds] };
}

async function bootstrapCockpit(store: TestStore, dir: string, viewer: Viewer, rng: Rng): Promise<Cockpit> {
  const clientId = randomUUID();
  const sqlite = new Database(join(dir, `cockpit-${clientId}.sqlite`));
  const cache = new SyncStore(sqlite, syncFiles(dir, 'http://scope.test', clientId));
  const snap = await snapshotRows(store, viewer, partSize(rng));
  cache.transaction(() => {
    for (const entity of SYNC_ENTITIES) for (const row of snap.rows[entity]) cache.putRow(entity, row);
    cache.setCursor(snap.seq);
  });
  return { viewer, clientId, sqlite, cache, cursor: snap.seq, limit: 1 + rng.int(20) };
}

async function pullToHead(db: Db, c: Cockpit): Promise<void> {
  for (;;) {
    const page = await handlePull(
      db,
      c.viewer,
      { protocolVersion: SYNC_PROTOCOL_VERSION, schemaVersion: SYNC_SCHEMA_VERSION, clientId: c.clientId, cursor: c.cursor, limit: c.limit },
      'en',
    );
    applyPullPage(c.cache, actorOf(c.viewer), page);
    c.cursor = page.cursor;
    if (!page.hasMore) return;
  }
}

function cachedRows(c: Cockpit): RowSet {
  const out = emptySet();
  for (const entity of SYNC_ENTITIES) {
    const rows = c.sqlite.prepare(`SELECT id, version FROM cache.${ENTITY_TABLES[entity]}`).all() as { id: string; version: number }[];
    for (const r of rows) out[entity].set(r.id, r.version);
  }
  return out;
}

/** Sorted "entity id@version" lines: a failure shows exactly which rows differ. */
function listing(set: RowSet): string[] {
  return SYNC_ENTITIES.flatMap((e) => [...set[e]].map(([id, v]) => `${e} ${id}@${v}`)).sort();
}

/** The pull's SQL filter over the whole change log, against the shared rule on the recorded scopes. */
async function checkPullFilter(db: Db, viewer: Viewer): Promise<void> {
  const now = { owner: sql`owner_id`, region: sql`region_id`, pool: sql`pool` };
  const before = { owner: sql`prev_owner_id`, region: sql`prev_region_id`, pool: sql`prev_pool` };
  const { rows } = await sql<{ seq: string | number; hit: boolean; owner_id: string | null; region_id: string | null; pool: boolean; prev_owner_id: string | null; prev_region_id: string | null; prev_pool: boolean | null }>`
    SELECT seq, (${visibleSql(viewer, now)} OR ${visibleSql(viewer, before)}) IS TRUE AS hit, owner_id, region_id, pool, prev_owner_id, prev_region_id, prev_pool
    FROM change_log ORDER BY seq`.execute(db);
  for (const r of rows) {
    const was = r.prev_pool === null ? null : { ownerId: r.prev_owner_id, regionId: r.prev_region_id, pool: r.prev_pool };
    const rule = visibilityChange(viewer, was, { ownerId: r.owner_id, regionId: r.region_id, pool: r.pool }) !== 'none';
    expect({ viewer: viewer.userId, seq: Number(r.seq), sql: r.hit }).toEqual({ viewer: viewer.userId, seq: Number(r.seq), sql: rule });
  }
}

// --- random writes -----------------------------------------------------------

/**
 * A move no mutation makes yet (the 48 h breaker, the pool timer, a deal
 * handed over): written as the write path writes, with the row's place before
 * and after from the one rule.
 */
async function systemMove(db: Db, entity: 'lead' | 'opportunity', id: string, change: (row: Record<string, unknown>) => Record<string, unknown>): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const seq = await nextSeq(tx);
    if (entity === 'lead') {
      const current = toLead(await tx.selectFrom('leads').selectAll().where('id', '=', id).forUpdate().executeTakeFirstOrThrow());
      const next = { ...current, ...change(current) } as typeof current;
      await tx.updateTable('leads').set({ status: next.status, owner_id: next.ownerId, region_id: next.regionId, version: seq }).where('id', '=', id).execute();
      await appendChange(tx, { seq, entity, id, row: next, before: await rowScope(tx, entity, current), after: await rowScope(tx, entity, next), mutation: 'test.move' });
    } else {
      const current = toOpportunity(await tx.selectFrom('opportunities').selectAll().where('id', '=', id).forUpdate().executeTakeFirstOrThrow());
      const next = { ...current, ...change(current) } as typeof current;
      await tx.updateTable('opportunities').set({ owner_id: next.ownerId, region_id: next.regionId, version: seq }).where('id', '=', id).execute();
      await appendChange(tx, { seq, entity, id, row: next, before: await rowScope(tx, entity, current), after: await rowScope(tx, entity, next), mutation: 'test.move' });
    }
  });
}

/** Returns the id of a user whose own scope changed (their cockpit rebuilds), if any. */
async function randomOp(db: Db, world: World, rng: Rng, clock: Clock, step: number): Promise<string | null> {
  const actor = rng.pick(world.viewers);
  const apply = (name: string, args: unknown) => db.transaction().execute((tx) => applyMutation(tx, actor, name, args, clock));
  const reps = world.users.filter((u) => u.role === 'rep');
  const kind = rng.int(10);
  switch (kind) {
    case 0:
    case 1: {
      const leader = rng.pick(world.viewers.filter((v) => v.role !== 'rep'));
      await db.transaction().execute((tx) => applyMutation(tx, leader, 'lead.assign@1', { leadId: rng.pick(world.leads), ownerId: rng.pick(reps).id }, clock));
      return null;
    }
    case 2:
      await apply('lead.logTouch@1', {
        leadId: rng.pick(world.leads),
        activityId: `act_${step}_${rng.int(1e9)}`,
        type: 'call',
        subject: 'Called',
        occurredAt: new Date(clock.now().getTime() - 60_000).toISOString(),
      });
      return null;
    case 3: {
      const on = rng.int(3);
      const id = `task_${step}_${rng.int(1e9)}`;
      const r = await apply('task.create@1', {
        id,
        title: 'Follow up',
        dueAt: isoAt(step + 2000),
        leadId: on === 0 ? rng.pick(world.leads) : null,
        opportunityId: on === 1 ? rng.pick(world.deals) : null,
      });
      if (r.status === 'applied') world.tasks.push(id);
      return null;
    }
    case 4:
      await apply('task.complete@1', { taskId: rng.pick(world.tasks) });
      return null;
    case 5: {
      const opportunityId = rng.pick(world.deals);
      const deal = await db.selectFrom('opportunities').select('stage').where('id', '=', opportunityId).executeTakeFirstOrThrow();
      const toStage = rng.pick(STAGES.filter((s) => s !== deal.stage));
      await apply('deal.moveStage@1', { opportunityId, historyId: `sh_${step}_${rng.int(1e9)}`, toStage, fromStage: deal.stage });
      return null;
    }
    case 6:
      // The pool timer: the lead loses its owner and every rep of its region may claim it.
      await systemMove(db, 'lead', rng.pick(world.leads), () => ({ status: 'public_pool', ownerId: null }));
      return null;
    case 7:
      // The 48 h breaker: the lead stays its owner's, now in review.
      await systemMove(db, 'lead', rng.pick(world.leads), (l) => ({ status: l.ownerId ? 'pending_review' : l.status }));
      return null;
    case 8: {
      const to = rng.pick(world.users.filter((u) => u.role === 'rep' || u.role === 'manager'));
      await systemMove(db, 'opportunity', rng.pick(world.deals), () => ({ ownerId: to.id, regionId: to.regionId ?? rng.pick(REGIONS) }));
      return null;
    }
    case 9: {
      // An admin moves a rep or manager to another team: their tasks and own notes follow them there.
      const admin = world.users.find((u) => u.role === 'admin');
      const moved = rng.pick(world.users.filter((u) => u.role === 'rep' || u.role === 'manager'));
      const team = rng.pick(TEAMS);
      if (!admin) throw new Error('no admin');
      await updateUser(db, moved.id, { teamId: team.id }, admin.id);
      moved.regionId = team.region;
      const viewer = await loadViewer(db, moved.id);
      if (!viewer) throw new Error(`viewer ${moved.id} missing`);
      world.viewers = world.viewers.map((v) => (v.userId === moved.id ? viewer : v));
      return moved.id;
    }
  }
  return null;
}

describe.each(storeKinds())('one scope rule on %s', (kind) => {
  let store: TestStore;
  let dir: string;

  beforeAll(async () => {
    store = await openTestStore(kind);
    dir = mkdtempSync(join(tmpdir(), 'verity-scope-'));
  });
  afterAll(async () => {
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('sends a lead to its owner in every status, pending review included, by the SQL filter as by the rule', async () => {
    const db = store.db;
    await resetStore(db);
    await db.insertInto('regions').values(REGIONS.map((id) => ({ id, name: `Region ${id}` }))).execute();
    await db.insertInto('users').values({ id: 'owner', email: 'owner@scope.example.com', display_name: 'owner', role: 'rep', team_id: null, region_id: 'r1', password_hash: 'x', updated_at: base }).execute();
    for (const status of LEAD_STATUSES) {
      // In another region than the owner's, so only ownership can show it.
      await db
        .insertInto('leads')
        .values({ id: `lead_${status}`, name: status, mobile: null, company: null, city: null, source: 'website_form', need: 'quote', status, owner_id: 'owner', region_id: 'r2', created_at: base, assigned_at: base, first_touch_at: null, updated_at: base, version: 0 })
        .execute();
    }
    const viewer = await loadViewer(db, 'owner');
    if (!viewer) throw new Error('owner missing');
    const snap = await snapshotRows(store, viewer, 1000);
    expect([...snap.set.lead.keys()].sort()).toEqual(LEAD_STATUSES.map((st) => `lead_${st}`).sort());
    for (const status of LEAD_STATUSES) expect(canSee(viewer, placeOf('lead', { ownerId: 'owner', regionId: 'r2', status })), status).toBe(true);
  });

  it.each(SEEDS)('TypeScript rule, SQL, snapshots, pulls and grants agree for every entity (seed %i)', async (seed) => {
    const rng = prng(seed);
    const db = store.db;
    await resetStore(db);
    const world = await seedWorld(db, rng);
    let minutes = 0;
    const clock: Clock = { now: () => new Date(base.getTime() + minutes * 60_000) };
    const cockpits: Cockpit[] = [];
    try {
      for (const v of world.viewers) cockpits.push(await bootstrapCockpit(store, dir, v, rng));
      for (let round = 0; round < ROUNDS; round++) {
        for (let i = 0; i < OPS_PER_ROUND; i++) {
          minutes += 1;
          const moved = await randomOp(db, world, rng, clock, round * OPS_PER_ROUND + i);
          if (moved !== null) {
            // Their role or region changed: the server answers scope_changed and the cockpit starts over.
            const viewer = world.viewers.find((v) => v.userId === moved);
            for (const [j, c] of cockpits.entries()) {
              if (c.viewer.userId !== moved || !viewer) continue;
              c.sqlite.close();
              cockpits[j] = await bootstrapCockpit(store, dir, viewer, rng);
            }
          }
          // Some cockpits pull mid-round, so grants and evicts land in every order.
          if (rng.chance(0.2)) await pullToHead(db, rng.pick(cockpits));
        }
        // Now and then a cockpit starts over from a fresh snapshot.
        if (rng.chance(0.5)) {
          const i = rng.int(cockpits.length);
          const old = cockpits[i];
          if (old) {
            old.sqlite.close();
            cockpits[i] = await bootstrapCockpit(store, dir, old.viewer, rng);
          }
        }
        const stored = await storedRows(db);
        await checkSqlPlaces(db, stored);
        // Snapshots of a few viewers per round (every cockpit was bootstrapped from one, too).
        const snapshotted = new Set(Array.from({ length: 3 }, () => rng.int(cockpits.length)));
        for (const [i, c] of cockpits.entries()) {
          const expected = listing(expectedRows(stored, c.viewer));
          const label = `seed ${seed}, round ${round}, ${c.viewer.role} ${c.viewer.userId}`;
          if (snapshotted.has(i)) expect(listing((await snapshotRows(store, c.viewer, partSize(rng))).set), `${label}: snapshot`).toEqual(expected);
          await pullToHead(db, c);
          expect(listing(cachedRows(c)), `${label}: cache kept by pulls`).toEqual(expected);
          await checkPullFilter(db, c.viewer);
        }
      }
      // A lead is visible to its owner in every status, review and pool included.
      const stored = await storedRows(db);
      for (const lead of stored.lead.values()) {
        const owner = world.viewers.find((v) => v.userId === lead.ownerId);
        if (owner) expect(canSee(owner, tsScope(stored, 'lead', lead)), `${String(lead.id)} (${String(lead.status)})`).toBe(true);
      }
    } finally {
      for (const c of cockpits) c.sqlite.close();
    }
    // A few seconds on an idle machine; room for a busy one running the whole suite.
  }, 90_000);
});
