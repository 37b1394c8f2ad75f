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

/** Timestamps cross every boundary as ISO-8601 strings with an offset. */
export const TimestampSchema = z.iso.datetime({ offset: true });
export const IdSchema = z.string().min(1).max(64);
export const EmailSchema = z.email().max(254);

export const UserSchema = z.object({
  id: IdSchema,
  email: EmailSchema,
  displayName: z.string().min(1).max(100),
  role: RoleSchema,
  teamId: IdSchema.nullable(),
  regionId: IdSchema.nullable(),
  active: z.boolean(),
});
export type User = z.infer<typeof UserSchema>;

export const TeamSchema = z.object({
  id: IdSchema,
  name: z.string().min(1).max(100),
  regionId: IdSchema,
});
export type Team = z.infer<typeof TeamSchema>;

export const RegionSchema = z.object({ id: IdSchema, name: z.string().min(1).max(100) });
export type Region = z.infer<typeof RegionSchema>;

export const LeadSchema = z.object({
  id: IdSchema,
  name: z.string().min(1).max(100),
  mobile: z.string().max(32).nullable(),
  company: z.string().max(200).nullable(),
  city: z.string().max(64).nullable(),
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
  name: z.string().min(1).max(200),
  industry: z.string().max(100).nullable(),
  city: z.string().max(64).nullable(),
  ownerId: IdSchema.nullable(),
  regionId: IdSchema.nullable(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
});
export type Account = z.infer<typeof AccountSchema>;

export const ContactSchema = z.object({
  id: IdSchema,
  accountId: IdSchema,
  name: z.string().min(1).max(100),
  title: z.string().max(100).nullable(),
  mobile: z.string().max(32).nullable(),
  email: EmailSchema.nullable(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
});
export type Contact = z.infer<typeof ContactSchema>;

export const OpportunitySchema = z.object({
  id: IdSchema,
  accountId: IdSchema,
  leadId: IdSchema.nullable(),
  name: z.string().min(1).max(200),
  stage: StageSchema,
  outcome: DealOutcomeSchema,
  amount: z.number().nonnegative(),
  currency: z.string().length(3),
  ownerId: IdSchema,
  regionId: IdSchema.nullable(),
  stageEnteredAt: TimestampSchema,
  expectedCloseOn: z.iso.date().nullable(),
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
  subject: z.string().min(1).max(200),
  body: z.string().max(10_000).nullable(),
  occurredAt: TimestampSchema,
  createdAt: TimestampSchema,
});
export type Activity = z.infer<typeof ActivitySchema>;

export const TaskSchema = z.object({
  id: IdSchema,
  title: z.string().min(1).max(200),
  leadId: IdSchema.nullable(),
  opportunityId: IdSchema.nullable(),
  ownerId: IdSchema,
  dueAt: TimestampSchema,
  status: TaskStatusSchema,
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
});
export type Task = z.infer<typeof TaskSchema>;
