import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { LocalDatabase } from '../db/schema';

/** The read models' view of the cache connection. */
export type CacheDb = Kysely<LocalDatabase>;

/** Timestamps may carry any offset, so compare them as instants, not as text. */
export const jd = (column: string): RawBuilder<number> => sql<number>`julianday(${sql.ref(column)})`;
/** An instant computed in TypeScript (a shared clock rule), as SQL compares it. */
export const jdAt = (instant: Date): RawBuilder<number> => sql<number>`julianday(${instant.toISOString()})`;

export const countAll = sql<number>`count(*)`;

/** Start of the local calendar day containing `now`. */
export function startOfLocalDay(now: Date): Date {
  const start = new Date(now);
  start.setHours(0, 0, 0, 0);
  return start;
}

/** End of the local calendar day containing `now`. */
export function endOfLocalDay(now: Date): Date {
  const end = new Date(now);
  end.setHours(23, 59, 59, 999);
  return end;
}

/** A lead stays its owner's (My leads, the summary badge) in every status until it is converted, disqualified or pooled. */
export const OWNED_OPEN_LEAD_STATUSES = ['new', 'assigned', 'contacted', 'qualified', 'pending_review'];
/** Untouched leads whose first-response clock still concerns their owner (under review included: the call is still hers to make). */
export const AWAITING_FIRST_TOUCH_STATUSES = ['new', 'assigned', 'pending_review'];
/** Meetings on the agenda: activities with the customer in the room. */
export const MEETING_ACTIVITY_TYPES = ['meeting', 'visit'];
