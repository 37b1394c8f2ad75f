import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { AppError } from '../../shared/api/errors';
import { TimestampSchema } from '../../shared/domain/entities';
import { storableCopy } from '../../shared/domain/text';
import type { MutationResult, PushedMutation, PushRequest, PushResponse } from '../../shared/sync/protocol';
import { isRejectionReason, RejectionCodeSchema, rejectionMessage, type Rejection, type RejectionCode, type RejectionReason } from '../../shared/sync/rejections';
import type { Viewer } from '../../shared/sync/visibility';
import type { Clock } from '../clock';
import type { ServerDatabase } from '../db/schema';
import { ensureSyncClient } from './sync-clients';
import { checkVersions, isPermanentStoreError, TransientSyncError } from './sync-errors';
import { applyMutation, nextSeq, type ApplyOutcome } from './write-path';

/** After this many transient failures one mutation is rejected, so it cannot block the queue for ever. */
export const MAX_TRANSIENT_ATTEMPTS = 5;

export interface PushContext {
  db: Kysely<ServerDatabase>;
  viewer: Viewer;
  locale: string;
  /** Business time for every mutation applied. */
  clock: Clock;
  /** Called after each commit that appended to the change log. */
  onCommit: (seq: number) => void;
  logError: (error: unknown, context: Record<string, unknown>) => void;
}

type Tx = Transaction<ServerDatabase>;

/**
 * Applies a cockpit's mutations in order, each in its own transaction that
 * also advances the client's last mutation id (Replicache semantics: retried
 * ids are skipped, a gap is refused, permanent failures are recorded as
 * rejected and the queue moves on, transient failures stop the push). Only
 * the ids are checked for the whole push: an entry whose name, time or
 * arguments can never apply is a rejection of that entry alone.
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
      await pushStored(ctx, req.clientId, m.id, results);
      continue;
    }
    let result: MutationResult | null;
    try {
      result = await ctx.db.transaction().execute(async (tx) => {
        // Locks this client's row: concurrent pushes of one cockpit run one at a time.
        const locked = await ensureSyncClient(tx, req.clientId, ctx.viewer.userId, req.schemaVersion, { forUpdate: true });
        if (m.id <= locked.lastMutationId) return null;
        if (m.id !== locked.lastMutationId + 1) throw new AppError('conflict', `mutation ${m.id} is out of order`, ['mutations']);
        const outcome = await applyEntry(tx, ctx, m);
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
        await advance(tx, req.clientId, m.id, ctx.clock);
        await tx.deleteFrom('mutation_failures').where('client_id', '=', req.clientId).where('mutation_id', '=', m.id).execute();
        return r;
      });
    } catch (error) {
      if (error instanceof AppError) throw error;
      result = await onFailure(ctx, req.clientId, m.id, m.name, error);
    }
    if (result === null) {
      await pushStored(ctx, req.clientId, m.id, results);
    } else {
      results.push(localise(result, ctx.locale));
      ctx.onCommit(result.seq);
    }
    lastMutationId = m.id;
  }
  return { results, lastMutationId };
}

/** The entry's own checks (its time), then the one write path. */
async function applyEntry(tx: Tx, ctx: PushContext, m: PushedMutation): Promise<ApplyOutcome> {
  if (!TimestampSchema.safeParse(m.at).success) {
    return { status: 'rejected', rejection: { code: 'validation', reason: 'invalid_arguments', fields: ['at'] } satisfies Rejection };
  }
  return applyMutation(tx, ctx.viewer, m.name, m.args, ctx.clock);
}

/** A result recorded earlier (a retry, or a concurrent push of the same cockpit got there first). */
async function pushStored(ctx: PushContext, clientId: string, mutationId: number, results: MutationResult[]): Promise<void> {
  const stored = await storedResult(ctx.db, clientId, mutationId, ctx.locale);
  if (stored) results.push(stored);
  else ctx.logError(new Error('no stored result for an acknowledged mutation'), { clientId, mutationId, dropped: 'result' });
}

interface RecordInput {
  status: 'applied' | 'rejected';
  seq?: number;
  code?: RejectionCode;
  reason?: RejectionReason;
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
      // The name is the client's text: kept readable, and storable even when it was refused for not being.
      name: storableCopy(name, 80),
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
    code: r.code ?? null,
    reason: r.reason ?? null,
    message: null,
    fields: r.fields ?? [],
    serverValues: r.serverValues ?? null,
    supportId: r.supportId ?? null,
    seq,
  };
}

async function advance(tx: Tx, clientId: string, mutationId: number, clock: Clock): Promise<void> {
  await tx
    .updateTable('sync_clients')
    .set({ last_mutation_id: mutationId, seen_at: clock.now() })
    .where('client_id', '=', clientId)
    .execute();
}

/** The reason travels as its key; `message` words it in the user's language. */
function localise(r: MutationResult, locale: string): MutationResult {
  if (r.status === 'applied' || r.reason === null) return { ...r, message: null };
  return { ...r, message: rejectionMessage(r.reason, locale) };
}

async function onFailure(ctx: PushContext, clientId: string, mutationId: number, name: string, error: unknown): Promise<MutationResult> {
  const permanent = isPermanentStoreError(error);
  let attempts = MAX_TRANSIENT_ATTEMPTS;
  if (!permanent) {
    try {
      const row = await ctx.db
        .insertInto('mutation_failures')
        .values({ client_id: clientId, mutation_id: mutationId, attempts: 1, last_error: storableCopy(String(error), 500) })
        .onConflict((oc) =>
          oc.columns(['client_id', 'mutation_id']).doUpdateSet((eb) => ({
            attempts: eb('mutation_failures.attempts', '+', 1),
            last_error: storableCopy(String(error), 500),
          })),
        )
        .returning('attempts')
        .executeTakeFirstOrThrow();
      attempts = row.attempts;
    } catch (countError) {
      // The store is down: nothing to count with; the cockpit retries.
      ctx.logError(error, { clientId, mutationId, name, attempts: null });
      ctx.logError(countError, { clientId, mutationId, name, counting: 'mutation_failures' });
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
    await advance(tx, clientId, mutationId, ctx.clock);
    return r;
  });
  if (result === null) {
    const stored = await storedResult(ctx.db, clientId, mutationId, ctx.locale);
    if (!stored) {
      ctx.logError(new Error('no stored result for an acknowledged mutation'), { clientId, mutationId, dropped: 'result' });
      throw new TransientSyncError('mutation result missing');
    }
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
      code: isRejectionCode(r.code) ? r.code : null,
      reason: isRejectionReason(r.reason) ? r.reason : null,
      message: null,
      fields: Array.isArray(r.fields) ? r.fields.map(String) : [],
      serverValues: r.server_values && typeof r.server_values === 'object' ? (r.server_values as Record<string, unknown>) : null,
      supportId: r.support_id,
      seq: Number(r.seq),
    },
    locale,
  );
}

function isRejectionCode(value: string | null): value is RejectionCode {
  return RejectionCodeSchema.safeParse(value).success;
}
