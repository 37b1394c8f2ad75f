import { sql, type Kysely } from 'kysely';
import type { ServerDatabase } from '../db/schema';

/** How long the change log keeps a change before compaction may remove it. */
export const DEFAULT_CHANGE_LOG_RETENTION_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface CompactionResult {
  /** Changes removed by this run. */
  removed: number;
  /** The highest seq removed so far (by any run): pulls from an older cursor must rebuild. */
  compactedThrough: number;
}

/**
 * Removes changes older than `retentionDays`. A cockpit whose cursor is older
 * than what was removed gets `409 cursor_expired` on its next pull and
 * rebuilds its cache from a snapshot (its outbox is kept), so nothing is
 * silently skipped. Current rows stay in their tables; only history of
 * changes goes.
 */
/** Throws unless `days` is a whole number of days, 1 or more. */
export function checkRetentionDays(days: number): void {
  if (!Number.isInteger(days) || days < 1) throw new Error(`change log retention must be a whole number of days, 1 or more (got ${days})`);
}

export async function compactChangeLog(db: Kysely<ServerDatabase>, opts: { retentionDays: number; now?: Date }): Promise<CompactionResult> {
  checkRetentionDays(opts.retentionDays);
  const cutoff = new Date((opts.now ?? new Date()).getTime() - opts.retentionDays * DAY_MS);
  return db.transaction().execute(async (trx) => {
    const counter = await trx.selectFrom('sync_counter').select('compacted_through').where('id', '=', 1).executeTakeFirstOrThrow();
    const before = Number(counter.compacted_through);
    const oldest = await trx
      .selectFrom('change_log')
      .select(sql<string | number | null>`max(seq)`.as('through'))
      .where('at', '<', cutoff)
      .executeTakeFirstOrThrow();
    const through = Number(oldest.through ?? 0);
    if (through <= before) return { removed: 0, compactedThrough: before };
    const deleted = await trx.deleteFrom('change_log').where('seq', '<=', through).executeTakeFirst();
    // Last, so the counter row (which every writer locks for its seq) is held only while this commits.
    // greatest(): two instances compacting at once never move the mark back.
    const after = await trx
      .updateTable('sync_counter')
      .set({ compacted_through: sql`greatest(compacted_through, ${through})` })
      .where('id', '=', 1)
      .returning('compacted_through')
      .executeTakeFirstOrThrow();
    return { removed: Number(deleted.numDeletedRows), compactedThrough: Number(after.compacted_through) };
  });
}
