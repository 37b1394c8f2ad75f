import type { Transaction } from 'kysely';
import { describeZodError } from '../../shared/api/errors';
import type { Lead, Opportunity, Task, User } from '../../shared/domain/entities';
import { isMutationName, mutators, type EntityWrite, type LoadedRows, type MutatorContext, type Rejection, type RowNeeds } from '../../shared/sync/mutations';
import type { SyncEntity } from '../../shared/sync/protocol';
import { canSee, type RowScope, type Viewer } from '../../shared/sync/visibility';
import type { ServerDatabase } from '../db/schema';
import {
  fromActivity,
  fromLead,
  fromOpportunity,
  fromStageHistory,
  fromTask,
  toLead,
  toOpportunity,
  toTask,
} from './entity-rows';
import { activityScope, leadScope, opportunityScope, stageHistoryScope, taskScope } from './row-scope';

/**
 * THE write path. Every change to synced data — a cockpit's push, intake,
 * routing, imports, timers, admin calls — goes through `applyMutation` inside
 * the caller's transaction: validate, check permission, run the shared
 * business rule, write the rows, append to the change log. There is no other
 * function that writes these tables.
 */

export type ApplyOutcome =
  | { status: 'applied'; seq: number; writes: number }
  | { status: 'rejected'; rejection: Rejection | GenericRejection };

export interface GenericRejection {
  code: 'validation' | 'unknown_mutation';
  reason: 'invalid_arguments' | 'unknown_mutation';
  fields: string[];
  serverValues?: Record<string, unknown>;
}

type Tx = Transaction<ServerDatabase>;

export async function applyMutation(tx: Tx, actor: Viewer, name: string, rawArgs: unknown, at: string): Promise<ApplyOutcome> {
  if (!isMutationName(name)) {
    return { status: 'rejected', rejection: { code: 'unknown_mutation', reason: 'unknown_mutation', fields: [] } };
  }
  const def = mutators[name];
  const parsed = def.args.safeParse(rawArgs);
  if (!parsed.success) {
    const { fields } = describeZodError(parsed.error);
    return { status: 'rejected', rejection: { code: 'validation', reason: 'invalid_arguments', fields } };
  }
  // The union of mutator definitions is not callable with a union of args;
  // each def validated its own args just above.
  const args = parsed.data as never;
  const needs = (def.needs as (a: unknown) => RowNeeds)(args);
  const loaded = await loadForUpdate(tx, actor, needs);
  const ctx: MutatorContext = { userId: actor.userId, role: actor.role, regionId: actor.regionId, managedRegionIds: actor.managedRegionIds, at };
  const plan = (def.plan as (c: MutatorContext, a: unknown, r: LoadedRows) => ReturnType<typeof def.plan>)(ctx, args, loaded.rows);
  if (!plan.ok) return { status: 'rejected', rejection: plan.rejection };

  // New rows must really be new: a client-chosen id may not overwrite anything.
  for (const write of plan.writes) {
    if (loaded.keys.has(`${write.entity}:${write.row.id}`)) continue;
    if (await rowExists(tx, write)) {
      return { status: 'rejected', rejection: { code: 'validation', reason: 'invalid_arguments', fields: ['id'] } };
    }
  }

  let seq = 0;
  for (const write of plan.writes) {
    const before = loaded.scopes.get(`${write.entity}:${write.row.id}`) ?? null;
    seq = await writeRow(tx, write, before, name);
  }
  return { status: 'applied', seq, writes: plan.writes.length };
}

interface Loaded {
  rows: LoadedRows;
  keys: Set<string>;
  scopes: Map<string, RowScope>;
}

/** Loads and locks the rows a mutation reads; rows the actor may not see count as missing (no leak). */
async function loadForUpdate(tx: Tx, actor: Viewer, needs: RowNeeds): Promise<Loaded> {
  const out: Loaded = { rows: {}, keys: new Set(), scopes: new Map() };
  if (needs.lead) {
    const r = await tx.selectFrom('leads').selectAll().where('id', '=', needs.lead).forUpdate().executeTakeFirst();
    const lead: Lead | null = r ? toLead(r) : null;
    const scope = lead ? leadScope(lead) : null;
    out.rows.lead = lead && scope && canSee(actor, scope) ? lead : null;
    if (lead && scope) {
      out.keys.add(`lead:${lead.id}`);
      out.scopes.set(`lead:${lead.id}`, scope);
    }
  }
  if (needs.opportunity) {
    const r = await tx.selectFrom('opportunities').selectAll().where('id', '=', needs.opportunity).forUpdate().executeTakeFirst();
    const deal: Opportunity | null = r ? toOpportunity(r) : null;
    const scope = deal ? opportunityScope(deal) : null;
    out.rows.opportunity = deal && scope && canSee(actor, scope) ? deal : null;
    if (deal && scope) {
      out.keys.add(`opportunity:${deal.id}`);
      out.scopes.set(`opportunity:${deal.id}`, scope);
    }
  }
  if (needs.task) {
    const r = await tx.selectFrom('tasks').selectAll().where('id', '=', needs.task).forUpdate().executeTakeFirst();
    const task: Task | null = r ? toTask(r) : null;
    const scope = task ? await taskScope(tx, task) : null;
    out.rows.task = task && scope && canSee(actor, scope) ? task : null;
    if (task && scope) {
      out.keys.add(`task:${task.id}`);
      out.scopes.set(`task:${task.id}`, scope);
    }
  }
  if (needs.user) {
    // Colleagues are visible to everyone in the company: names appear on shared leads and in assignment.
    const u = await tx.selectFrom('users').select(['id', 'role', 'region_id', 'active']).where('id', '=', needs.user).executeTakeFirst();
    out.rows.user = u ? { id: u.id, role: u.role, regionId: u.region_id, active: u.active } : null;
  }
  return out;
}

async function rowExists(tx: Tx, write: EntityWrite): Promise<boolean> {
  const table = TABLE_OF[write.entity];
  const found = await tx.selectFrom(table).select('id').where('id', '=', write.row.id).executeTakeFirst();
  return found !== undefined;
}

const TABLE_OF = {
  lead: 'leads',
  opportunity: 'opportunities',
  activity: 'activities',
  stage_history: 'stage_history',
  task: 'tasks',
} as const satisfies Record<EntityWrite['entity'], keyof ServerDatabase>;

/** Takes the next change-log position. The counter's row lock orders commits. */
export async function nextSeq(tx: Tx): Promise<number> {
  const r = await tx
    .updateTable('sync_counter')
    .set((eb) => ({ seq: eb('seq', '+', 1) }))
    .where('id', '=', 1)
    .returning('seq')
    .executeTakeFirstOrThrow();
  return Number(r.seq);
}

async function writeRow(tx: Tx, write: EntityWrite, before: RowScope | null, mutation: string): Promise<number> {
  const seq = await nextSeq(tx);
  let after: RowScope;
  switch (write.entity) {
    case 'lead': {
      const values = { ...fromLead(write.row), version: seq };
      await tx.insertInto('leads').values(values).onConflict((oc) => oc.column('id').doUpdateSet(values)).execute();
      after = leadScope(write.row);
      break;
    }
    case 'opportunity': {
      const values = { ...fromOpportunity(write.row), version: seq };
      await tx.insertInto('opportunities').values(values).onConflict((oc) => oc.column('id').doUpdateSet(values)).execute();
      after = opportunityScope(write.row);
      break;
    }
    case 'activity': {
      const values = { ...fromActivity(write.row), version: seq };
      await tx.insertInto('activities').values(values).onConflict((oc) => oc.column('id').doUpdateSet(values)).execute();
      after = await activityScope(tx, write.row);
      break;
    }
    case 'stage_history': {
      const values = { ...fromStageHistory(write.row), version: seq };
      await tx.insertInto('stage_history').values(values).onConflict((oc) => oc.column('id').doUpdateSet(values)).execute();
      after = await stageHistoryScope(tx, write.row);
      break;
    }
    case 'task': {
      const values = { ...fromTask(write.row), version: seq };
      await tx.insertInto('tasks').values(values).onConflict((oc) => oc.column('id').doUpdateSet(values)).execute();
      after = await taskScope(tx, write.row);
      break;
    }
  }
  await appendChange(tx, { seq, entity: write.entity, id: write.row.id, row: write.row, before, after, mutation });
  return seq;
}

/**
 * Admin edits of users (create, rename, move, deactivate) join the change
 * log in the caller's transaction, so every cockpit learns of colleagues and
 * a moved user's next pull sees the new scope. Users are visible to all.
 */
export async function recordUserChange(tx: Tx, user: User): Promise<number> {
  const seq = await nextSeq(tx);
  await tx.updateTable('users').set({ version: seq }).where('id', '=', user.id).execute();
  const everyone: RowScope = { ownerId: user.id, regionId: null, pool: true };
  await appendChange(tx, { seq, entity: 'user', id: user.id, row: user, before: everyone, after: everyone, mutation: 'admin.user' });
  return seq;
}

export async function appendChange(
  tx: Tx,
  c: { seq: number; entity: SyncEntity; id: string; row: object | null; before: RowScope | null; after: RowScope; mutation: string | null },
): Promise<void> {
  await tx
    .insertInto('change_log')
    .values({
      seq: c.seq,
      entity: c.entity,
      entity_id: c.id,
      op: c.row ? 'upsert' : 'delete',
      owner_id: c.after.ownerId,
      region_id: c.after.regionId,
      pool: c.after.pool,
      prev_owner_id: c.before?.ownerId ?? null,
      prev_region_id: c.before?.regionId ?? null,
      prev_pool: c.before ? c.before.pool : null,
      row: c.row ? JSON.stringify({ ...c.row, version: c.seq }) : null,
      mutation: c.mutation,
    })
    .execute();
}
