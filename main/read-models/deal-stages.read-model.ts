import { sql } from 'kysely';
import { daysInStage, heatLevel, isStalling, stageTargetDwellDays, stallCutoff } from '../../shared/domain/clocks';
import type { Opportunity } from '../../shared/domain/entities';
import { STAGES, type Stage } from '../../shared/domain/enums';
import type { DealClock, HeatMap, PipelineSummary } from '../../shared/ipc/contract';
import { jdAt, type CacheDb } from './cache-sql';

/** Whose deals: the user's own, or everything the server let this user see (the cache holds nothing else). */
export type DealScope = { kind: 'mine'; userId: string } | { kind: 'team' };

function scopeFilter(scope: DealScope) {
  return scope.kind === 'mine' ? sql`AND owner_id = ${scope.userId}` : sql``;
}

/** Money is summed in integer cents so that many REAL amounts add up exactly. */
const toAmount = (cents: number): number => Math.round(cents) / 100;

export function dealClock(deal: Pick<Opportunity, 'outcome' | 'stageEnteredAt'>, now: Date): DealClock {
  return { daysInStage: daysInStage(deal.stageEnteredAt, now), stalled: isStalling(deal, now) };
}

/** Per stage, over every open deal in scope: the count, the stalled count and the amounts per currency. */
export async function pipelineSummary(db: CacheDb, scope: DealScope, now: Date): Promise<PipelineSummary> {
  const cutoff = jdAt(stallCutoff(now));
  const { rows } = await sql<{ stage: string; currency: string; n: number; stalled: number; cents: number }>`
    SELECT stage, currency, count(*) AS n,
           sum(CASE WHEN julianday(stage_entered_at) <= ${cutoff} THEN 1 ELSE 0 END) AS stalled,
           sum(round(amount * 100)) AS cents
    FROM opportunities
    WHERE outcome = 'open' ${scopeFilter(scope)}
    GROUP BY stage, currency
    ORDER BY stage, currency`.execute(db);
  const stages = STAGES.map((stage) => {
    const inStage = rows.filter((r) => r.stage === stage);
    return {
      stage,
      open: inStage.reduce((n, r) => n + r.n, 0),
      stalled: inStage.reduce((n, r) => n + r.stalled, 0),
      amounts: inStage.map((r) => ({ currency: r.currency, amount: toAmount(r.cents) })),
    };
  });
  return { generatedAt: now.toISOString(), stages };
}

/** The middle of sorted values (the mean of the two middle ones for an even count). */
function median(sorted: Float64Array): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Per stage, over every open deal in scope: days in stage (average, median, longest), stalls and the heat level. */
export async function heatMap(db: CacheDb, scope: DealScope, now: Date): Promise<HeatMap> {
  // One scan gives each open deal's dwell and stall flag (the shared rules, in SQL); the figures
  // are folded here, since a median by window functions costs SQLite several times the scan.
  const { rows } = await sql<{ stage: string; days: number; stalled: number }>`
    SELECT stage, max(0, ${jdAt(now)} - julianday(stage_entered_at)) AS days,
           julianday(stage_entered_at) <= ${jdAt(stallCutoff(now))} AS stalled
    FROM opportunities
    WHERE outcome = 'open' ${scopeFilter(scope)}`.execute(db);
  const byStage = new Map<string, { days: number[]; stalled: number }>();
  for (const row of rows) {
    const entry = byStage.get(row.stage) ?? { days: [], stalled: 0 };
    entry.days.push(row.days);
    entry.stalled += row.stalled;
    byStage.set(row.stage, entry);
  }
  const targetDays = stageTargetDwellDays();
  const stages = STAGES.map((stage: Stage) => {
    const entry = byStage.get(stage);
    if (!entry) return { stage, open: 0, avgDays: 0, medianDays: 0, maxDays: 0, stalled: 0, targetDays, heat: null };
    const sorted = Float64Array.from(entry.days).sort();
    const avgDays = sorted.reduce((sum, d) => sum + d, 0) / sorted.length;
    return {
      stage,
      open: sorted.length,
      avgDays,
      medianDays: median(sorted),
      maxDays: sorted[sorted.length - 1] ?? 0,
      stalled: entry.stalled,
      targetDays,
      heat: heatLevel(avgDays, targetDays),
    };
  });
  return { generatedAt: now.toISOString(), stages };
}
