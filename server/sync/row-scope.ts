import type { Kysely, Transaction } from 'kysely';
import type { Activity, Lead, Opportunity, StageHistory, Task } from '../../shared/domain/entities';
import type { RowScope } from '../../shared/sync/visibility';
import type { ServerDatabase } from '../db/schema';

type Db = Kysely<ServerDatabase> | Transaction<ServerDatabase>;

/**
 * Where a row sits for visibility. Children (activities, stage history,
 * tasks on a lead or deal) take their parent's place, so they travel with it.
 */
export function leadScope(l: Pick<Lead, 'ownerId' | 'regionId' | 'status'>): RowScope {
  return { ownerId: l.ownerId, regionId: l.regionId, pool: l.status === 'public_pool' };
}

export function opportunityScope(o: Pick<Opportunity, 'ownerId' | 'regionId'>): RowScope {
  return { ownerId: o.ownerId, regionId: o.regionId, pool: false };
}

async function parentScope(db: Db, leadId: string | null, opportunityId: string | null): Promise<RowScope | null> {
  if (opportunityId) {
    const o = await db.selectFrom('opportunities').select(['owner_id', 'region_id']).where('id', '=', opportunityId).executeTakeFirst();
    if (o) return { ownerId: o.owner_id, regionId: o.region_id, pool: false };
  }
  if (leadId) {
    const l = await db.selectFrom('leads').select(['owner_id', 'region_id', 'status']).where('id', '=', leadId).executeTakeFirst();
    if (l) return { ownerId: l.owner_id, regionId: l.region_id, pool: l.status === 'public_pool' };
  }
  return null;
}

export async function activityScope(db: Db, a: Activity): Promise<RowScope> {
  return (await parentScope(db, a.leadId, a.opportunityId)) ?? (await userScope(db, a.ownerId));
}

export async function stageHistoryScope(db: Db, h: StageHistory): Promise<RowScope> {
  return (await parentScope(db, null, h.opportunityId)) ?? { ownerId: h.changedBy, regionId: null, pool: false };
}

/** A task belongs to its owner: it shows on their agenda even when the lead moves on. */
export async function taskScope(db: Db, t: Task): Promise<RowScope> {
  return userScope(db, t.ownerId);
}

async function userScope(db: Db, userId: string): Promise<RowScope> {
  const u = await db.selectFrom('users').select('region_id').where('id', '=', userId).executeTakeFirst();
  return { ownerId: userId, regionId: u?.region_id ?? null, pool: false };
}
