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

/** Per stage, over every open deal in scope: days in stage (average, median, longest), stalls and the heat level. */
export async function heatMap(db: CacheDb, scope: DealScope, now: Date): Promise<HeatMap> {
  const nowJd = jdAt(now);
  const cutoff = jdAt(stallCutoff(now));
  // Medians with window functions: the middle row (or the two middle rows) of each stage by dwell.
  const { rows } = await sql<{ stage: string; n: number; avg_days: number; median_days: number; max_days: number; stalled: number }>`
    WITH dwell AS (
      SELECT stage, max(0, ${nowJd} - julianday(stage_entered_at)) AS days,
             CASE WHEN julianday(stage_entered_at) <= ${cutoff} THEN 1 ELSE 0 END AS stalled
      FROM opportunities
      WHERE outcome = 'open' ${scopeFilter(scope)}
    ), ranked AS (
      SELECT stage, days, stalled,
             row_number() OVER (PARTITION BY stage ORDER BY days) AS rn,
             count(*) OVER (PARTITION BY stage) AS cnt
      FROM dwell
    )
    SELECT stage, count(*) AS n, avg(days) AS avg_days, max(days) AS max_days, sum(stalled) AS stalled,
           avg(CASE WHEN rn IN ((cnt + 1) / 2, (cnt + 2) / 2) THEN days END) AS median_days
    FROM ranked
    GROUP BY stage`.execute(db);
  const byStage = new Map(rows.map((r) => [r.stage, r]));
  const stages = STAGES.map((stage: Stage) => {
    const row = byStage.get(stage);
    const targetDays = stageTargetDwellDays();
    if (!row) return { stage, open: 0, avgDays: 0, medianDays: 0, maxDays: 0, stalled: 0, targetDays, heat: null };
    return {
      stage,
      open: row.n,
      avgDays: row.avg_days,
      medianDays: row.median_days,
      maxDays: row.max_days,
      stalled: row.stalled,
      targetDays,
      heat: heatLevel(row.avg_days, targetDays),
    };
  });
  return { generatedAt: now.toISOString(), stages };
}
