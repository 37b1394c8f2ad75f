import { describe, expect, it } from 'vitest';
import { LEAD_STATUSES } from '../../shared/domain/enums';
import { ENTITY_SCHEMAS } from '../../shared/sync/entities';
import { SYNC_ENTITIES } from '../../shared/sync/protocol';
import { canSee, followersOf, placeOf, scopeSource, VISIBILITY, type Viewer } from '../../shared/sync/visibility';

/** The one visibility definition (shared/sync/visibility.ts), read as the rules it states. */

const rep: Viewer = { userId: 'u_rep', role: 'rep', regionId: 'r_east', managedRegionIds: [] };
const manager: Viewer = { userId: 'u_mgr', role: 'manager', regionId: 'r_east', managedRegionIds: ['r_east'] };

describe('the visibility definition', () => {
  it('always names a parent: the last link of every rule is a required field', () => {
    for (const entity of SYNC_ENTITIES) {
      const rule = VISIBILITY[entity];
      if (rule.kind !== 'follows') continue;
      const last = rule.links[rule.links.length - 1];
      expect(last, entity).toBeDefined();
      const shape: Record<string, { safeParse(v: unknown): { success: boolean } }> = ENTITY_SCHEMAS[entity].shape;
      expect(shape[last?.via ?? '']?.safeParse(null).success, `${entity}.${last?.via}`).toBe(false);
    }
  });

  it('gives a task its owner’s place, whoever owns the lead it is about', () => {
    const task = { id: 't1', leadId: 'l1', opportunityId: null, ownerId: 'u_rep' };
    expect(scopeSource('task', task)).toEqual({ kind: 'parent', parent: 'user', id: 'u_rep' });
    expect(followersOf('lead').map((f) => f.entity)).not.toContain('task');
    expect(followersOf('user')).toContainEqual({ entity: 'task', via: 'ownerId', unless: [] });
  });

  it('lets a note on a deal follow the deal even when it names the lead too', () => {
    expect(scopeSource('activity', { id: 'a1', leadId: 'l1', opportunityId: 'o1', ownerId: 'u' })).toEqual({ kind: 'parent', parent: 'opportunity', id: 'o1' });
    expect(scopeSource('activity', { id: 'a2', leadId: 'l1', opportunityId: null, ownerId: 'u' })).toEqual({ kind: 'parent', parent: 'lead', id: 'l1' });
    expect(scopeSource('activity', { id: 'a3', leadId: null, opportunityId: null, ownerId: 'u' })).toEqual({ kind: 'parent', parent: 'user', id: 'u' });
    expect(followersOf('lead')).toEqual([{ entity: 'activity', via: 'leadId', unless: ['opportunityId'] }]);
    expect(followersOf('opportunity')).toEqual(
      expect.arrayContaining([
        { entity: 'stage_history', via: 'opportunityId', unless: [] },
        { entity: 'activity', via: 'opportunityId', unless: [] },
      ]),
    );
  });

  it('shows a lead to its owner in every status, pending review included', () => {
    for (const status of LEAD_STATUSES) {
      const scope = placeOf('lead', { ownerId: 'u_rep', regionId: 'r_north', status });
      expect(canSee(rep, scope), status).toBe(true);
    }
    // The pool is the region's: any rep of it, not the reps of another.
    expect(canSee(rep, placeOf('lead', { ownerId: null, regionId: 'r_east', status: 'public_pool' }))).toBe(true);
    expect(canSee(rep, placeOf('lead', { ownerId: null, regionId: 'r_north', status: 'public_pool' }))).toBe(false);
    expect(canSee(manager, placeOf('lead', { ownerId: 'u_other', regionId: 'r_east', status: 'pending_review' }))).toBe(true);
  });

  it('shows users to everyone', () => {
    expect(scopeSource('user', { id: 'u9', regionId: 'r_north' })).toEqual({ kind: 'scope', scope: { ownerId: null, regionId: null, pool: true } });
    expect(canSee(rep, { ownerId: null, regionId: null, pool: true })).toBe(true);
  });
});
