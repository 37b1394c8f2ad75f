/**
 * The lead and deal clocks (DOMAIN.md), defined once for the cockpit and the
 * team server alike. The cockpit's read models apply them; views only format
 * what they answer.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Every new lead runs a first-response countdown of this long. */
export const FIRST_RESPONSE_MS = 24 * HOUR_MS;
/** The healthy B2B mark for a first response. */
export const HEALTHY_FIRST_RESPONSE_MS = 2 * HOUR_MS;
/** Untouched this long, a lead trips the circuit breaker into a manager's review queue. */
export const REVIEW_AFTER_MS = 48 * HOUR_MS;
/** Once a lead tripped the breaker, its manager has this long to decide (reassign, pool or keep). */
export const REVIEW_DECISION_MS = 2 * HOUR_MS;
/** A deal with no stage change for this many working days is stalling. */
export const STALL_AFTER_WORKING_DAYS = 5;

/** When a lead's first-response clock starts: when it was assigned, or created if it never was. */
export function firstResponseStartedAt(lead: { assignedAt: string | null; createdAt: string }): string {
  return lead.assignedAt ?? lead.createdAt;
}

/**
 * Where a lead's first response stands:
 * - `answered`: touched;
 * - `healthy`: untouched and still within the healthy 2 h;
 * - `running`: the 24 h countdown runs;
 * - `late`: past 24 h, not yet 48 h (the breaker trips at `reviewAt`);
 * - `breached`: 48 h passed untouched: it belongs in a manager's review.
 */
export const FIRST_RESPONSE_STATES = ['answered', 'healthy', 'running', 'late', 'breached'] as const;
export type FirstResponseState = (typeof FIRST_RESPONSE_STATES)[number];

export interface FirstResponseClock {
  state: FirstResponseState;
  startedAt: string;
  /** The 24 h first-response deadline. */
  dueAt: string;
  /** When the lead trips the circuit breaker (48 h untouched). */
  reviewAt: string;
  /** The end of the manager's 2 h decision window, which opens at `reviewAt`. */
  decideBy: string;
  /**
   * Milliseconds from `now` to the mark the state counts toward: the 24 h
   * deadline while healthy or running, the breaker while late, and (negative)
   * how long ago the 24 h deadline passed once breached or answered late.
   */
  msLeft: number;
}

export function firstResponseClock(
  lead: { assignedAt: string | null; createdAt: string; firstTouchAt: string | null },
  now: Date,
): FirstResponseClock {
  const startedAt = firstResponseStartedAt(lead);
  const start = Date.parse(startedAt);
  const due = start + FIRST_RESPONSE_MS;
  const review = start + REVIEW_AFTER_MS;
  const waited = now.getTime() - start;
  const times = {
    startedAt: new Date(start).toISOString(),
    dueAt: new Date(due).toISOString(),
    reviewAt: new Date(review).toISOString(),
    decideBy: new Date(review + REVIEW_DECISION_MS).toISOString(),
  };
  if (lead.firstTouchAt !== null) return { state: 'answered', ...times, msLeft: due - Date.parse(lead.firstTouchAt) };
  if (waited < HEALTHY_FIRST_RESPONSE_MS) return { state: 'healthy', ...times, msLeft: due - now.getTime() };
  if (waited < FIRST_RESPONSE_MS) return { state: 'running', ...times, msLeft: due - now.getTime() };
  if (waited < REVIEW_AFTER_MS) return { state: 'late', ...times, msLeft: review - now.getTime() };
  return { state: 'breached', ...times, msLeft: due - now.getTime() };
}

/** Milliseconds of Monday-to-Friday time (UTC) between two instants. */
export function workingMsBetween(from: Date, to: Date): number {
  let at = from.getTime();
  const end = to.getTime();
  let total = 0;
  while (at < end) {
    const dayStart = Math.floor(at / DAY_MS) * DAY_MS;
    const next = Math.min(dayStart + DAY_MS, end);
    const weekday = new Date(dayStart).getUTCDay();
    if (weekday !== 0 && weekday !== 6) total += next - at;
    at = next;
  }
  return total;
}

/**
 * Whole working days (Monday to Friday, counted in UTC) that have passed
 * between two instants: weekend hours do not count, so a deal entered on
 * Friday evening has been waiting 0 working days on Sunday and 1 on Tuesday
 * morning.
 */
export function workingDaysBetween(from: Date, to: Date): number {
  return Math.floor(workingMsBetween(from, to) / DAY_MS);
}

/**
 * The latest stage entry that counts as stalling at `now`: a deal stalls when
 * its stage was entered at or before this instant. Walking back over working
 * time makes the rule a single comparison, so the cockpit counts stalled deals
 * in SQL over the whole cache with the same answer as `isStalling`.
 */
export function stallCutoff(now: Date): Date {
  let remaining = STALL_AFTER_WORKING_DAYS * DAY_MS;
  let at = now.getTime();
  while (remaining > 0) {
    const dayStart = at % DAY_MS === 0 ? at - DAY_MS : Math.floor(at / DAY_MS) * DAY_MS;
    const weekday = new Date(dayStart).getUTCDay();
    const span = at - dayStart;
    if (weekday === 0 || weekday === 6) at = dayStart;
    else if (span >= remaining) return new Date(at - remaining);
    else {
      remaining -= span;
      at = dayStart;
    }
  }
  return new Date(at);
}

/** The stall alert: an open deal whose stage has not moved for STALL_AFTER_WORKING_DAYS working days. */
export function isStalling(deal: { outcome: string; stageEnteredAt: string }, now: Date): boolean {
  return deal.outcome === 'open' && Date.parse(deal.stageEnteredAt) <= stallCutoff(now).getTime();
}

/** Calendar days a deal has spent in its stage (the heat map's measure). */
export function daysInStage(stageEnteredAt: string, now: Date): number {
  return Math.max(0, (now.getTime() - Date.parse(stageEnteredAt)) / DAY_MS);
}

/**
 * How long a deal should take in a stage. DOMAIN.md's example is the
 * industry's 7 days for sample testing; issue #9 brings per-stage targets,
 * until then every stage uses this one default.
 */
export const DEFAULT_STAGE_TARGET_DWELL_DAYS = 7;

export function stageTargetDwellDays(): number {
  return DEFAULT_STAGE_TARGET_DWELL_DAYS;
}

/** Heat-map levels: within target, slower than target, at twice the target or worse (the alarm). */
export const HEAT_LEVELS = ['cool', 'warm', 'hot'] as const;
export type HeatLevel = (typeof HEAT_LEVELS)[number];
/** A stage is hot once its deals' average dwell reaches this multiple of the target (14 days against 7). */
export const HOT_DWELL_RATIO = 2;

export function heatLevel(averageDwellDays: number, targetDays: number): HeatLevel {
  if (averageDwellDays <= targetDays) return 'cool';
  if (averageDwellDays < HOT_DWELL_RATIO * targetDays) return 'warm';
  return 'hot';
}
