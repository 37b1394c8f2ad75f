import { sql, type Kysely, type Transaction } from 'kysely';
import type { Activity, Lead, Opportunity, StageHistory, Task } from '../../shared/domain/entities';
import { ENTITY_TABLES } from '../../shared/sync/entities';
import type { SyncEntity } from '../../shared/sync/protocol';
import { PLACES, placeOf, scopeSource, type ParentEntity, type RowScope } from '../../shared/sync/visibility';
import type { ServerDatabase } from '../db/schema';
import { columnOf } from './visibility-sql';

type Db = Kysely<ServerDatabase> | Transaction<ServerDatabase>;

/**
 * Where a row sits for visibility, as `VISIBILITY` (shared/sync/visibility.ts)
 * defines it: its own place, or that of the parent it follows, read from the
 * store (inside the writer's transaction, so the parent is the one just written).
 */
export async function rowScope(db: Db, entity: SyncEntity, row: Readonly<Record<string, unknown>>): Promise<RowScope> {
  const source = scopeSource(entity, row);
  if (source.kind === 'scope') return source.scope;
  return parentPlace(db, source.parent, source.id);
}

async function parentPlace(db: Db, parent: ParentEntity, id: string): Promise<RowScope> {
  const p: { owner: string; region: string; pool: { field: string } | null } = PLACES[parent];
  const fields = [p.owner, p.region, ...(p.pool ? [p.pool.field] : [])];
  const { rows } = await sql<Record<string, unknown>>`
    SELECT ${sql.join(fields.map((f) => sql`${sql.ref(columnOf(f))} AS ${sql.ref(f)}`))}
    FROM ${sql.table(ENTITY_TABLES[parent])} WHERE id = ${id}`.execute(db);
  const found = rows[0];
  // Foreign keys make every followed parent exist; a missing one is a broken store, not a private row.
  if (!found) throw new Error(`visibility: ${parent} ${id} is missing`);
  return placeOf(parent, found);
}

export function leadScope(l: Pick<Lead, 'ownerId' | 'regionId' | 'status'>): RowScope {
  return placeOf('lead', l);
}

export function opportunityScope(o: Pick<Opportunity, 'ownerId' | 'regionId'>): RowScope {
  return placeOf('opportunity', o);
}

export function activityScope(db: Db, a: Activity): Promise<RowScope> {
  return rowScope(db, 'activity', a);
}

export function stageHistoryScope(db: Db, h: StageHistory): Promise<RowScope> {
  return rowScope(db, 'stage_history', h);
}

/** A task belongs to its owner: it shows on their agenda even when the lead moves on. */
export function taskScope(db: Db, t: Task): Promise<RowScope> {
  return rowScope(db, 'task', t);
}
