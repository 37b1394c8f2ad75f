import { sql, type RawBuilder } from 'kysely';
import { seesEverything as roleSeesEverything } from '../../shared/domain/roles';
import type { Viewer } from '../../shared/sync/visibility';

/** SQL expressions for where a row sits (see shared/sync/visibility.ts RowScope). */
export interface ScopeColumns {
  owner: RawBuilder<unknown>;
  region: RawBuilder<unknown>;
  pool: RawBuilder<unknown>;
}

/** Whether the viewer sees every row, so no filter (and no join to compute a scope) is needed. */
export function seesEverything(viewer: Viewer): boolean {
  return roleSeesEverything(viewer.role);
}

/**
 * The SQL form of `canSee` (shared/sync/visibility.ts), used by pulls over the
 * change log and by snapshots over the tables. The shared rule stays the
 * authority: pulls re-check every row with it.
 */
export function visibleSql(viewer: Viewer, s: ScopeColumns): RawBuilder<boolean> {
  if (seesEverything(viewer)) return sql<boolean>`true`;
  const poolOk = viewer.regionId
    ? sql`(${s.pool} AND (${s.region} IS NULL OR ${s.region} = ${viewer.regionId}))`
    : sql`(${s.pool} AND ${s.region} IS NULL)`;
  const managed =
    viewer.role === 'manager' && viewer.managedRegionIds.length > 0
      ? sql` OR ${s.region} IN (${sql.join(viewer.managedRegionIds.map((r) => sql`${r}`))})`
      : sql``;
  return sql<boolean>`(${s.owner} = ${viewer.userId} OR ${poolOk}${managed})`;
}
