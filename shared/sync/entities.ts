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
} from '../domain/entities';
import type { SyncEntity } from './protocol';

/** The shared schema of each synced entity: what the wire carries, field by field. */
export const ENTITY_SCHEMAS = {
  user: UserSchema,
  account: AccountSchema,
  contact: ContactSchema,
  lead: LeadSchema,
  opportunity: OpportunitySchema,
  stage_history: StageHistorySchema,
  activity: ActivitySchema,
  task: TaskSchema,
} as const satisfies Record<SyncEntity, ZodObject>;

/** The table that holds each entity, on the server and in the cockpit's cache alike. */
export const ENTITY_TABLES = {
  user: 'users',
  account: 'accounts',
  contact: 'contacts',
  lead: 'leads',
  opportunity: 'opportunities',
  stage_history: 'stage_history',
  activity: 'activities',
  task: 'tasks',
} as const satisfies Record<SyncEntity, string>;

/** Column order of snapshot rows: the entity's fields, then its version. */
export function entityFields(entity: SyncEntity): string[] {
  return [...Object.keys(ENTITY_SCHEMAS[entity].shape), 'version'];
}
