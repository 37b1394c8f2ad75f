import { sql, type Transaction } from 'kysely';
import { describeZodError } from '../../shared/api/errors';
import type { Lead, Opportunity, Task, User } from '../../shared/domain/entities';
import { findUnstorable, isStorableText } from '../../shared/domain/text';
import { isMutationName, mutators, type EntityWrite, type LoadedRows, type MutatorContext, type RowNeeds } from '../../shared/sync/mutations';
import type { Rejection } from '../../shared/sync/rejections';
import type { SyncEntity } from '../../shared/sync/protocol';
import { canSee, type RowScope, type Viewer } from '../../shared/sync/visibility';
import type { Clock } from '../clock';
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
import { activityScope, leadScope, opportunityScope, rowScope, stageHistoryScope, taskScope } from './row-scope';

/**
 * THE write path. Every change to synced data — a cockpit's push, intake,
 * routing, imports, timers, admin calls — goes through `applyMutation` inside
 * the caller's transaction: validate, check permission, run the shared
 * business rule, write the rows, append to the change log. There is no other
 * function that writes these tables. Business time is the server clock's
 * reading when the mutation applies, never the client's.
 */

export type ApplyOutcome = { status: 'applied'; seq: number; writes: number } | { status: 'rejected'; rejection: Rejection };

type Tx = Transaction<ServerDatabase>;

const invalid = (fields: string[]): ApplyOutcome => ({ status: 'rejected', rejection: { code: 'validation', reason: 'invalid_arguments', fields } });

export async function applyMutation(tx: Tx, actor: Viewer, name: string, rawArgs: unknown, clock: Clock): Promise<ApplyOutcome> {
  if (!isStorableText(name)) return invalid(['name']);
  if (!isMutationName(name)) {
    return { status: 'rejected', rejection: { code: 'unknown_mutation', reason: 'unknown_mutation', fields: [] } };
  }
  // Arguments may hold parts no schema types (and a schema may let a string
  // through as is): nothing the store cannot hold goes further.
  const unstorable = findUnstorable(rawArgs);
  if (unstorable !== null) return invalid([unstorable]);
  const def = mutators[name];
  const parsed = def.args.safeParse(rawArgs);
  if (!parsed.success) return invalid(describeZodError(parsed.error).fields);
  // The union of mutator definitions is not callable with a union of args;
  // each def validated its own args just above.
  const args = parsed.data as never;
  const needs = (def.needs as (a: unknown) => RowNeeds)(args);
  const loaded = await loadForUpdate(tx, actor, needs);
  const at = clock.now().toISOString();
  const ctx: MutatorContext = { userId: actor.userId, role: actor.role, regionId: actor.regionId, managedRegionIds: actor.managedRegionIds, at };
  const plan = (def.plan as (c: MutatorContext, a: unknown, r: LoadedRows) => ReturnType<typeof def.plan>)(ctx, args, loaded.rows);
  if (!plan.ok) return { status: 'rejected', rejection: plan.rejection };

  // Rows the mutation creates are inserted, never upserted: a client-chosen
  // id that exists (or is being created by a concurrent push: the unique
  // index makes the second insert wait for the first to commit) is a
  // conflict. The savepoint undoes this mutation's writes so far.
  await sql`SAVEPOINT apply_writes`.execute(tx);
  let seq = 0;
  for (const write of plan.writes) {
    const key = `${write.entity}:${write.row.id}`;
    const written = await writeRow(tx, write, loaded.scopes.get(key) ?? null, name, loaded.keys.has(key));
    if (written === null) {
      await sql`ROLLBACK TO SAVEPOINT apply_writes`.execute(tx);
      return { status: 'rejected', rejection: { code: 'conflict', reason: 'already_exists', fields: [argNaming(args, write.row.id)] } };
    }
    seq = written;
  }
  await sql`RELEASE SAVEPOINT apply_writes`.execute(tx);
  return { status: 'applied', seq, writes: plan.writes.length };
}

/** The argument that chose a new row's id (`id`, `activityId`, `historyId`…), to name it in the rejection. */
function argNaming(args: unknown, id: string): string {
  if (args !== null && typeof args === 'object') {
    for (const [key, value] of Object.entries(args)) if (value === id) return key;
  }
  return 'id';
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
  if (needs.leadTasks) {
    const rs = await tx
      .selectFrom('tasks')
      .selectAll()
      .where('lead_id', '=', needs.leadTasks)
      .where('status', '=', 'open')
      .orderBy('id')
      .forUpdate()
      .execute();
    // The lead's rule moves or closes them whoever owns them; the actor is never sent them.
    out.rows.leadTasks = [];
    for (const r of rs) {
      const task = toTask(r);
      out.rows.leadTasks.push(task);
      out.keys.add(`task:${task.id}`);
      out.scopes.set(`task:${task.id}`, await taskScope(tx, task));
    }
  }
  if (needs.user) {
    // Colleagues are visible to everyone in the company: names appear on shared leads and in assignment.
    const u = await tx.selectFrom('users').select(['id', 'role', 'region_id', 'active']).where('id', '=', needs.user).executeTakeFirst();
    out.rows.user = u ? { id: u.id, role: u.role, regionId: u.region_id, active: u.active } : null;
  }
  return out;
}

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

/**
 * Writes one planned row and its change. A row loaded (and locked) by the
 * mutation is updated; any other row is inserted only if its id is free:
 * null when it is taken.
 */
async function writeRow(tx: Tx, write: EntityWrite, before: RowScope | null, mutation: string, existing: boolean): Promise<number | null> {
  const seq = await nextSeq(tx);
  let after: RowScope;
  switch (write.entity) {
    case 'lead': {
      const values = { ...fromLead(write.row), version: seq };
      const written = await tx
        .insertInto('leads')
        .values(values)
        .onConflict((oc) => (existing ? oc.column('id').doUpdateSet(values) : oc.column('id').doNothing()))
        .returning('id')
        .executeTakeFirst();
      if (!written) return null;
      after = leadScope(write.row);
      break;
    }
    case 'opportunity': {
      const values = { ...fromOpportunity(write.row), version: seq };
      const written = await tx
        .insertInto('opportunities')
        .values(values)
        .onConflict((oc) => (existing ? oc.column('id').doUpdateSet(values) : oc.column('id').doNothing()))
        .returning('id')
        .executeTakeFirst();
      if (!written) return null;
      after = opportunityScope(write.row);
      break;
    }
    case 'activity': {
      const values = { ...fromActivity(write.row), version: seq };
      const written = await tx
        .insertInto('activities')
        .values(values)
        .onConflict((oc) => (existing ? oc.column('id').doUpdateSet(values) : oc.column('id').doNothing()))
        .returning('id')
        .executeTakeFirst();
      if (!written) return null;
      after = await activityScope(tx, write.row);
      break;
    }
    case 'stage_history': {
      const values = { ...fromStageHistory(write.row), version: seq };
      const written = await tx
        .insertInto('stage_history')
        .values(values)
        .onConflict((oc) => (existing ? oc.column('id').doUpdateSet(values) : oc.column('id').doNothing()))
        .returning('id')
        .executeTakeFirst();
      if (!written) return null;
      after = await stageHistoryScope(tx, write.row);
      break;
    }
    case 'task': {
      const values = { ...fromTask(write.row), version: seq };
      const written = await tx
        .insertInto('tasks')
        .values(values)
        .onConflict((oc) => (existing ? oc.column('id').doUpdateSet(values) : oc.column('id').doNothing()))
        .returning('id')
        .executeTakeFirst();
      if (!written) return null;
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
  const everyone = await rowScope(tx, 'user', user);
  await appendChange(tx, { seq, entity: 'user', id: user.id, row: user, before: everyone, after: everyone, mutation: 'admin.user' });
  return seq;
}

export async function appendChange(
  tx: Tx,
  c: { seq: number; entity: SyncEntity; id: string; row: object; before: RowScope | null; after: RowScope; mutation: string | null },
): Promise<void> {
  await tx
    .insertInto('change_log')
    .values({
      seq: c.seq,
      entity: c.entity,
      entity_id: c.id,
      op: 'upsert',
      owner_id: c.after.ownerId,
      region_id: c.after.regionId,
      pool: c.after.pool,
      prev_owner_id: c.before?.ownerId ?? null,
      prev_region_id: c.before?.regionId ?? null,
      prev_pool: c.before ? c.before.pool : null,
      row: JSON.stringify({ ...c.row, version: c.seq }),
      mutation: c.mutation,
    })
    .execute();
}
