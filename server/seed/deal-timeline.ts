import { STAGES } from '../../shared/domain/enums';
import type { Rng } from './prng';

/*
 * How a demo deal lives through the pipeline, simulated forward from the day
 * it opened: each stage holds it for a dwell drawn from a log-normal whose
 * median is that stage's own, then it moves on, is lost, or (from 签约 on)
 * is won. Whatever stage it is in when `now` arrives is where it stays open,
 * so days-in-stage come out as a real pipeline's do: mostly days, a tail of
 * weeks, and the slow stages slower.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const CHINA_OFFSET = 8 * HOUR;

/**
 * Median days a deal spends in each stage before it moves on. Quotes
 * (报价发送) and samples (样品交付) wait on the customer and run well past the
 * 5-working-day stall mark; order fulfilment is long by nature.
 */
export const STAGE_DWELL_MEDIAN_DAYS: readonly number[] = [2, 5, 6, 12, 16, 4, 18, 30];
/** Spread of the log-normal: about a third of deals take under half, or over twice, the median. */
const DWELL_SIGMA = 0.75;
/** A deal nobody pushes (the rep left it, the buyer went quiet) sits this many times longer. */
const FORGOTTEN_SHARE = 0.1;
const FORGOTTEN_FACTOR: readonly [number, number] = [3, 7];
/** Chance a deal is lost when it leaves each stage instead of moving on (none once signed). */
const LOSS_AT_STAGE: readonly number[] = [0.06, 0.08, 0.1, 0.12, 0.1, 0, 0, 0];
/** 签约 (contract_signed): from here on the deal is won. */
export const WON_FROM_STAGE = STAGES.indexOf('contract_signed');

export interface DealTimeline {
  /** When the deal entered each stage it reached, first = opened; strictly increasing. */
  times: number[];
  outcome: 'open' | 'won' | 'lost';
  /** When it was won (entered 签约) or lost; null while open. */
  closedAt: number | null;
}

const chinaDayStart = (ms: number): number => Math.floor((ms + CHINA_OFFSET) / DAY) * DAY - CHINA_OFFSET;
const chinaWeekday = (ms: number): number => new Date(ms + CHINA_OFFSET).getUTCDay();

/** Reps move deals in office hours: the next working day's 9:00–18:00 (China time) at or after `ms`. */
function inOfficeHours(rng: Rng, ms: number): number {
  let day = chinaDayStart(ms);
  let hour = (ms - day) / HOUR;
  if (hour >= 18) {
    day += DAY;
    hour = 9;
  }
  while (chinaWeekday(day) === 0 || chinaWeekday(day) === 6) {
    day += DAY;
    hour = 9;
  }
  const from = Math.max(9, hour);
  return day + Math.floor((from + rng.next() * (18 - from)) * HOUR);
}

function dwellDays(rng: Rng, stage: number): number {
  const median = STAGE_DWELL_MEDIAN_DAYS[stage] ?? 5;
  const days = rng.logNormal(median, DWELL_SIGMA);
  return rng.chance(FORGOTTEN_SHARE) ? days * rng.range(...FORGOTTEN_FACTOR) : days;
}

/** Walks one deal from `opened` until `now`. Deterministic for the rng's state. */
export function simulateDeal(rng: Rng, opened: number, now: number): DealTimeline {
  const times = [Math.min(opened, now)];
  let outcome: DealTimeline['outcome'] = 'open';
  let closedAt: number | null = null;
  for (let stage = 0; stage + 1 < STAGES.length; stage++) {
    const entered = times[stage] ?? opened;
    const leaves = Math.max(inOfficeHours(rng, entered + Math.floor(dwellDays(rng, stage) * DAY)), entered + MINUTE);
    if (leaves > now) break; // still in this stage today
    if (outcome === 'open' && rng.chance(LOSS_AT_STAGE[stage] ?? 0)) {
      outcome = 'lost';
      closedAt = leaves;
      break;
    }
    times.push(leaves);
    if (stage + 1 === WON_FROM_STAGE) {
      outcome = 'won';
      closedAt = leaves;
    }
  }
  return { times, outcome, closedAt };
}
