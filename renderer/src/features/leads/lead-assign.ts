import type { Lead, User } from '../../../../shared/domain/entities';
import { mutators } from '../../../../shared/sync/mutations';
import type { SignedIn } from '../../app/app-context';

/**
 * The lead as the shared rule leaves it after `lead.assign@1`, for the drawer
 * to show at once: once assigned, a lead usually leaves the list it was opened
 * from (review queue, pool), so no re-queried copy comes back to show it.
 * Only called after the main process accepted the same change, so the
 * assignee is within the manager's regions.
 */
export function assignedLead(session: SignedIn, lead: Lead, assignee: User, at: string): Lead | null {
  const planned = mutators['lead.assign@1'].plan(
    {
      userId: session.user.id,
      role: session.user.role,
      regionId: session.user.regionId,
      managedRegionIds: assignee.regionId ? [assignee.regionId] : [],
      at,
    },
    { leadId: lead.id, ownerId: assignee.id },
    { lead, user: assignee },
  );
  if (!planned.ok) return null;
  const write = planned.writes.find((w) => w.entity === 'lead');
  return write?.entity === 'lead' ? write.row : null;
}

/**
 * Which copy of an open lead to show: the list's (re-queried after every
 * change) unless the drawer holds a newer one, e.g. right after an assignment.
 */
export function freshest(listed: Lead | undefined, opened: Lead | null): Lead | null {
  if (!opened) return null;
  if (!listed) return opened;
  return listed.updatedAt >= opened.updatedAt ? listed : opened;
}
