import type { Kysely } from 'kysely';
import { managesTeams } from '../../shared/domain/roles';
import type { Viewer } from '../../shared/sync/visibility';
import type { ServerDatabase } from '../db/schema';

/** The signed-in user as the visibility rule sees them, read fresh per request. */
export async function loadViewer(db: Kysely<ServerDatabase>, userId: string): Promise<Viewer | null> {
  const user = await db
    .selectFrom('users')
    .select(['id', 'role', 'region_id', 'active'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user || !user.active) return null;
  const managed = managesTeams(user.role)
    ? await db
        .selectFrom('team_managers')
        .innerJoin('teams', 'teams.id', 'team_managers.team_id')
        .select('teams.region_id')
        .where('team_managers.user_id', '=', userId)
        .execute()
    : [];
  const managedRegionIds = [...new Set(managed.map((m) => m.region_id))].sort();
  return { userId: user.id, role: user.role, regionId: user.region_id, managedRegionIds };
}

/** Fingerprint of what a viewer may see; when it changes, the cockpit's cache is rebuilt. */
export function scopeKey(viewer: Viewer): string {
  return `${viewer.role}|${viewer.regionId ?? '-'}|${viewer.managedRegionIds.join(',')}`;
}
