import { sql, type Kysely } from 'kysely';
import type { Change, MutationResult, PullQuery, PullResponse } from '../../shared/sync/protocol';
import { followersOf, isParentEntity, visibilityChange, type ParentEntity, type RowScope, type Viewer } from '../../shared/sync/visibility';
import type { ServerDatabase } from '../db/schema';
import { followerRows } from './followers';
import { resultFromRow } from './push';
import { ensureSyncClient } from './sync-clients';
import { visibleSql } from './visibility-sql';
import { checkVersions, SyncResetError } from './sync-errors';
import { scopeKey } from './viewer';

/**
 * Everything after the cursor that this viewer may see, in commit order.
 * The SQL filter narrows the log by the recorded scopes; the shared rule
 * (`visibilityChange`) then decides upsert, grant or evict per change.
 */
export async function handlePull(db: Kysely<ServerDatabase>, viewer: Viewer, q: PullQuery, locale: string): Promise<PullResponse> {
  checkVersions(q.protocolVersion, q.schemaVersion);
  const client = await ensureSyncClient(db, q.clientId, viewer.userId, q.schemaVersion);
  const key = scopeKey(viewer);
  if (client.scopeKey !== '' && client.scopeKey !== key) {
    throw new SyncResetError('scope_changed', 'Your role or region changed; Verity rebuilds its local copy.');
  }
  if (client.scopeKey === '') await setScopeKey(db, q.clientId, key);

  // Read the committed high-water mark first: rows above it may still be in flight.
  const counter = await db.selectFrom('sync_counter').select(['seq', 'compacted_through']).where('id', '=', 1).executeTakeFirstOrThrow();
  const head = Number(counter.seq);
  if (q.cursor > head) throw new SyncResetError('cursor_expired', 'This cache is ahead of the server (restored or replaced); Verity rebuilds it.');
  if (q.cursor < Number(counter.compacted_through)) throw compactedAway();

  const rows = await db
    .selectFrom('change_log')
    .selectAll()
    .where('seq', '>', q.cursor)
    .where('seq', '<=', head)
    .where(sql<boolean>`(${visibleSql(viewer, NOW_SCOPE)} OR ${visibleSql(viewer, BEFORE_SCOPE)})`)
    .orderBy('seq')
    .limit(q.limit + 1)
    .execute();
  // Compaction may have committed between the two reads: then rows after the cursor may be gone.
  // (At the head there is nothing to miss: the common empty pull costs no extra read.)
  if (q.cursor < head && q.cursor < (await compactedThrough(db))) throw compactedAway();
  const hasMore = rows.length > q.limit;
  const page = hasMore ? rows.slice(0, q.limit) : rows;
  const cursor = hasMore ? Number(page[page.length - 1]?.seq ?? q.cursor) : head;

  const changes: Change[] = [];
  for (const r of page) {
    const seq = Number(r.seq);
    const after: RowScope = { ownerId: r.owner_id, regionId: r.region_id, pool: r.pool };
    const before: RowScope | null = r.prev_pool === null ? null : { ownerId: r.prev_owner_id, regionId: r.prev_region_id, pool: r.prev_pool };
    const entity = r.entity as Change['entity'];
    const decision = visibilityChange(viewer, before, after);
    if (decision === 'none') continue;
    if (decision === 'evict') {
      changes.push({ seq, entity, id: r.entity_id, op: 'evict', row: null, version: seq });
      continue;
    }
    const row = (r.row ?? null) as Record<string, unknown> | null;
    changes.push({ seq, entity, id: r.entity_id, op: 'upsert', row, version: seq, ...(decision === 'grant' && before ? { granted: true } : {}) });
    // A row that just entered this viewer's scope brings the rows that follow it.
    if (decision === 'grant' && before && isParentEntity(entity)) changes.push(...(await followersChanges(db, entity, r.entity_id, seq)));
  }

  const results = await db
    .selectFrom('mutation_results')
    .selectAll()
    .where('client_id', '=', q.clientId)
    .where('seq', '>', q.cursor)
    .where('seq', '<=', cursor)
    .orderBy('mutation_id')
    .execute();
  const mutationResults: MutationResult[] = results.map((r) => resultFromRow(r, locale));
  // Housekeeping only: once a minute is enough, so a live cockpit's pulls stay reads.
  const now = new Date();
  if (now.getTime() - client.seenAt.getTime() > SEEN_AT_RESOLUTION_MS) {
    await db.updateTable('sync_clients').set({ seen_at: now }).where('client_id', '=', q.clientId).execute();
  }
  return { changes, mutationResults, lastMutationId: client.lastMutationId, cursor, hasMore };
}

const SEEN_AT_RESOLUTION_MS = 60_000;

function compactedAway(): SyncResetError {
  return new SyncResetError(
    'cursor_expired',
    'This computer was away longer than the server keeps changes; Verity rebuilds its local copy. Unsent changes are kept.',
  );
}

async function compactedThrough(db: Kysely<ServerDatabase>): Promise<number> {
  return Number((await db.selectFrom('sync_counter').select('compacted_through').where('id', '=', 1).executeTakeFirstOrThrow()).compacted_through);
}

export async function setScopeKey(db: Kysely<ServerDatabase>, clientId: string, key: string): Promise<void> {
  await db.updateTable('sync_clients').set({ scope_key: key }).where('client_id', '=', clientId).execute();
}

const NOW_SCOPE = { owner: sql`owner_id`, region: sql`region_id`, pool: sql`pool` };
const BEFORE_SCOPE = { owner: sql`prev_owner_id`, region: sql`prev_region_id`, pool: sql`prev_pool` };

/**
 * The rows that follow a granted parent (`followersOf`), as they are now:
 * never another owner's tasks, nor a lead's notes that follow its deal.
 */
async function followersChanges(db: Kysely<ServerDatabase>, parent: ParentEntity, id: string, seq: number): Promise<Change[]> {
  const out: Change[] = [];
  for (const f of followersOf(parent)) {
    for (const { row, version } of await followerRows(db, f, id)) {
      out.push({ seq, entity: f.entity, id: row.id, op: 'upsert', row: { ...row, version }, version });
    }
  }
  return out;
}
