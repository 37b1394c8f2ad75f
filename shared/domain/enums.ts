import { z } from 'zod';

/** Who a user is in the team; decides what they may see and do. */
export const ROLES = ['rep', 'manager', 'executive', 'admin'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/** Where a lead came from (DOMAIN.md: intake channels). */
export const LEAD_SOURCES = [
  'website_form',
  'douyin',
  'trade_show',
  'baidu_sem',
  'csv_import',
  'wechat',
  'hotline',
] as const;
export const LeadSourceSchema = z.enum(LEAD_SOURCES);
export type LeadSource = z.infer<typeof LeadSourceSchema>;

/** What the lead asked for at quick capture. */
export const LEAD_NEEDS = ['consult', 'quote', 'sample', 'tender', 'other'] as const;
export const LeadNeedSchema = z.enum(LEAD_NEEDS);
export type LeadNeed = z.infer<typeof LeadNeedSchema>;

/** Lead lifecycle states; `pending_review` is the 48 h circuit breaker (待复核-超时未触达). */
export const LEAD_STATUSES = [
  'new',
  'assigned',
  'contacted',
  'qualified',
  'pending_review',
  'public_pool',
  'converted',
  'disqualified',
] as const;
export const LeadStatusSchema = z.enum(LEAD_STATUSES);
export type LeadStatus = z.infer<typeof LeadStatusSchema>;

/**
 * The deal pipeline, in order. Each stage is named for the one thing the rep
 * must have done (DOMAIN.md), not for a vague state.
 */
export const STAGES = [
  'lead',
  'first_contact',
  'needs_confirmed',
  'quote_sent',
  'sample_delivered',
  'contract_signed',
  'order_in_progress',
  'after_sales',
] as const;
export const StageSchema = z.enum(STAGES);
export type Stage = z.infer<typeof StageSchema>;

/** Terminal outcome of a deal, separate from the stage it reached. */
export const DEAL_OUTCOMES = ['open', 'won', 'lost'] as const;
export const DealOutcomeSchema = z.enum(DEAL_OUTCOMES);
export type DealOutcome = z.infer<typeof DealOutcomeSchema>;

export const ACTIVITY_TYPES = ['call', 'email', 'meeting', 'visit', 'wechat', 'note'] as const;
export const ActivityTypeSchema = z.enum(ACTIVITY_TYPES);
export type ActivityType = z.infer<typeof ActivityTypeSchema>;

export const TASK_STATUSES = ['open', 'done', 'cancelled'] as const;
export const TaskStatusSchema = z.enum(TASK_STATUSES);
export type TaskStatus = z.infer<typeof TaskStatusSchema>;

export const LOCALES = ['zh-CN', 'en'] as const;
export const LocaleSchema = z.enum(LOCALES);
export type Locale = z.infer<typeof LocaleSchema>;

export const THEMES = ['light', 'dark', 'auto'] as const;
export const ThemeSchema = z.enum(THEMES);
