import { createHash } from 'node:crypto';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { ZodObject } from 'zod';
import {
  AccountSchema,
  ActivitySchema,
  ContactSchema,
  LeadSchema,
  OpportunitySchema,
  StageHistorySchema,
  TaskSchema,
  UserSchema,
} from '../../shared/domain/entities';
import { SYNC_ENTITIES, SYNC_SCHEMA_VERSION, type SnapshotManifest, type SyncEntity } from '../../shared/sync/protocol';
import type { Viewer } from '../../shared/sync/visibility';
import type { ServerDatabase } from '../db/schema';
import { toAccount, toActivity, toContact, toLead, toOpportunity, toStageHistory, toTask, toUser } from './entity-rows';

/**
 * First sync: the viewer's rows as gzip NDJSON parts (SYNC.md §3.7). Parts
 * are keyset ranges fixed when the manifest is made, so rows written between
 * part downloads cannot shift a boundary; the cockpit then pulls from
 * `snapshotSeq`, and version-checked upserts make overlaps harmless.
 */

export const SNAPSHOT_PART_ROWS = 50_000;
const FETCH_ROWS = 5_000;

const SCHEMAS = {
  user: UserSchema,
  account: AccountSchema,
  contact: ContactSchema,
  lead: LeadSchema,
  opportunity: OpportunitySchema,
  stage_history: StageHistorySchema,
  activity: ActivitySchema,
  task: TaskSchema,
} as const satisfies Record<SyncEntity, ZodObject>;

/** Column order of a part's arrays: the shared entity's fields, then version. */
export function snapshotColumns(entity: SyncEntity): string[] {
  return [...Object.keys(SCHEMAS[entity].shape), 'version'];
}

interface EntitySource {
  /** FROM clause; the entity's own table is aliased `t`. */
  from: RawBuilder<unknown>;
  owner: RawBuilder<unknown>;
  region: RawBuilder<unknown>;
  pool: RawBuilder<unknown>;
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

/** SQL form of `canSee` (shared/sync/visibility.ts) over an entity's scope expressions. */
function visibleWhere(viewer: Viewer, s: EntitySource): RawBuilder<unknown> {
  if (viewer.role === 'executive' || viewer.role === 'admin') return sql`true`;
  const poolOk = viewer.regionId
    ? sql`(${s.pool} AND (${s.region} IS NULL OR ${s.region} = ${viewer.regionId}))`
    : sql`(${s.pool} AND ${s.region} IS NULL)`;
  const managed =
    viewer.role === 'manager' && viewer.managedRegionIds.length > 0
      ? sql` OR ${s.region} IN (${sql.join(viewer.managedRegionIds.map((r) => sql`${r}`))})`
      : sql``;
  return sql`(${s.owner} = ${viewer.userId} OR ${poolOk}${managed})`;
}

export async function buildManifest(db: Kysely<ServerDatabase>, viewer: Viewer, partRows = SNAPSHOT_PART_ROWS): Promise<SnapshotManifest> {
  // Read the high-water mark first: anything committed later is pulled afterwards.
  const snapshotSeq = Number((await db.selectFrom('sync_counter').select('seq').where('id', '=', 1).executeTakeFirstOrThrow()).seq);
  const parts: SnapshotManifest['parts'] = [];
  for (const entity of SYNC_ENTITIES) {
    const s = SOURCES[entity];
    const counted = await sql<{ n: string | number }>`SELECT count(*) AS n FROM ${s.from} WHERE ${visibleWhere(viewer, s)}`.execute(db);
    const total = Number(counted.rows[0]?.n ?? 0);
    const cuts = await sql<{ id: string }>`
      SELECT id FROM (
        SELECT t.id AS id, row_number() OVER (ORDER BY t.id) AS rn FROM ${s.from} WHERE ${visibleWhere(viewer, s)}
      ) numbered WHERE rn % ${partRows} = 0 ORDER BY id`.execute(db);
    const bounds = cuts.rows.map((r) => r.id);
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

type RowMapper = (row: never) => Record<string, unknown>;
const MAPPERS: Record<SyncEntity, RowMapper> = {
  user: toUser as RowMapper,
  account: toAccount as RowMapper,
  contact: toContact as RowMapper,
  lead: toLead as RowMapper,
  opportunity: toOpportunity as RowMapper,
  stage_history: toStageHistory as RowMapper,
  activity: toActivity as RowMapper,
  task: toTask as RowMapper,
};

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
  const map = MAPPERS[p.entity];
  const hash = createHash('sha256');
  let rows = 0;
  let cursor = p.after;
  for (;;) {
    const lower = cursor === null ? sql`true` : sql`t.id > ${cursor}`;
    const upper = p.until === null ? sql`true` : sql`t.id <= ${p.until}`;
    const batch = await sql<Record<string, unknown> & { id: string; version: string | number }>`
      SELECT t.* FROM ${s.from} WHERE ${visibleWhere(viewer, s)} AND ${lower} AND ${upper} ORDER BY t.id LIMIT ${FETCH_ROWS}`.execute(db);
    if (batch.rows.length === 0) break;
    let chunk = '';
    for (const r of batch.rows) {
      const entity: Record<string, unknown> = { ...map(r as never), version: Number(r.version) };
      chunk += JSON.stringify(columns.map((c) => entity[c] ?? null)) + '\n';
    }
    hash.update(chunk);
    rows += batch.rows.length;
    yield chunk;
    cursor = batch.rows[batch.rows.length - 1]?.id ?? cursor;
    if (batch.rows.length < FETCH_ROWS) break;
  }
  yield JSON.stringify({ end: true, rows, sha256: hash.digest('hex') }) + '\n';
}
