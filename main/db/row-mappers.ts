import type { Selectable } from 'kysely';
import type { Activity, Lead, Opportunity, Task, User } from '../../shared/domain/entities';
import type { SyncEntity } from '../../shared/sync/protocol';
import { fromTableRow } from '../sync/entity-columns';
import type { ActivitiesTable, LeadsTable, OpportunitiesTable, TasksTable, UsersTable } from './schema';

// Cache rows come from our own STRICT tables, written only by validated sync
// code; the dispatcher validates every reply once more before the renderer
// sees it. The mapping itself is derived from the shared schemas.

function mapper<T>(entity: SyncEntity) {
  return (row: object): T => {
    const { version: _version, ...entityFields } = fromTableRow(entity, row as Record<string, unknown>);
    return entityFields as T;
  };
}

export const leadFromRow: (r: Selectable<LeadsTable>) => Lead = mapper<Lead>('lead');
export const opportunityFromRow: (r: Selectable<OpportunitiesTable>) => Opportunity = mapper<Opportunity>('opportunity');
export const taskFromRow: (r: Selectable<TasksTable>) => Task = mapper<Task>('task');
export const activityFromRow: (r: Selectable<ActivitiesTable>) => Activity = mapper<Activity>('activity');
export const userFromRow: (r: Selectable<UsersTable>) => User = mapper<User>('user');
