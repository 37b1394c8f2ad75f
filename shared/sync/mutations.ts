import { z } from 'zod';
import {
  ActivitySchema,
  IdSchema,
  LeadSchema,
  OpportunitySchema,
  StageHistorySchema,
  TaskSchema,
  TimestampSchema,
  type Activity,
  type Lead,
  type Opportunity,
  type StageHistory,
  type Task,
  type User,
} from '../domain/entities';
import { ActivityTypeSchema, LeadNeedSchema, StageSchema, type Role } from '../domain/enums';
import { PhoneNumberSchema } from '../domain/phone';
import { isWithinStatedWindow } from '../domain/stated-time';
import { SafeTextSchema } from '../domain/text';
import type { Rejection, RejectionCode, RejectionReason } from './rejections';
import { editsOthersRows, isAssignableOwner, mayAssignLeads, mayAssignTo } from '../domain/roles';

/**
 * Named, versioned mutations: the only way data changes, on the cockpit
 * (optimistically, against its cache) and on the server (authoritatively).
 * Each mutator is a pure plan over the rows it touches, so client and server
 * run the same rule. A changed argument shape gets a new @version; old
 * versions stay registered for the support window.
 */

export interface MutatorContext {
  userId: string;
  role: Role;
  regionId: string | null;
  /** Regions of the teams a manager manages (empty for others). */
  managedRegionIds: readonly string[];
  /**
   * When the change applies: the server's clock on the server (never the
   * client's word), local time for the cockpit's optimistic apply, which the
   * server's rows replace on pull. Every business timestamp is this.
   */
  at: string;
}

/** The rows a mutator needs, loaded by whichever store runs it. */
export interface LoadedRows {
  lead?: Lead | null;
  opportunity?: Opportunity | null;
  task?: Task | null;
  /** A user the mutation refers to (e.g. the new owner of a lead). */
  user?: Pick<User, 'id' | 'role' | 'regionId' | 'active'> | null;
  /** The open tasks of the lead (`RowNeeds.leadTasks`), whoever owns them: they follow the lead's work. */
  leadTasks?: Task[];
}

export type EntityWrite =
  | { entity: 'lead'; row: Lead }
  | { entity: 'opportunity'; row: Opportunity }
  | { entity: 'activity'; row: Activity }
  | { entity: 'stage_history'; row: StageHistory }
  | { entity: 'task'; row: Task };

export type PlanResult = { ok: true; writes: EntityWrite[] } | { ok: false; rejection: Rejection };

export interface MutatorDef<A extends z.ZodType> {
  args: A;
  /** Which existing rows to load before planning. */
  needs(args: z.output<A>): RowNeeds;
  plan(ctx: MutatorContext, args: z.output<A>, rows: LoadedRows): PlanResult;
}

export interface RowNeeds {
  lead?: string;
  opportunity?: string;
  task?: string;
  user?: string;
  /** A lead id: load that lead's open tasks (locked on the server). */
  leadTasks?: string;
}

function define<A extends z.ZodType>(def: MutatorDef<A>): MutatorDef<A> {
  return def;
}

const reject = (code: RejectionCode, reason: RejectionReason, fields: string[] = [], serverValues?: Record<string, unknown>): PlanResult => ({
  ok: false,
  rejection: serverValues ? { code, reason, fields, serverValues } : { code, reason, fields },
});

/** Owners edit their rows; managers and above edit what they can see (the store checks visibility). */
function mayEdit(ctx: MutatorContext, ownerId: string | null): boolean {
  return editsOthersRows(ctx.role) || ownerId === ctx.userId;
}

const LEAD_EDITABLE = ['name', 'mobile', 'company', 'city', 'need'] as const;
type LeadEditable = (typeof LEAD_EDITABLE)[number];

/** What a user may write into a lead's editable fields (the mobile by the shared phone rule). */
export const LeadPatchSchema = z
  .object({
    name: LeadSchema.shape.name,
    mobile: PhoneNumberSchema.nullable(),
    company: LeadSchema.shape.company,
    city: LeadSchema.shape.city,
    need: LeadNeedSchema,
  })
  .partial()
  .strict();

/** The values the user saw: whatever the lead holds, even a mobile from before the phone rule. */
const LeadBaseSchema = LeadSchema.pick({ name: true, mobile: true, company: true, city: true, need: true }).partial().strict();

export const mutators = {
  'lead.create@1': define({
    args: z.object({
      id: IdSchema,
      name: SafeTextSchema.trim().min(1).max(100),
      mobile: PhoneNumberSchema.nullable(),
      need: LeadNeedSchema,
      company: SafeTextSchema.trim().max(200).nullable().default(null),
      city: SafeTextSchema.trim().max(64).nullable().default(null),
    }),
    needs: () => ({}),
    plan(ctx, args) {
      const lead: Lead = {
        id: args.id,
        name: args.name,
        mobile: args.mobile,
        company: args.company,
        city: args.city,
        source: 'wechat',
        need: args.need,
        status: 'assigned',
        ownerId: ctx.userId,
        regionId: ctx.regionId,
        createdAt: ctx.at,
        assignedAt: ctx.at,
        firstTouchAt: null,
        updatedAt: ctx.at,
      };
      return { ok: true, writes: [{ entity: 'lead', row: lead }] };
    },
  }),

  /**
   * Edits plain fields. `base` holds the values the user saw; a field that
   * changed on the server since then is a conflict (both values shown),
   * otherwise the last writer wins per field.
   */
  'lead.update@1': define({
    args: z.object({ leadId: IdSchema, patch: LeadPatchSchema, base: LeadBaseSchema }),
    needs: (a) => ({ lead: a.leadId }),
    plan(ctx, args, rows) {
      const lead = rows.lead;
      if (!lead) return reject('not_found', 'lead_not_found', ['leadId']);
      if (!mayEdit(ctx, lead.ownerId)) return reject('forbidden', 'not_your_lead', ['leadId']);
      const changed = LEAD_EDITABLE.filter((f) => f in args.patch);
      if (changed.length === 0) return reject('validation', 'nothing_to_change', ['patch']);
      const conflicts = changed.filter((f) => f in args.base && args.base[f] !== lead[f]);
      if (conflicts.length > 0) {
        const serverValues: Record<string, unknown> = {};
        for (const f of conflicts) serverValues[f] = lead[f];
        return reject('conflict', 'changed_by_someone_else', conflicts, serverValues);
      }
      const next: Lead = { ...lead, updatedAt: ctx.at };
      for (const f of changed) assignLeadField(next, f, args.patch[f]);
      return { ok: true, writes: [{ entity: 'lead', row: LeadSchema.parse(next) }] };
    },
  }),

  /**
   * A manager hands a lead to a rep of a region they manage (or takes it
   * from the pool). The old owner loses it from their cache on next pull;
   * the open tasks the old owner had on it move to the new owner with it.
   */
  'lead.assign@1': define({
    args: z.object({ leadId: IdSchema, ownerId: IdSchema }),
    needs: (a) => ({ lead: a.leadId, user: a.ownerId, leadTasks: a.leadId }),
    plan(ctx, _args, rows) {
      const lead = rows.lead;
      if (!lead) return reject('not_found', 'lead_not_found', ['leadId']);
      if (!mayAssignLeads(ctx.role)) return reject('forbidden', 'managers_assign', ['ownerId']);
      const assignee = rows.user;
      if (!assignee || !isAssignableOwner(assignee)) return reject('validation', 'assignee_not_a_rep', ['ownerId']);
      if (!mayAssignTo(ctx, assignee.regionId)) {
        return reject('forbidden', 'assignee_outside_regions', ['ownerId']);
      }
      if (lead.ownerId === assignee.id) return reject('validation', 'nothing_to_change', ['ownerId']);
      const assigned: Lead = {
        ...lead,
        ownerId: assignee.id,
        regionId: assignee.regionId ?? lead.regionId,
        status: lead.firstTouchAt ? lead.status === 'public_pool' || lead.status === 'pending_review' ? 'contacted' : lead.status : 'assigned',
        assignedAt: ctx.at,
        updatedAt: ctx.at,
      };
      const movedTasks: EntityWrite[] = (rows.leadTasks ?? [])
        .filter((t) => t.status === 'open' && lead.ownerId !== null && t.ownerId === lead.ownerId)
        .map((t) => ({ entity: 'task', row: { ...t, ownerId: assignee.id, updatedAt: ctx.at } }));
      return { ok: true, writes: [{ entity: 'lead', row: assigned }, ...movedTasks] };
    },
  }),

  /**
   * A call, email, visit…: stops the first-response clock on the lead's
   * first touch, at the time it is recorded (not the time the client states),
   * and closes the lead's open first-contact tasks. `occurredAt` is the
   * client's word for when it happened, kept on the activity only, within
   * the stated-time window.
   */
  'lead.logTouch@1': define({
    args: z.object({
      leadId: IdSchema,
      activityId: IdSchema,
      type: ActivityTypeSchema,
      subject: SafeTextSchema.trim().min(1).max(200),
      body: SafeTextSchema.max(10_000).nullable().default(null),
      occurredAt: TimestampSchema,
    }),
    needs: (a) => ({ lead: a.leadId, leadTasks: a.leadId }),
    plan(ctx, args, rows) {
      const lead = rows.lead;
      if (!lead) return reject('not_found', 'lead_not_found', ['leadId']);
      if (!mayEdit(ctx, lead.ownerId)) return reject('forbidden', 'not_your_lead', ['leadId']);
      if (!isWithinStatedWindow(args.occurredAt, ctx.at)) return reject('validation', 'occurred_out_of_window', ['occurredAt']);
      const activity: Activity = ActivitySchema.parse({
        id: args.activityId,
        type: args.type,
        leadId: lead.id,
        opportunityId: null,
        ownerId: ctx.userId,
        subject: args.subject,
        body: args.body,
        occurredAt: args.occurredAt,
        createdAt: ctx.at,
      });
      const touched: Lead = {
        ...lead,
        firstTouchAt: lead.firstTouchAt ?? ctx.at,
        status: lead.status === 'new' || lead.status === 'assigned' || lead.status === 'pending_review' ? 'contacted' : lead.status,
        updatedAt: ctx.at,
      };
      const closedTasks: EntityWrite[] = (rows.leadTasks ?? [])
        .filter((t) => t.status === 'open' && t.kind === 'first_contact')
        .map((t) => ({ entity: 'task', row: { ...t, status: 'done', updatedAt: ctx.at } }));
      return { ok: true, writes: [{ entity: 'lead', row: touched }, { entity: 'activity', row: activity }, ...closedTasks] };
    },
  }),

  'deal.moveStage@1': define({
    args: z.object({ opportunityId: IdSchema, historyId: IdSchema, toStage: StageSchema, fromStage: StageSchema }),
    needs: (a) => ({ opportunity: a.opportunityId }),
    plan(ctx, args, rows) {
      const deal = rows.opportunity;
      if (!deal) return reject('not_found', 'deal_not_found', ['opportunityId']);
      if (!mayEdit(ctx, deal.ownerId)) return reject('forbidden', 'not_your_deal', ['opportunityId']);
      if (deal.outcome !== 'open') return reject('validation', 'deal_closed', ['opportunityId']);
      if (deal.stage !== args.fromStage) {
        return reject('conflict', 'stage_changed_meanwhile', ['stage'], { stage: deal.stage });
      }
      if (deal.stage === args.toStage) return reject('validation', 'nothing_to_change', ['toStage']);
      const history: StageHistory = StageHistorySchema.parse({
        id: args.historyId,
        opportunityId: deal.id,
        fromStage: deal.stage,
        toStage: args.toStage,
        changedBy: ctx.userId,
        changedAt: ctx.at,
      });
      const moved: Opportunity = OpportunitySchema.parse({ ...deal, stage: args.toStage, stageEnteredAt: ctx.at, updatedAt: ctx.at });
      return { ok: true, writes: [{ entity: 'opportunity', row: moved }, { entity: 'stage_history', row: history }] };
    },
  }),

  'task.create@1': define({
    args: z.object({
      id: IdSchema,
      title: SafeTextSchema.trim().min(1).max(200),
      dueAt: TimestampSchema,
      leadId: IdSchema.nullable().default(null),
      opportunityId: IdSchema.nullable().default(null),
    }),
    needs: (a) => ({ ...(a.leadId ? { lead: a.leadId } : {}), ...(a.opportunityId ? { opportunity: a.opportunityId } : {}) }),
    plan(ctx, args, rows) {
      if (args.leadId && !rows.lead) return reject('not_found', 'lead_not_found', ['leadId']);
      if (args.opportunityId && !rows.opportunity) return reject('not_found', 'deal_not_found', ['opportunityId']);
      const task: Task = TaskSchema.parse({
        id: args.id,
        title: args.title,
        kind: 'custom',
        leadId: args.leadId,
        opportunityId: args.opportunityId,
        ownerId: ctx.userId,
        dueAt: args.dueAt,
        status: 'open',
        createdAt: ctx.at,
        updatedAt: ctx.at,
      });
      return { ok: true, writes: [{ entity: 'task', row: task }] };
    },
  }),

  'task.complete@1': define({
    args: z.object({ taskId: IdSchema }),
    needs: (a) => ({ task: a.taskId }),
    plan(ctx, _args, rows) {
      const task = rows.task;
      if (!task) return reject('not_found', 'task_not_found', ['taskId']);
      if (!mayEdit(ctx, task.ownerId)) return reject('forbidden', 'not_your_task', ['taskId']);
      if (task.status !== 'open') return reject('validation', 'task_not_open', ['taskId'], { status: task.status });
      return { ok: true, writes: [{ entity: 'task', row: { ...task, status: 'done', updatedAt: ctx.at } }] };
    },
  }),
} as const;

export type MutationName = keyof typeof mutators;
export type MutationArgs<N extends MutationName> = z.input<(typeof mutators)[N]['args']>;

export function isMutationName(name: string): name is MutationName {
  return Object.prototype.hasOwnProperty.call(mutators, name);
}

function assignLeadField(lead: Lead, field: LeadEditable, value: unknown): void {
  (lead as Record<LeadEditable, unknown>)[field] = value;
}
