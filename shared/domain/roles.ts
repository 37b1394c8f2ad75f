import type { Role } from './enums';

/**
 * What each role may do, in one place (DOMAIN.md: reps see their own
 * customers, regional managers their region, executives everything).
 * Visibility, permissions and the cockpit's menus all ask these.
 */

/** Managers and above: team views, the review queue, assigning leads. */
export function isLeader(role: Role): boolean {
  return role !== 'rep';
}

/**
 * Only a manager manages teams: a user demoted to rep (or promoted past
 * regions) keeps no team of the old role, whatever links remain.
 */
export function managesTeams(role: Role): boolean {
  return role === 'manager';
}

/** Sees every row of the company, with no scope filter. */
export function seesEverything(role: Role): role is 'executive' | 'admin' {
  return role === 'executive' || role === 'admin';
}

/** Edits rows of others within their scope (reps edit only their own). */
export function editsOthersRows(role: Role): boolean {
  return role !== 'rep';
}

/** May hand leads to reps (managers: reps of the regions they manage; executives and admins: any rep). */
export function mayAssignLeads(role: Role): boolean {
  return role !== 'rep';
}

/** Who may own an assigned lead: an active sales rep. */
export function isAssignableOwner(user: { role: Role; active: boolean }): boolean {
  return user.active && user.role === 'rep';
}

/**
 * The regions whose reps this user may assign leads to: `null` means any
 * region, an empty list none.
 */
export function assignableRegions(user: { role: Role; managedRegionIds: readonly string[] }): readonly string[] | null {
  if (!mayAssignLeads(user.role)) return [];
  return user.role === 'manager' ? user.managedRegionIds : null;
}

/** Whether `assigner` may hand a lead to a rep of `regionId`. */
export function mayAssignTo(assigner: { role: Role; managedRegionIds: readonly string[] }, regionId: string | null): boolean {
  const regions = assignableRegions(assigner);
  if (regions === null) return true;
  return regionId !== null && regions.includes(regionId);
}
