import { createHash } from 'node:crypto';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { entityFields } from '../../shared/sync/entities';
import { SYNC_ENTITIES, SYNC_SCHEMA_VERSION, type SnapshotManifest, type SyncEntity } from '../../shared/sync/protocol';
import type { Viewer } from '../../shared/sync/visibility';
import type { ServerDatabase } from '../db/schema';
import type { CopyOut } from '../db/copy-out';
import { CopyTextToJson, type CopyJsonKind } from './copy-json';
import { ENTITY_TABLE } from './entity-rows';
import { columnOf, scopedSource, seesEverything, visibleSql, type ScopedSource } from './visibility-sql';

/**
 * First sync: the viewer's rows as gzip NDJSON parts (SYNC.md §3.7). Parts
 * are keyset ranges fixed when the manifest is made, so rows written between
 * part downloads cannot shift a boundary; the cockpit then pulls from
 * `snapshotSeq`, and version-checked upserts make overlaps harmless.
 */

export const SNAPSHOT_PART_ROWS = 50_000;
/** Rows per query while a part streams: big enough that per-query cost vanishes, small enough to stream. */
const FETCH_ROWS = 20_000;

/** Column order of a part's arrays: the shared entity's fields, then version. */
export function snapshotColumns(entity: SyncEntity): string[] {
  return entityFields(entity);
}

// Where each entity's rows sit, derived from the one visibility definition (shared/sync/visibility.ts).
const SOURCES = Object.fromEntries(SYNC_ENTITIES.map((e) => [e, scopedSource(e)])) as Record<SyncEntity, ScopedSource>;

/** Whether this viewer sees every row of the entity: then no filter and no join. */
function unfiltered(viewer: Viewer, s: ScopedSource): boolean {
  return s.everyone || seesEverything(viewer);
}

/** The viewer's rows of one entity: FROM clause (own table aliased `t`) and filter. */
function visibleRows(viewer: Viewer, s: ScopedSource): { from: RawBuilder<unknown>; where: RawBuilder<boolean> } {
  return unfiltered(viewer, s) ? { from: s.table, where: sql<boolean>`true` } : { from: s.from, where: visibleSql(viewer, s) };
}

/**
 * The keyset cuts of an entity's visible rows: the id closing every full
 * part, and how many rows there are in all.
 */
async function partCuts(
  db: Kysely<ServerDatabase>,
  viewer: Viewer,
  s: ScopedSource,
  partRows: number,
): Promise<{ bounds: string[]; total: number }> {
  const { from, where } = visibleRows(viewer, s);
  if (!unfiltered(viewer, s)) {
    // Filtered through joins: one hash-joined pass numbers the rows (stepping through
    // the primary key instead would join row by row).
    const counted = await sql<{ n: string | number }>`SELECT count(*) AS n FROM ${from} WHERE ${where}`.execute(db);
    const cuts = await sql<{ id: string }>`
      SELECT id FROM (
        SELECT t.id AS id, row_number() OVER (ORDER BY t.id) AS rn FROM ${from} WHERE ${where}
      ) numbered WHERE rn % ${partRows} = 0 ORDER BY id`.execute(db);
    return { bounds: cuts.rows.map((r) => r.id), total: Number(counted.rows[0]?.n ?? 0) };
  }
  // Every row: step through the primary key, `partRows` at a time (an index range scan each),
  // and count what is left after the last cut. Cheaper than count(*) plus row_number() over all.
  const bounds: string[] = [];
  for (;;) {
    const after = bounds.length === 0 ? sql`true` : sql`t.id > ${bounds[bounds.length - 1]}`;
    const cut = await sql<{ id: string }>`
      SELECT t.id AS id FROM ${from} WHERE ${where} AND ${after} ORDER BY t.id OFFSET ${partRows - 1} LIMIT 1`.execute(db);
    const id = cut.rows[0]?.id;
    if (id === undefined) {
      const rest = await sql<{ n: string | number }>`
        SELECT count(*) AS n FROM (SELECT 1 FROM ${from} WHERE ${where} AND ${after} LIMIT ${partRows}) tail`.execute(db);
      return { bounds, total: bounds.length * partRows + Number(rest.rows[0]?.n ?? 0) };
    }
    bounds.push(id);
  }
}

export async function buildManifest(db: Kysely<ServerDatabase>, viewer: Viewer, partRows = SNAPSHOT_PART_ROWS): Promise<SnapshotManifest> {
  // Read the high-water mark first: anything committed later is pulled afterwards.
  const snapshotSeq = Number((await db.selectFrom('sync_counter').select('seq').where('id', '=', 1).executeTakeFirstOrThrow()).seq);
  const parts: SnapshotManifest['parts'] = [];
  for (const entity of SYNC_ENTITIES) {
    const s = SOURCES[entity];
    const { bounds, total } = await partCuts(db, viewer, s, partRows);
    const count = Math.max(1, Math.ceil(total / partRows));
    for (let part = 0; part < count; part++) {
      const rows = part < count - 1 ? partRows : total - partRows * (count - 1);
      const after = part === 0 ? null : (bounds[part - 1] ?? null);
      const until = part < count - 1 ? (bounds[part] ?? null) : null;
      parts.push({ entity, part, of: count, rows, after, until });
    }
  }
  return { snapshotSeq, schemaVersion: SYNC_SCHEMA_VERSION, parts };
}

/** How one column is selected for COPY, and how its COPY text becomes JSON (matching the entity mappers in entity-rows.ts). */
function copyColumn(column: string, type: string | undefined): { expression: RawBuilder<unknown>; kind: CopyJsonKind } {
  const c = sql.ref(`t.${column}`);
  switch (type) {
    case undefined:
      return { expression: sql`NULL`, kind: 'number' };
    case 'timestamp with time zone':
      // UTC wall time; the converter writes it as toISOString() does.
      return { expression: sql`(${c} AT TIME ZONE 'UTC')`, kind: 'timestamp' };
    case 'date':
    case 'text':
    case 'character varying':
      return { expression: c, kind: 'string' };
    case 'character':
      return { expression: sql`btrim(${c})`, kind: 'string' };
    case 'numeric':
    case 'real':
    case 'double precision':
      // Number(amount): float8 text is the shortest that reads back as the same double, as JSON.stringify writes it.
      return { expression: sql`(${c})::float8`, kind: 'number' };
    case 'smallint':
    case 'integer':
    case 'bigint':
      return { expression: c, kind: 'number' };
    case 'boolean':
      return { expression: c, kind: 'boolean' };
    default:
      return { expression: sql`to_json(${c})`, kind: 'json' };
  }
}

interface RowCopy {
  select: RawBuilder<unknown>;
  kinds: CopyJsonKind[];
}

const rowCopies = new WeakMap<Kysely<ServerDatabase>, Map<SyncEntity, Promise<RowCopy>>>();

/**
 * The select list that COPY writes for one entity (`snapshotColumns` order),
 * and how each column turns into JSON. Column types come from the catalog
 * once per store, so a new shared field needs no change here.
 */
function rowCopy(db: Kysely<ServerDatabase>, entity: SyncEntity): Promise<RowCopy> {
  let perDb = rowCopies.get(db);
  if (!perDb) {
    perDb = new Map();
    rowCopies.set(db, perDb);
  }
  let found = perDb.get(entity);
  if (!found) {
    found = (async () => {
      const { rows } = await sql<{ name: string; type: string }>`
        SELECT attname AS name, atttypid::regtype::text AS type FROM pg_attribute
        WHERE attrelid = ${ENTITY_TABLE[entity]}::regclass AND attnum > 0 AND NOT attisdropped`.execute(db);
      const types = new Map(rows.map((r) => [r.name, r.type]));
      const columns = snapshotColumns(entity).map((field) => {
        const column = columnOf(field);
        return copyColumn(column, types.get(column));
      });
      if (snapshotColumns(entity)[0] !== 'id') throw new Error(`snapshot: ${entity} rows must start with id (keyset cursor)`);
      return { select: sql.join(columns.map((col) => col.expression)), kinds: columns.map((col) => col.kind) };
    })();
    found.catch(() => perDb.delete(entity));
    perDb.set(entity, found);
  }
  return found;
}

/** What a snapshot reads with: the store, and its COPY reader. */
export interface SnapshotSource {
  db: Kysely<ServerDatabase>;
  copyOut: CopyOut;
}

/**
 * Lines of one part: a header, one JSON array per row in `snapshotColumns`
 * order, and a trailer with the row count and the sha256 of the row lines.
 * Rows leave Postgres as COPY text in keyset batches and become JSON bytes
 * in copy-json.ts.
 */
export async function* snapshotPartLines(
  source: SnapshotSource,
  viewer: Viewer,
  p: { entity: SyncEntity; part: number; of: number; snapshotSeq: number; after: string | null; until: string | null },
): AsyncGenerator<string | Buffer> {
  const { db, copyOut } = source;
  const columns = snapshotColumns(p.entity);
  yield JSON.stringify({ entity: p.entity, columns, schemaVersion: SYNC_SCHEMA_VERSION, snapshotSeq: p.snapshotSeq, part: p.part, of: p.of }) + '\n';
  const rowsOf = visibleRows(viewer, SOURCES[p.entity]);
  const copy = await rowCopy(db, p.entity);
  const hash = createHash('sha256');
  let rows = 0;
  const fetchBatch = async (cursor: string | null) => {
    const lower = cursor === null ? sql`true` : sql`t.id > ${cursor}`;
    const upper = p.until === null ? sql`true` : sql`t.id <= ${p.until}`;
    const query = sql`
      SELECT ${copy.select} FROM ${rowsOf.from}
      WHERE ${rowsOf.where} AND ${lower} AND ${upper} ORDER BY t.id LIMIT ${FETCH_ROWS}`.compile(db);
    const converter = new CopyTextToJson(copy.kinds);
    const chunks: Buffer[] = [];
    let n = 0;
    for await (const chunk of copyOut(query)) {
      const batch = converter.push(chunk);
      if (batch.rows > 0) chunks.push(batch.lines);
      n += batch.rows;
    }
    converter.end();
    return { lines: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks), n, last: converter.lastFirstValue };
  };
  let pending = fetchBatch(p.after);
  for (;;) {
    const { lines, n, last } = await pending;
    if (n === 0) break;
    const more = n === FETCH_ROWS;
    if (more && last === null) throw new Error(`snapshot: ${p.entity} row without an id`);
    // Query the next batch while this one is gzipped and sent. If the
    // download is dropped meanwhile, that query's outcome is not wanted.
    if (more) {
      pending = fetchBatch(last);
      pending.catch(() => undefined);
    }
    hash.update(lines);
    rows += n;
    yield lines;
    if (!more) break;
  }
  yield JSON.stringify({ end: true, rows, sha256: hash.digest('hex') }) + '\n';
}
