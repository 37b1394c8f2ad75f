/**
 * The lead and deal clocks (DOMAIN.md), defined once for the cockpit and the
 * team server alike.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Every new lead runs a first-response countdown of this long. */
export const FIRST_RESPONSE_MS = 24 * HOUR_MS;
/** The healthy B2B mark for a first response. */
export const HEALTHY_FIRST_RESPONSE_MS = 2 * HOUR_MS;
/** Untouched this long, a lead trips the circuit breaker into a manager's review queue. */
export const REVIEW_AFTER_MS = 48 * HOUR_MS;
/** A deal with no stage change for this many working days is stalling. */
export const STALL_AFTER_WORKING_DAYS = 5;

/**
 * Whole working days (Monday to Friday, counted in UTC) that have passed
 * between two instants: a deal entered on Friday evening has been waiting
 * 0 working days on Sunday and 1 on Tuesday morning.
 */
export function workingDaysBetween(from: Date, to: Date): number {
  if (to.getTime() <= from.getTime()) return 0;
  const wholeDays = Math.floor((to.getTime() - from.getTime()) / DAY_MS);
  let count = 0;
  for (let i = 1; i <= wholeDays; i++) {
    const day = new Date(from.getTime() + i * DAY_MS).getUTCDay();
    if (day !== 0 && day !== 6) count++;
  }
  return count;
}

/** The stall alert: an open deal whose stage has not moved for STALL_AFTER_WORKING_DAYS working days. */
export function isStalling(deal: { outcome: string; stageEnteredAt: string }, now: Date): boolean {
  return deal.outcome === 'open' && workingDaysBetween(new Date(deal.stageEnteredAt), now) >= STALL_AFTER_WORKING_DAYS;
}

/** Calendar days a deal has spent in its stage (the heat map's measure). */
export function daysInStage(stageEnteredAt: string, now: Date): number {
  return Math.max(0, (now.getTime() - Date.parse(stageEnteredAt)) / DAY_MS);
}
