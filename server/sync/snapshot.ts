import { createHash } from 'node:crypto';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { entityFields } from '../../shared/sync/entities';
import { SYNC_ENTITIES, SYNC_SCHEMA_VERSION, type SnapshotManifest, type SyncEntity } from '../../shared/sync/protocol';
import type { Viewer } from '../../shared/sync/visibility';
import type { ServerDatabase } from '../db/schema';
import { ENTITY_TABLE } from './entity-rows';
import { seesEverything, visibleSql, type ScopeColumns } from './visibility-sql';

/**
 * First sync: the viewer's rows as gzip NDJSON parts (SYNC.md §3.7). Parts
 * are keyset ranges fixed when the manifest is made, so rows written between
 * part downloads cannot shift a boundary; the cockpit then pulls from
 * `snapshotSeq`, and version-checked upserts make overlaps harmless.
 */

export const SNAPSHOT_PART_ROWS = 50_000;
/** Rows per query while a part streams: big enough that per-query cost vanishes, small enough to stream. */
const FETCH_ROWS = 20_000;
/** Lines per string within a batch. */
const GROUP_ROWS = 2_000;

/** Column order of a part's arrays: the shared entity's fields, then version. */
export function snapshotColumns(entity: SyncEntity): string[] {
  return entityFields(entity);
}

interface EntitySource extends ScopeColumns {
  /** FROM clause; the entity's own table is aliased `t`. */
  from: RawBuilder<unknown>;
}

// Scope expressions mirror server/sync/row-scope.ts: children take their parent's place.
const SOURCES: Record<SyncEntity, EntitySource> = {
  user: { from: sql`users t`, owner: sql`t.id`, region: sql`NULL::text`, pool: sql`true` },
  account: { from: sql`accounts t`, owner: sql`t.owner_id`, region: sql`t.region_id`, pool: sql`false` },
  contact: {
    from: sql`contacts t JOIN accounts a ON a.id = t.account_id`,
    owner: sql`a.owner_id`,
    region: sql`a.region_id`,
    pool: sql`false`,
  },
  lead: { from: sql`leads t`, owner: sql`t.owner_id`, region: sql`t.region_id`, pool: sql`(t.status = 'public_pool')` },
  opportunity: { from: sql`opportunities t`, owner: sql`t.owner_id`, region: sql`t.region_id`, pool: sql`false` },
  stage_history: {
    from: sql`stage_history t JOIN opportunities o ON o.id = t.opportunity_id`,
    owner: sql`o.owner_id`,
    region: sql`o.region_id`,
    pool: sql`false`,
  },
  activity: {
    from: sql`activities t LEFT JOIN opportunities o ON o.id = t.opportunity_id LEFT JOIN leads l ON l.id = t.lead_id LEFT JOIN users u ON u.id = t.owner_id`,
    owner: sql`(CASE WHEN o.id IS NOT NULL THEN o.owner_id WHEN l.id IS NOT NULL THEN l.owner_id ELSE t.owner_id END)`,
    region: sql`(CASE WHEN o.id IS NOT NULL THEN o.region_id WHEN l.id IS NOT NULL THEN l.region_id ELSE u.region_id END)`,
    pool: sql`(o.id IS NULL AND l.id IS NOT NULL AND l.status = 'public_pool')`,
  },
  task: { from: sql`tasks t LEFT JOIN users u ON u.id = t.owner_id`, owner: sql`t.owner_id`, region: sql`u.region_id`, pool: sql`false` },
};


/**
 * The keyset cuts of an entity's visible rows: the id closing every full
 * part, and how many rows there are in all.
 */
async function partCuts(
  db: Kysely<ServerDatabase>,
  viewer: Viewer,
  s: EntitySource,
  partRows: number,
): Promise<{ bounds: string[]; total: number }> {
  const where = visibleSql(viewer, s);
  if (!seesEverything(viewer)) {
    // Filtered through joins: one hash-joined pass numbers the rows (stepping through
    // the primary key instead would join row by row).
    const counted = await sql<{ n: string | number }>`SELECT count(*) AS n FROM ${s.from} WHERE ${where}`.execute(db);
    const cuts = await sql<{ id: string }>`
      SELECT id FROM (
        SELECT t.id AS id, row_number() OVER (ORDER BY t.id) AS rn FROM ${s.from} WHERE ${where}
      ) numbered WHERE rn % ${partRows} = 0 ORDER BY id`.execute(db);
    return { bounds: cuts.rows.map((r) => r.id), total: Number(counted.rows[0]?.n ?? 0) };
  }
  // Every row: step through the primary key, `partRows` at a time (an index range scan each),
  // and count what is left after the last cut. Cheaper than count(*) plus row_number() over all.
  const bounds: string[] = [];
  for (;;) {
    const after = bounds.length === 0 ? sql`true` : sql`t.id > ${bounds[bounds.length - 1]}`;
    const cut = await sql<{ id: string }>`
      SELECT t.id AS id FROM ${s.from} WHERE ${where} AND ${after} ORDER BY t.id OFFSET ${partRows - 1} LIMIT 1`.execute(db);
    const id = cut.rows[0]?.id;
    if (id === undefined) {
      const rest = await sql<{ n: string | number }>`
        SELECT count(*) AS n FROM (SELECT 1 FROM ${s.from} WHERE ${where} AND ${after} LIMIT ${partRows}) tail`.execute(db);
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

/** How one column becomes JSON text inside Postgres, matching the entity mappers in entity-rows.ts. */
function jsonExpression(column: string, type: string | undefined): RawBuilder<unknown> {
  const c = sql.ref(`t.${column}`);
  switch (type) {
    case undefined:
      return sql`'null'`;
    case 'timestamp with time zone':
      // toISOString(): UTC, milliseconds, "Z".
      return sql`coalesce('"' || to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"', 'null')`;
    case 'date':
      return sql`coalesce('"' || to_char(${c}, 'YYYY-MM-DD') || '"', 'null')`;
    case 'numeric':
    case 'real':
    case 'double precision':
      // Number(amount): the shortest text that reads back as the same double, as JSON.stringify writes it.
      return sql`coalesce((${c})::float8::text, 'null')`;
    case 'smallint':
    case 'integer':
    case 'bigint':
    case 'boolean':
      return sql`coalesce((${c})::text, 'null')`;
    case 'character':
      return sql`coalesce(to_json(btrim(${c}))::text, 'null')`;
    default:
      return sql`coalesce(to_json(${c})::text, 'null')`;
  }
}

const rowExpressions = new WeakMap<Kysely<ServerDatabase>, Map<SyncEntity, Promise<RawBuilder<unknown>>>>();

/**
 * The SQL that renders one row as its JSON array line (`snapshotColumns`
 * order). Postgres writes the text, so a row costs one string instead of a
 * parsed row object (dates and all) mapped and stringified in JS: on PGlite
 * that is ~4× faster.
 * Column types come from the catalog once per store, so a new shared field
 * needs no change here.
 */
function rowExpression(db: Kysely<ServerDatabase>, entity: SyncEntity): Promise<RawBuilder<unknown>> {
  let perDb = rowExpressions.get(db);
  if (!perDb) {
    perDb = new Map();
    rowExpressions.set(db, perDb);
  }
  let found = perDb.get(entity);
  if (!found) {
    found = (async () => {
      const { rows } = await sql<{ name: string; type: string }>`
        SELECT attname AS name, atttypid::regtype::text AS type FROM pg_attribute
        WHERE attrelid = ${ENTITY_TABLE[entity]}::regclass AND attnum > 0 AND NOT attisdropped`.execute(db);
      const types = new Map(rows.map((r) => [r.name, r.type]));
      const parts = snapshotColumns(entity).map((field) => {
        const column = field.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`);
        return jsonExpression(column, types.get(column));
      });
      return sql`'[' || ${sql.join(parts, sql` || ',' || `)} || ']'`;
    })();
    found.catch(() => perDb.delete(entity));
    perDb.set(entity, found);
  }
  return found;
}

/**
 * Lines of one part: a header, one JSON array per row in `snapshotColumns`
 * order, and a trailer with the row count and the sha256 of the row lines.
 */
export async function* snapshotPartLines(
  db: Kysely<ServerDatabase>,
  viewer: Viewer,
  p: { entity: SyncEntity; part: number; of: number; snapshotSeq: number; after: string | null; until: string | null },
): AsyncGenerator<string> {
  const columns = snapshotColumns(p.entity);
  yield JSON.stringify({ entity: p.entity, columns, schemaVersion: SYNC_SCHEMA_VERSION, snapshotSeq: p.snapshotSeq, part: p.part, of: p.of }) + '\n';
  const s = SOURCES[p.entity];
  const line = await rowExpression(db, p.entity);
  const hash = createHash('sha256');
  let rows = 0;
  const fetchBatch = async (cursor: string | null) => {
    const lower = cursor === null ? sql`true` : sql`t.id > ${cursor}`;
    const upper = p.until === null ? sql`true` : sql`t.id <= ${p.until}`;
    // Lines come joined in groups: a few big strings per batch cost the drivers far less
    // than a row object per line (PGlite) or one huge value (pg), and Postgres does the joining.
    const result = await sql<{ n: number; last: string; body: string }>`
      SELECT count(*)::int AS n, max(id) AS last, string_agg(line, E'\n' ORDER BY id) AS body FROM (
        SELECT t.id AS id, ${line} AS line, (row_number() OVER (ORDER BY t.id) - 1) / ${GROUP_ROWS} AS grp
        FROM ${s.from}
        WHERE ${visibleSql(viewer, s)} AND ${lower} AND ${upper} ORDER BY t.id LIMIT ${FETCH_ROWS}
      ) batch GROUP BY grp ORDER BY grp`.execute(db);
    return result.rows;
  };
  let pending = fetchBatch(p.after);
  for (;;) {
    const groups = await pending;
    const last = groups[groups.length - 1];
    if (!last) break;
    const n = groups.reduce((sum, g) => sum + Number(g.n), 0);
    const more = n === FETCH_ROWS;
    // Query the next batch while this one is gzipped and sent. If the
    // download is dropped meanwhile, that query's outcome is not wanted.
    if (more) {
      pending = fetchBatch(last.last);
      pending.catch(() => undefined);
    }
    let chunk = '';
    for (const g of groups) chunk += g.body + '\n';
    hash.update(chunk);
    rows += n;
    yield chunk;
    if (!more) break;
  }
  yield JSON.stringify({ end: true, rows, sha256: hash.digest('hex') }) + '\n';
}
