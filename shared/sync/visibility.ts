import type { Role } from '../domain/enums';
import { seesEverything } from '../domain/roles';
import type { ENTITY_SCHEMAS } from './entities';
import type { SyncEntity } from './protocol';

/**
 * Who may see a row: the one rule the server's write path, pull filter, SQL
 * snapshot filter, grant history and the cockpit's evict cascade all derive
 * from (DOMAIN.md: reps see their own customers, regional managers their
 * region, executives everything).
 *
 * A row's place (`RowScope`) is either its own (leads, deals, accounts), or
 * that of the parent it follows (`VISIBILITY`). Users are seen by everyone.
 */

/** Where a row sits, recorded with every change so a pull can filter by it. */
export interface RowScope {
  ownerId: string | null;
  regionId: string | null;
  /** In the public pool (公海): every rep of the region may claim it. */
  pool: boolean;
}

export interface Viewer {
  userId: string;
  role: Role;
  /** The viewer's own region (reps, managers). */
  regionId: string | null;
  /** Regions of the teams a manager manages. */
  managedRegionIds: readonly string[];
}

type FieldOf<E extends SyncEntity> = Extract<keyof (typeof ENTITY_SCHEMAS)[E]['shape'], string>;

/** Entities that have a place of their own, which the rows following them take. */
const PARENT_ENTITIES = ['user', 'account', 'lead', 'opportunity'] as const;
export type ParentEntity = (typeof PARENT_ENTITIES)[number];

/** Which fields of a parent row make its place. */
export interface Place<P extends ParentEntity> {
  owner: FieldOf<P>;
  region: FieldOf<P>;
  /** The row is in the public pool when `field` equals `equals`; null: never. */
  pool: { field: FieldOf<P>; equals: string } | null;
}

export const PLACES: { [P in ParentEntity]: Place<P> } = {
  // A user's place is what follows the user (their tasks, their own notes); the user row itself is seen by everyone.
  user: { owner: 'id', region: 'regionId', pool: null },
  account: { owner: 'ownerId', region: 'regionId', pool: null },
  lead: { owner: 'ownerId', region: 'regionId', pool: { field: 'status', equals: 'public_pool' } },
  opportunity: { owner: 'ownerId', region: 'regionId', pool: null },
};

/** A parent whose place a row takes, named by the row's field holding the parent's id. */
export interface FollowLink<E extends SyncEntity> {
  parent: ParentEntity;
  via: FieldOf<E>;
}

export type VisibilityRule<E extends SyncEntity> =
  /** Colleagues: their names appear on shared rows and in assignment. */
  | { kind: 'everyone' }
  /** The row's own place (`PLACES`). */
  | (E extends Exclude<ParentEntity, 'user'> ? { kind: 'own' } : never)
  /** The first link whose field is set decides; the last link's field is required, so one always is. */
  | { kind: 'follows'; links: readonly FollowLink<E>[] };

export const VISIBILITY: { [E in SyncEntity]: VisibilityRule<E> } = {
  user: { kind: 'everyone' },
  account: { kind: 'own' },
  contact: { kind: 'follows', links: [{ parent: 'account', via: 'accountId' }] },
  lead: { kind: 'own' },
  opportunity: { kind: 'own' },
  stage_history: { kind: 'follows', links: [{ parent: 'opportunity', via: 'opportunityId' }] },
  // Notes on a deal travel with the deal, else with the lead; a note on neither stays with its author.
  activity: {
    kind: 'follows',
    links: [
      { parent: 'opportunity', via: 'opportunityId' },
      { parent: 'lead', via: 'leadId' },
      { parent: 'user', via: 'ownerId' },
    ],
  },
  // A task is personal: it shows on its owner's agenda (reassigning a lead moves its open tasks explicitly).
  task: { kind: 'follows', links: [{ parent: 'user', via: 'ownerId' }] },
};

/** The place of rows everyone sees. */
const EVERYONE: RowScope = { ownerId: null, regionId: null, pool: true };

type Row = Readonly<Record<string, unknown>>;
/** The definitions above with field names as plain strings, for code that reads any entity. */
type AnyPlace = { owner: string; region: string; pool: { field: string; equals: string } | null };
type AnyRule = { kind: 'everyone' } | { kind: 'own' } | { kind: 'follows'; links: readonly { parent: ParentEntity; via: string }[] };

function idOrNull(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/** The place a parent row gives itself (unless it is a user) and the rows that follow it. */
export function placeOf(parent: ParentEntity, row: Row): RowScope {
  const p: AnyPlace = PLACES[parent];
  return {
    ownerId: idOrNull(row[p.owner]),
    regionId: idOrNull(row[p.region]),
    pool: p.pool !== null && row[p.pool.field] === p.pool.equals,
  };
}

/** What decides a row's place: everyone, the row itself, or the parent it follows (to be looked up). */
export type ScopeSource = { kind: 'scope'; scope: RowScope } | { kind: 'parent'; parent: ParentEntity; id: string };

export function scopeSource(entity: SyncEntity, row: Row): ScopeSource {
  const rule: AnyRule = VISIBILITY[entity];
  switch (rule.kind) {
    case 'everyone':
      return { kind: 'scope', scope: EVERYONE };
    case 'own':
      return { kind: 'scope', scope: placeOf(entity as ParentEntity, row) };
    case 'follows':
      for (const link of rule.links) {
        const id = idOrNull(row[link.via]);
        if (id !== null) return { kind: 'parent', parent: link.parent, id };
      }
      throw new Error(`visibility: ${entity} ${String(row.id)} names none of its parents`);
  }
}

/** Rows of `entity` that take a parent's place: `via` names the parent, and every field in `unless` is empty. */
export interface Follower {
  entity: SyncEntity;
  via: string;
  unless: string[];
}

/**
 * The rows that follow a parent of this entity. A grant of the parent ships
 * exactly these; an evict of the parent removes exactly these from a cache.
 */
export function followersOf(parent: ParentEntity): Follower[] {
  const out: Follower[] = [];
  for (const [entity, rule] of Object.entries(VISIBILITY) as [SyncEntity, AnyRule][]) {
    if (rule.kind !== 'follows') continue;
    rule.links.forEach((link, i) => {
      if (link.parent === parent) out.push({ entity, via: link.via, unless: rule.links.slice(0, i).map((l) => l.via) });
    });
  }
  return out;
}

export function isParentEntity(entity: SyncEntity): entity is ParentEntity {
  return (PARENT_ENTITIES as readonly string[]).includes(entity);
}

export function canSee(viewer: Viewer, scope: RowScope): boolean {
  if (seesEverything(viewer.role)) return true;
  switch (viewer.role) {
    case 'manager':
      return (
        scope.ownerId === viewer.userId ||
        (scope.regionId !== null && viewer.managedRegionIds.includes(scope.regionId)) ||
        (scope.pool && (scope.regionId === null || scope.regionId === viewer.regionId))
      );
    case 'rep':
      return (
        scope.ownerId === viewer.userId ||
        (scope.pool && (scope.regionId === null || scope.regionId === viewer.regionId))
      );
  }
}

/**
 * What a pull sends for one change, from the row's scope before and after it:
 * an upsert when visible now, a grant when it just entered the viewer's
 * scope, an evict when it just left it, nothing when it was never theirs.
 */
export function visibilityChange(
  viewer: Viewer,
  before: RowScope | null,
  after: RowScope | null,
): 'upsert' | 'grant' | 'evict' | 'none' {
  const now = after !== null && canSee(viewer, after);
  const was = before !== null && canSee(viewer, before);
  if (now) return was ? 'upsert' : 'grant';
  return was ? 'evict' : 'none';
}
