import { sql, type Kysely, type Transaction } from 'kysely';
import { ENTITY_TABLES } from '../../shared/sync/entities';
import { followersOf, placeOf, type Follower } from '../../shared/sync/visibility';
import type { ServerDatabase } from '../db/schema';
import { toActivity, toContact, toStageHistory, toTask } from './entity-rows';
import { followerWhere } from './visibility-sql';
import { appendChange, nextSeq } from './write-path';

type Db = Kysely<ServerDatabase> | Transaction<ServerDatabase>;

/** The rows of `f.entity` that follow parent `id` (`followersOf`), as the shared entities, with their versions. */
export async function followerRows(db: Db, f: Follower, id: string): Promise<{ row: Record<string, unknown> & { id: string }; version: number }[]> {
  const where = followerWhere(f, id);
  switch (f.entity) {
    case 'contact':
      return (await db.selectFrom('contacts as t').selectAll().where(where).execute()).map((r) => ({ row: toContact(r), version: Number(r.version) }));
    case 'stage_history':
      return (await db.selectFrom('stage_history as t').selectAll().where(where).execute()).map((r) => ({ row: toStageHistory(r), version: Number(r.version) }));
    case 'activity':
      return (await db.selectFrom('activities as t').selectAll().where(where).execute()).map((r) => ({ row: toActivity(r), version: Number(r.version) }));
    case 'task':
      return (await db.selectFrom('tasks as t').selectAll().where(where).execute()).map((r) => ({ row: toTask(r), version: Number(r.version) }));
    case 'user':
    case 'account':
    case 'lead':
    case 'opportunity':
      throw new Error(`visibility: ${f.entity} follows no parent`);
  }
}

/**
 * A user moved to another region: their tasks and their notes on no lead or
 * deal follow them (VISIBILITY), so each is written to the change log again
 * with its place before and after, and pulls grant or evict it like any
 * change. (A lead or deal that moves needs none of this: its grant ships the
 * rows that follow it and the cockpit's evict removes them.)
 */
export async function recordUserMove(tx: Transaction<ServerDatabase>, userId: string, fromRegionId: string | null, toRegionId: string | null): Promise<void> {
  if (fromRegionId === toRegionId) return;
  const before = placeOf('user', { id: userId, regionId: fromRegionId });
  const after = placeOf('user', { id: userId, regionId: toRegionId });
  for (const f of followersOf('user')) {
    for (const { row } of await followerRows(tx, f, userId)) {
      const seq = await nextSeq(tx);
      await sql`UPDATE ${sql.table(ENTITY_TABLES[f.entity])} SET version = ${seq} WHERE id = ${row.id}`.execute(tx);
      await appendChange(tx, { seq, entity: f.entity, id: row.id, row, before, after, mutation: 'admin.user' });
    }
  }
}
