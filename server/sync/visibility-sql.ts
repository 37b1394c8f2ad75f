import { sql, type RawBuilder } from 'kysely';
import { seesEverything as roleSeesEverything } from '../../shared/domain/roles';
import { ENTITY_TABLES } from '../../shared/sync/entities';
import type { SyncEntity } from '../../shared/sync/protocol';
import { PLACES, VISIBILITY, type Follower, type ParentEntity, type Viewer } from '../../shared/sync/visibility';

/** SQL expressions for where a row sits (see shared/sync/visibility.ts RowScope). */
export interface ScopeColumns {
  owner: RawBuilder<unknown>;
  region: RawBuilder<unknown>;
  pool: RawBuilder<unknown>;
}

/** Whether the viewer sees every row, so no filter (and no join to compute a scope) is needed. */
export function seesEverything(viewer: Viewer): boolean {
  return roleSeesEverything(viewer.role);
}

/**
 * The SQL form of `canSee` (shared/sync/visibility.ts), used by pulls over the
 * change log and by snapshots over the tables. The shared rule stays the
 * authority: pulls re-check every row with it.
 */
export function visibleSql(viewer: Viewer, s: ScopeColumns): RawBuilder<boolean> {
  if (seesEverything(viewer)) return sql<boolean>`true`;
  const poolOk = viewer.regionId
    ? sql`(${s.pool} AND (${s.region} IS NULL OR ${s.region} = ${viewer.regionId}))`
    : sql`(${s.pool} AND ${s.region} IS NULL)`;
  const managed =
    viewer.role === 'manager' && viewer.managedRegionIds.length > 0
      ? sql` OR ${s.region} IN (${sql.join(viewer.managedRegionIds.map((r) => sql`${r}`))})`
      : sql``;
  return sql<boolean>`(${s.owner} = ${viewer.userId} OR ${poolOk}${managed})`;
}

/** The column of a shared entity field. */
export function columnOf(field: string): string {
  return field.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`);
}

/** The place (owner, region, pool) of a parent row in table alias `alias`, from `PLACES`. */
function placeSql(parent: ParentEntity, alias: string): ScopeColumns {
  const p: { owner: string; region: string; pool: { field: string; equals: string } | null } = PLACES[parent];
  return {
    owner: sql.ref(`${alias}.${columnOf(p.owner)}`),
    region: sql.ref(`${alias}.${columnOf(p.region)}`),
    pool: p.pool === null ? sql`false` : sql`(${sql.ref(`${alias}.${columnOf(p.pool.field)}`)} = ${sql.lit(p.pool.equals)})`,
  };
}

/** An entity's rows with their place: FROM clause (own table aliased `t`, parents joined) and scope expressions. */
export interface ScopedSource extends ScopeColumns {
  from: RawBuilder<unknown>;
  /** The own table alone (aliased `t`), for readers that need no filter. */
  table: RawBuilder<unknown>;
  /** Every row is visible to everyone: no filter needed. */
  everyone: boolean;
}

/**
 * The SQL form of `VISIBILITY`: a followed parent is joined (one hash join
 * per link, so a snapshot stays one pass), and the first link whose column is
 * set gives the place.
 */
export function scopedSource(entity: SyncEntity): ScopedSource {
  const rule = VISIBILITY[entity];
  const table = sql.table(ENTITY_TABLES[entity]);
  const from = sql`${table} t`;
  switch (rule.kind) {
    case 'everyone':
      return { from, table: from, everyone: true, owner: sql`NULL::text`, region: sql`NULL::text`, pool: sql`true` };
    case 'own':
      return { from, table: from, everyone: false, ...placeSql(entity as ParentEntity, 't') };
    case 'follows': {
      const links: readonly { parent: ParentEntity; via: string }[] = rule.links;
      // A single link is a required column (the last link always is): an inner join.
      const join = links.length === 1 ? sql`JOIN` : sql`LEFT JOIN`;
      const joins = links.map((l, i) => sql`${join} ${sql.table(ENTITY_TABLES[l.parent])} ${sql.raw(`p${i}`)} ON ${sql.ref(`p${i}.id`)} = ${sql.ref(`t.${columnOf(l.via)}`)}`);
      const places = links.map((l, i) => ({ set: sql.ref(`t.${columnOf(l.via)}`), place: placeSql(l.parent, `p${i}`) }));
      const pick = (column: keyof ScopeColumns): RawBuilder<unknown> => {
        const [only] = places;
        if (places.length === 1 && only) return only.place[column];
        return sql`(CASE ${sql.join(places.map((p) => sql`WHEN ${p.set} IS NOT NULL THEN ${p.place[column]}`), sql` `)} END)`;
      };
      return { from: sql`${from} ${sql.join(joins, sql` `)}`, table: from, everyone: false, owner: pick('owner'), region: pick('region'), pool: pick('pool') };
    }
  }
}

/** The rows of `f.entity` that follow parent `id` (table alias `t`). */
export function followerWhere(f: Follower, id: string): RawBuilder<boolean> {
  const conditions = [sql`${sql.ref(`t.${columnOf(f.via)}`)} = ${id}`, ...f.unless.map((u) => sql`${sql.ref(`t.${columnOf(u)}`)} IS NULL`)];
  return sql<boolean>`(${sql.join(conditions, sql` AND `)})`;
}
