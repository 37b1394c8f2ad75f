import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { AppError } from '../../shared/api/errors';
import { rejectionMessage, type RejectionReason } from '../../shared/sync/mutations';
import type { MutationResult, PushRequest, PushResponse } from '../../shared/sync/protocol';
import type { Viewer } from '../../shared/sync/visibility';
import type { ServerDatabase } from '../db/schema';
import { ensureSyncClient } from './sync-clients';
import { checkVersions, isPermanentStoreError, TransientSyncError } from './sync-errors';
import { applyMutation, nextSeq } from './write-path';

/** After this many transient failures one mutation is rejected, so it cannot block the queue for ever. */
export const MAX_TRANSIENT_ATTEMPTS = 5;

export interface PushContext {
  db: Kysely<ServerDatabase>;
  viewer: Viewer;
  locale: string;
  /** Called after each commit that appended to the change log. */
  onCommit: (seq: number) => void;
  logError: (error: unknown, context: Record<string, unknown>) => void;
}

type Tx = Transaction<ServerDatabase>;

/**
 * Applies a cockpit's mutations in order, each in its own transaction that
 * also advances the client's last mutation id (Replicache semantics: retried
 * ids are skipped, a gap is refused, permanent failures are recorded as
 * rejected and the queue moves on, transient failures stop the push).
 */
export async function handlePush(ctx: PushContext, req: PushRequest): Promise<PushResponse> {
  checkVersions(req.protocolVersion, req.schemaVersion);
  const ids = req.mutations.map((m) => m.id);
  for (let i = 1; i < ids.length; i++) {
    if (ids[i] !== (ids[i - 1] ?? 0) + 1) {
      throw new AppError('bad_request', `mutation ids must be consecutive; ${ids[i]} follows ${ids[i - 1]}`, ['mutations']);
    }
  }
  const client = await ensureSyncClient(ctx.db, req.clientId, ctx.viewer.userId, req.schemaVersion);
  const first = req.mutations[0];
  if (first && first.id > client.lastMutationId + 1) {
    throw new AppError(
      'conflict',
      `mutation ${first.id} arrived before ${client.lastMutationId + 1}; send the queue from ${client.lastMutationId + 1}`,
      ['mutations'],
    );
  }

  const results: MutationResult[] = [];
  let lastMutationId = client.lastMutationId;
  for (const m of req.mutations) {
    // PGlite runs queries synchronously on this thread: without a turn of the
    // event loop between mutations, one big push would starve every other request.
    await new Promise((resolve) => setImmediate(resolve));
    if (m.id <= lastMutationId) {
      const stored = await storedResult(ctx.db, req.clientId, m.id, ctx.locale);
      if (stored) results.push(stored);
      continue;
    }
    let result: MutationResult | null;
    try {
      result = await ctx.db.transaction().execute(async (tx) => {
        // Locks this client's row: concurrent pushes of one cockpit run one at a time.
        const locked = await ensureSyncClient(tx, req.clientId, ctx.viewer.userId, req.schemaVersion, { forUpdate: true });
        if (m.id <= locked.lastMutationId) return null;
        if (m.id !== locked.lastMutationId + 1) throw new AppError('conflict', `mutation ${m.id} is out of order`, ['mutations']);
        const outcome = await applyMutation(tx, ctx.viewer, m.name, m.args, m.at);
        const r =
          outcome.status === 'applied'
            ? await recordResult(tx, req.clientId, m.id, m.name, { status: 'applied', seq: outcome.seq })
            : await recordResult(tx, req.clientId, m.id, m.name, {
                status: 'rejected',
                code: outcome.rejection.code,
                reason: outcome.rejection.reason,
                fields: outcome.rejection.fields,
                serverValues: outcome.rejection.serverValues ?? null,
              });
        await advance(tx, req.clientId, m.id);
        await tx.deleteFrom('mutation_failures').where('client_id', '=', req.clientId).where('mutation_id', '=', m.id).execute();
        return r;
      });
    } catch (error) {
      if (error instanceof AppError) throw error;
      result = await onFailure(ctx, req.clientId, m.id, m.name, error);
    }
    if (result === null) {
      const stored = await storedResult(ctx.db, req.clientId, m.id, ctx.locale);
      if (stored) results.push(stored);
    } else {
      results.push(localise(result, ctx.locale));
      ctx.onCommit(result.seq);
    }
    lastMutationId = m.id;
  }
  return { results, lastMutationId };
}

interface RecordInput {
  status: 'applied' | 'rejected';
  seq?: number;
  code?: string;
  reason?: string;
  fields?: string[];
  serverValues?: Record<string, unknown> | null;
  supportId?: string;
}

async function recordResult(tx: Tx, clientId: string, mutationId: number, name: string, r: RecordInput): Promise<MutationResult> {
  // A rejection gets its own position too, so a pull after a lost push response still carries it.
  const seq = r.seq ?? (await nextSeq(tx));
  await tx
    .insertInto('mutation_results')
    .values({
      client_id: clientId,
      mutation_id: mutationId,
      name,
      status: r.status,
      code: r.code ?? null,
      reason: r.reason ?? null,
      fields: JSON.stringify(r.fields ?? []),
      server_values: r.serverValues ? JSON.stringify(r.serverValues) : null,
      support_id: r.supportId ?? null,
      seq,
    })
    .execute();
  return {
    id: mutationId,
    status: r.status,
    code: (r.code ?? null) as MutationResult['code'],
    message: r.reason ?? null,
    fields: r.fields ?? [],
    serverValues: r.serverValues ?? null,
    supportId: r.supportId ?? null,
    seq,
  };
}

async function advance(tx: Tx, clientId: string, mutationId: number): Promise<void> {
  await tx
    .updateTable('sync_clients')
    .set({ last_mutation_id: mutationId, seen_at: new Date() })
    .where('client_id', '=', clientId)
    .execute();
}

/** `message` holds the reason key until here; the user gets it in their language. */
function localise(r: MutationResult, locale: string): MutationResult {
  if (r.status === 'applied' || r.message === null) return { ...r, message: null };
  return { ...r, message: rejectionMessage(r.message as RejectionReason, locale) };
}

async function onFailure(ctx: PushContext, clientId: string, mutationId: number, name: string, error: unknown): Promise<MutationResult> {
  const permanent = isPermanentStoreError(error);
  let attempts = MAX_TRANSIENT_ATTEMPTS;
  if (!permanent) {
    try {
      const row = await ctx.db
        .insertInto('mutation_failures')
        .values({ client_id: clientId, mutation_id: mutationId, attempts: 1, last_error: String(error).slice(0, 500) })
        .onConflict((oc) =>
          oc.columns(['client_id', 'mutation_id']).doUpdateSet((eb) => ({
            attempts: eb('mutation_failures.attempts', '+', 1),
            last_error: String(error).slice(0, 500),
          })),
        )
        .returning('attempts')
        .executeTakeFirstOrThrow();
      attempts = row.attempts;
    } catch {
      // The store is down: nothing to count with; the cockpit retries.
      throw new TransientSyncError('The team server cannot reach its database; your changes stay queued.');
    }
    if (attempts < MAX_TRANSIENT_ATTEMPTS) {
      ctx.logError(error, { clientId, mutationId, name, attempts });
      throw new TransientSyncError('The team server could not save your changes just now; they stay queued and will be retried.');
    }
  }
  const supportId = `SUP-${randomBytes(4).toString('hex').toUpperCase()}`;
  ctx.logError(error, { clientId, mutationId, name, attempts, supportId, poisoned: true });
  const result = await ctx.db.transaction().execute(async (tx) => {
    const locked = await ensureSyncClient(tx, clientId, ctx.viewer.userId, 0, { forUpdate: true });
    if (mutationId <= locked.lastMutationId) return null;
    const r = await recordResult(tx, clientId, mutationId, name, {
      status: 'rejected',
      code: 'server_error',
      reason: 'server_error',
      fields: [],
      supportId,
    });
    await advance(tx, clientId, mutationId);
    return r;
  });
  if (result === null) {
    const stored = await storedResult(ctx.db, clientId, mutationId, ctx.locale);
    if (!stored) throw new TransientSyncError('mutation result missing');
    return stored;
  }
  return result;
}

export async function storedResult(
  db: Kysely<ServerDatabase> | Tx,
  clientId: string,
  mutationId: number,
  locale: string,
): Promise<MutationResult | null> {
  const r = await db
    .selectFrom('mutation_results')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('mutation_id', '=', mutationId)
    .executeTakeFirst();
  return r ? resultFromRow(r, locale) : null;
}

export function resultFromRow(
  r: { mutation_id: string | number; status: 'applied' | 'rejected'; code: string | null; reason: string | null; fields: unknown; server_values: unknown; support_id: string | null; seq: string | number },
  locale: string,
): MutationResult {
  return localise(
    {
      id: Number(r.mutation_id),
      status: r.status,
      code: r.code as MutationResult['code'],
      message: r.reason,
      fields: Array.isArray(r.fields) ? r.fields.map(String) : [],
      serverValues: r.server_values && typeof r.server_values === 'object' ? (r.server_values as Record<string, unknown>) : null,
      supportId: r.support_id,
      seq: Number(r.seq),
    },
    locale,
  );
}
