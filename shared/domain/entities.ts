import { z } from 'zod';
import {
  ActivityTypeSchema,
  DealOutcomeSchema,
  LeadNeedSchema,
  LeadSourceSchema,
  LeadStatusSchema,
  RoleSchema,
  StageSchema,
  TaskStatusSchema,
} from './enums';
import { SafeDateSchema, SafeTextSchema, SafeTimestampSchema } from './text';

/** Timestamps cross every boundary as ISO-8601 strings with an offset (years 0001–9999). */
export const TimestampSchema = SafeTimestampSchema;
/** Every text field is SafeText: nothing the store cannot hold gets past a schema. */
export const IdSchema = SafeTextSchema.min(1).max(64);
export const EmailSchema = z.email().max(254);

export const UserSchema = z.object({
  id: IdSchema,
  email: EmailSchema,
  displayName: SafeTextSchema.min(1).max(100),
  role: RoleSchema,
  teamId: IdSchema.nullable(),
  regionId: IdSchema.nullable(),
  active: z.boolean(),
});
export type User = z.infer<typeof UserSchema>;

export const TeamSchema = z.object({
  id: IdSchema,
  name: SafeTextSchema.min(1).max(100),
  regionId: IdSchema,
});
export type Team = z.infer<typeof TeamSchema>;

export const RegionSchema = z.object({ id: IdSchema, name: SafeTextSchema.min(1).max(100) });
export type Region = z.infer<typeof RegionSchema>;

export const LeadSchema = z.object({
  id: IdSchema,
  name: SafeTextSchema.min(1).max(100),
  mobile: SafeTextSchema.max(32).nullable(),
  company: SafeTextSchema.max(200).nullable(),
  city: SafeTextSchema.max(64).nullable(),
  source: LeadSourceSchema,
  need: LeadNeedSchema,
  status: LeadStatusSchema,
  ownerId: IdSchema.nullable(),
  regionId: IdSchema.nullable(),
  createdAt: TimestampSchema,
  assignedAt: TimestampSchema.nullable(),
  firstTouchAt: TimestampSchema.nullable(),
  updatedAt: TimestampSchema,
});
export type Lead = z.infer<typeof LeadSchema>;

export const AccountSchema = z.object({
  id: IdSchema,
  name: SafeTextSchema.min(1).max(200),
  industry: SafeTextSchema.max(100).nullable(),
  city: SafeTextSchema.max(64).nullable(),
  ownerId: IdSchema.nullable(),
  regionId: IdSchema.nullable(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
});
export type Account = z.infer<typeof AccountSchema>;

export const ContactSchema = z.object({
  id: IdSchema,
  accountId: IdSchema,
  name: SafeTextSchema.min(1).max(100),
  title: SafeTextSchema.max(100).nullable(),
  mobile: SafeTextSchema.max(32).nullable(),
  email: EmailSchema.nullable(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
});
export type Contact = z.infer<typeof ContactSchema>;

export const OpportunitySchema = z.object({
  id: IdSchema,
  accountId: IdSchema,
  leadId: IdSchema.nullable(),
  name: SafeTextSchema.min(1).max(200),
  stage: StageSchema,
  outcome: DealOutcomeSchema,
  amount: z.number().nonnegative(),
  currency: SafeTextSchema.length(3),
  ownerId: IdSchema,
  regionId: IdSchema.nullable(),
  stageEnteredAt: TimestampSchema,
  expectedCloseOn: SafeDateSchema.nullable(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
});
export type Opportunity = z.infer<typeof OpportunitySchema>;

export const StageHistorySchema = z.object({
  id: IdSchema,
  opportunityId: IdSchema,
  fromStage: StageSchema.nullable(),
  toStage: StageSchema,
  changedBy: IdSchema,
  changedAt: TimestampSchema,
});
export type StageHistory = z.infer<typeof StageHistorySchema>;

export const ActivitySchema = z.object({
  id: IdSchema,
  type: ActivityTypeSchema,
  leadId: IdSchema.nullable(),
  opportunityId: IdSchema.nullable(),
  ownerId: IdSchema,
  subject: SafeTextSchema.min(1).max(200),
  body: SafeTextSchema.max(10_000).nullable(),
  occurredAt: TimestampSchema,
  createdAt: TimestampSchema,
});
export type Activity = z.infer<typeof ActivitySchema>;

/**
 * What a task is for: `first_contact` tasks are made for a lead that awaits
 * its first touch and close when it comes; `custom` tasks are the user's own.
 */
export const TaskKindSchema = z.enum(['first_contact', 'custom']);
export type TaskKind = z.infer<typeof TaskKindSchema>;

export const TaskSchema = z.object({
  id: IdSchema,
  title: SafeTextSchema.min(1).max(200),
  kind: TaskKindSchema,
  leadId: IdSchema.nullable(),
  opportunityId: IdSchema.nullable(),
  ownerId: IdSchema,
  dueAt: TimestampSchema,
  status: TaskStatusSchema,
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
});
export type Task = z.infer<typeof TaskSchema>;
