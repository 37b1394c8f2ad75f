import type { Role } from '../domain/enums';
import { seesEverything } from '../domain/roles';

/**
 * Who may see a row: the one rule both the server's pull filter and the
 * tests use (DOMAIN.md: reps see their own customers, regional managers their
 * region, executives everything).
 */

/** Where a row sits, recorded with every change so a pull can filter by it. */
export interface RowScope {
  ownerId: string | null;
  regionId: string | null;
  /** In the public pool (公海): every rep of the region may claim it. */
  pool: boolean;
}

export interface Viewer {
  userId: string;
  role: Role;
  /** The viewer's own region (reps, managers). */
  regionId: string | null;
  /** Regions of the teams a manager manages. */
  managedRegionIds: readonly string[];
}

export function canSee(viewer: Viewer, scope: RowScope): boolean {
  if (seesEverything(viewer.role)) return true;
  switch (viewer.role) {
    case 'manager':
      return (
        scope.ownerId === viewer.userId ||
        (scope.regionId !== null && viewer.managedRegionIds.includes(scope.regionId)) ||
        (scope.pool && (scope.regionId === null || scope.regionId === viewer.regionId))
      );
    case 'rep':
      return (
        scope.ownerId === viewer.userId ||
        (scope.pool && (scope.regionId === null || scope.regionId === viewer.regionId))
      );
  }
}

/**
 * What a pull sends for one change, from the row's scope before and after it:
 * an upsert when visible now, an evict when it just left the viewer's scope,
 * nothing when it was never theirs.
 */
export function visibilityChange(
  viewer: Viewer,
  before: RowScope | null,
  after: RowScope | null,
): 'upsert' | 'grant' | 'evict' | 'none' {
  const now = after !== null && canSee(viewer, after);
  const was = before !== null && canSee(viewer, before);
  if (now) return was ? 'upsert' : 'grant';
  return was ? 'evict' : 'none';
}
