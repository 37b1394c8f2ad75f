import type { Kysely, Transaction } from 'kysely';
import { AppError } from '../../shared/api/errors';
import type { ServerDatabase } from '../db/schema';

type Db = Kysely<ServerDatabase> | Transaction<ServerDatabase>;

export interface SyncClientRow {
  lastMutationId: number;
  scopeKey: string;
  seenAt: Date;
}

/**
 * Registers a cockpit on first contact and returns its state. A client id
 * belongs to one user for ever; another user presenting it is refused.
 * `forUpdate` serialises pushes of one client.
 */
export async function ensureSyncClient(
  db: Db,
  clientId: string,
  userId: string,
  schemaVersion: number,
  opts: { forUpdate?: boolean } = {},
): Promise<SyncClientRow> {
  const read = () => {
    const query = db.selectFrom('sync_clients').select(['user_id', 'last_mutation_id', 'scope_key', 'seen_at']).where('client_id', '=', clientId);
    return (opts.forUpdate ? query.forUpdate() : query).executeTakeFirst();
  };
  // Read first: a known client (every pull but the first) costs no write.
  let row = await read();
  if (!row) {
    await db
      .insertInto('sync_clients')
      .values({ client_id: clientId, user_id: userId, schema_version: schemaVersion })
      .onConflict((oc) => oc.column('client_id').doNothing())
      .execute();
    row = await read();
    if (!row) throw new Error(`sync client ${clientId} vanished while it was registered`);
  }
  if (row.user_id !== userId) {
    throw new AppError('forbidden', 'This sync client belongs to another user; sign in again to start a fresh cache.', ['clientId']);
  }
  return { lastMutationId: Number(row.last_mutation_id), scopeKey: row.scope_key, seenAt: row.seen_at };
}
