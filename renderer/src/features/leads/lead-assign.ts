import type { Lead } from '../../../../shared/domain/entities';

/**
 * Which copy of an open lead to show: the list's (re-queried after every
 * change) unless the drawer holds a newer one, e.g. right after an
 * assignment took it out of the list (re-read with `leads.get`).
 */
export function freshest(listed: Lead | undefined, opened: Lead | null): Lead | null {
  if (!opened) return null;
  if (!listed) return opened;
  return listed.updatedAt >= opened.updatedAt ? listed : opened;
}
