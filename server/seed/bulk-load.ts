import type { PGlite } from '@electric-sql/pglite';
import { sql, type Kysely } from 'kysely';
import type { ServerDatabase } from '../db/schema';

/** Postgres type of each column, for COPY text and unnest() casts. */
export type PgColumnType = 'text' | 'timestamptz' | 'boolean' | 'numeric' | 'date';

export interface TableLoad<R> {
  table: keyof ServerDatabase & string;
  /** Every column of the row, in load order. Columns left out (e.g. `version`) take their defaults. */
  columns: { readonly [K in keyof R]: PgColumnType };
  rows: readonly R[];
}

export type BatchDone = (table: string, rowsInBatch: number) => void;

type Cell = string | boolean | null;

function columnsOf<R>(load: TableLoad<R>): (keyof R & string)[] {
  return Object.keys(load.columns) as (keyof R & string)[];
}

/**
 * Rows per COPY. One big blob is only a little faster but makes progress
 * jumpy and needs the whole CSV in memory twice (string and bytes).
 */
const COPY_BATCH = 20_000;

/** CSV as COPY reads it: unquoted empty = NULL, everything else quoted. */
function csvCell(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  return `"${value.replaceAll('"', '""')}"`;
}

/**
 * Loads rows through PGlite's `COPY … FROM '/dev/blob'`: by far the fastest
 * path into the embedded store (no per-row bind parameters). Runs on the raw
 * handle, so the caller must already hold the Kysely transaction (and with it
 * the single PGlite connection).
 */
export async function copyIntoPglite<R>(pglite: PGlite, load: TableLoad<R>, onBatch: BatchDone): Promise<void> {
  const columns = columnsOf(load);
  const statement = `COPY ${load.table} (${columns.join(', ')}) FROM '/dev/blob' WITH (FORMAT csv)`;
  for (let start = 0; start < load.rows.length; start += COPY_BATCH) {
    const batch = load.rows.slice(start, start + COPY_BATCH);
    const lines: string[] = new Array<string>(batch.length);
    batch.forEach((row, i) => {
      lines[i] = columns.map((c) => csvCell(row[c] as Cell)).join(',');
    });
    await pglite.query(statement, [], { blob: new Blob([lines.join('\n') + '\n']) });
    onBatch(load.table, batch.length);
  }
}

/** Rows per INSERT … SELECT FROM unnest(): the parameter count is one per column, whatever the row count. */
const UNNEST_BATCH = 10_000;

/**
 * Loads rows with `INSERT … SELECT * FROM unnest($1::text[], …)`: one array
 * parameter per column, so no 65535 bind-parameter limit and few round trips.
 * Works on Postgres and (slower) on PGlite through Kysely.
 */
export async function insertWithUnnest<R>(db: Kysely<ServerDatabase>, load: TableLoad<R>, onBatch: BatchDone): Promise<void> {
  const columns = columnsOf(load);
  for (let start = 0; start < load.rows.length; start += UNNEST_BATCH) {
    const batch = load.rows.slice(start, start + UNNEST_BATCH);
    const arrays = columns.map((c) => sql`${batch.map((row) => row[c] as Cell)}::${sql.raw(load.columns[c])}[]`);
    await sql`INSERT INTO ${sql.table(load.table)} (${sql.join(columns.map((c) => sql.ref(c)))})
      SELECT * FROM unnest(${sql.join(arrays)})`.execute(db);
    onBatch(load.table, batch.length);
  }
}
