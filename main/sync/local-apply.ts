import { AppError, describeZodError, type ErrorCode } from '../../shared/api/errors';
import { LeadSchema, OpportunitySchema, TaskSchema, UserSchema, type Task } from '../../shared/domain/entities';
import { findUnstorable, UNSTORABLE_TEXT_MESSAGE } from '../../shared/domain/text';
import { isMutationName, mutators, type LoadedRows, type MutatorContext, type RowNeeds } from '../../shared/sync/mutations';
import type { SyncEntity } from '../../shared/sync/protocol';
import { rejectionMessage, type RejectionCode } from '../../shared/sync/rejections';
import { fromTableRow } from './entity-columns';
import type { OutboxEntry, SyncStore } from './sync-store';

/**
 * Runs the shared mutators against the cache: once when the user acts
 * (optimistic apply + outbox, one transaction), and again to replay pending
 * writes on top of fresh server rows (rebase). Times written here are local
 * and optimistic: the server dates every change by its own clock, and its
 * rows replace these on the next pull.
 */

export interface LocalActor {
  /** The UI language, for messages of locally refused changes. */
  locale: string;
  userId: string;
  role: MutatorContext['role'];
  regionId: string | null;
  managedRegionIds: string[];
  /** Where a replay that no longer applies is reported. */
  log?: { warn(message: string, meta?: unknown): void };
}

export type PlannedWrites = { entity: SyncEntity; row: Record<string, unknown> }[];

function loadRows(store: SyncStore, actor: LocalActor, needs: RowNeeds): LoadedRows {
  const rows: LoadedRows = {};
  const parse = <T>(schema: RowSchema<T>, row: Record<string, unknown> | null): T | null => parseOrNull(schema, row, actor);
  if (needs.lead) rows.lead = parse(LeadSchema, store.getRow('lead', needs.lead));
  if (needs.opportunity) rows.opportunity = parse(OpportunitySchema, store.getRow('opportunity', needs.opportunity));
  if (needs.task) rows.task = parse(TaskSchema, store.getRow('task', needs.task));
  if (needs.user) rows.user = parse(UserSchema, store.getRow('user', needs.user));
  if (needs.leadTasks) rows.leadTasks = openTasksOfLead(store, actor, needs.leadTasks);
  return rows;
}

/** The lead's open tasks the cache holds (the user's own; a manager's cache may hold a rep's too). */
function openTasksOfLead(store: SyncStore, actor: LocalActor, leadId: string): Task[] {
  const raw = store.sqlite.prepare("SELECT * FROM cache.tasks WHERE lead_id = ? AND status = 'open' ORDER BY id").all(leadId) as Record<string, unknown>[];
  return raw.flatMap((r) => {
    const task = parseOrNull(TaskSchema, fromTableRow('task', r), actor);
    return task ? [task] : [];
  });
}

/** How a locally refused change is reported to the UI (HTTP-style error codes). */
const LOCAL_ERROR_CODE: Record<RejectionCode, ErrorCode> = {
  validation: 'bad_request',
  forbidden: 'forbidden',
  not_found: 'not_found',
  conflict: 'conflict',
  gate_blocked: 'conflict',
  unknown_mutation: 'bad_request',
  server_error: 'internal',
};

type RowSchema<T> = { safeParse(v: unknown): { success: true; data: T } | { success: false; error: unknown } };

/** A cached row the shared schema refuses counts as missing (the server decides); it is reported, not hidden. */
function parseOrNull<T>(schema: RowSchema<T>, row: Record<string, unknown> | null, actor: LocalActor): T | null {
  if (!row) return null;
  const parsed = schema.safeParse(row);
  if (parsed.success) return parsed.data;
  actor.log?.warn('cached row does not match its schema; treated as missing', { id: row.id, error: String(parsed.error) });
  return null;
}

/** Plans a mutation on the cache; throws AppError for input the server would refuse anyway. */
export function planLocally(store: SyncStore, actor: LocalActor, name: string, rawArgs: unknown, at: string): { args: unknown; writes: PlannedWrites } {
  if (!isMutationName(name)) throw new AppError('bad_request', `Unknown change "${name}"`, ['name']);
  const unstorable = findUnstorable(rawArgs);
  if (unstorable !== null) throw new AppError('bad_request', `${unstorable}: ${UNSTORABLE_TEXT_MESSAGE}`, [`args.${unstorable}`]);
  const def = mutators[name];
  const parsed = def.args.safeParse(rawArgs);
  if (!parsed.success) {
    const { message, fields } = describeZodError(parsed.error);
    throw new AppError('bad_request', message, fields.map((f) => `args.${f}`));
  }
  const needs = (def.needs as (a: unknown) => RowNeeds)(parsed.data);
  const ctx: MutatorContext = { userId: actor.userId, role: actor.role, regionId: actor.regionId, managedRegionIds: actor.managedRegionIds, at };
  const plan = (def.plan as (c: MutatorContext, a: unknown, r: LoadedRows) => ReturnType<typeof def.plan>)(ctx, parsed.data, loadRows(store, actor, needs));
  if (!plan.ok) {
    // The same rule the server runs says no: tell the user now instead of queueing a sure rejection.
    throw new AppError(LOCAL_ERROR_CODE[plan.rejection.code], rejectionMessage(plan.rejection.reason, actor.locale), plan.rejection.fields);
  }
  return { args: parsed.data, writes: plan.writes.map((w) => ({ entity: w.entity, row: w.row as unknown as Record<string, unknown> })) };
}

/** The user's action: optimistic rows + outbox entry, in one transaction. */
export function mutateLocally(store: SyncStore, actor: LocalActor, name: string, rawArgs: unknown, at = new Date().toISOString()): number {
  return store.transaction(() => {
    const { args, writes } = planLocally(store, actor, name, rawArgs, at);
    const mutationId = store.nextMutationId();
    for (const w of writes) {
      store.ensureShadow(w.entity, String(w.row.id));
      const version = store.rowVersion(w.entity, String(w.row.id)) ?? 0;
      store.putRow(w.entity, { ...w.row, version });
    }
    store.appendOutbox({ mutationId, name, args, at, touched: writes.map((w) => `${w.entity}:${String(w.row.id)}`) });
    return mutationId;
  });
}

/**
 * Rebuilds every locally changed row from the server's copy, then replays
 * the writes still in flight, in order. Rejected writes are not replayed, so
 * their effect disappears while the user's input stays in the outbox.
 * Call inside a transaction.
 */
export function rebase(store: SyncStore, actor: LocalActor): void {
  const inFlight = store.outbox(['pending', 'acked']);
  for (const s of store.shadows()) {
    if (s.row) store.putRow(s.entity, s.row);
    else store.deleteRow(s.entity, s.id);
  }
  const stillTouched = new Set<string>();
  for (const entry of inFlight) replay(store, actor, entry, stillTouched);
  for (const s of store.shadows()) if (!stillTouched.has(`${s.entity}:${s.id}`)) store.dropShadow(s.entity, s.id);
}

function replay(store: SyncStore, actor: LocalActor, entry: OutboxEntry, touched: Set<string>): void {
  for (const key of entry.touched) touched.add(key);
  let planned: PlannedWrites;
  try {
    planned = planLocally(store, actor, entry.name, entry.args, entry.at).writes;
  } catch (error) {
    // It no longer applies on top of the server's rows: its effect leaves the cache, the server will say why.
    actor.log?.warn('pending change no longer applies locally; left to the server', {
      mutationId: entry.mutationId,
      name: entry.name,
      error: error instanceof Error ? error.message : String(error),
    });
    return;
  }
  for (const w of planned) {
    const key = `${w.entity}:${String(w.row.id)}`;
    touched.add(key);
    store.ensureShadow(w.entity, String(w.row.id));
    store.putRow(w.entity, { ...w.row, version: store.rowVersion(w.entity, String(w.row.id)) ?? 0 });
  }
}
