import type { Insertable, Selectable } from 'kysely';
import type {
  Account,
  Activity,
  Contact,
  Lead,
  Opportunity,
  StageHistory,
  Task,
  TaskKind,
} from '../../shared/domain/entities';
import type { ActivityType, DealOutcome, LeadNeed, LeadSource, LeadStatus, Stage, TaskStatus } from '../../shared/domain/enums';
import type {
  AccountsTable,
  ActivitiesTable,
  ContactsTable,
  LeadsTable,
  OpportunitiesTable,
  StageHistoryTable,
  TasksTable,
} from '../db/schema';

export { toUser, USER_COLUMNS } from '../modules/row-mappers';
export { ENTITY_TABLES as ENTITY_TABLE } from '../../shared/sync/entities';

/**
 * One mapping per entity between a table row (snake_case, Date) and the
 * shared entity (camelCase, ISO strings): what sync sends is exactly what the
 * shared schemas describe.
 */

const iso = (d: Date | string): string => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());
const isoOrNull = (d: Date | string | null): string | null => (d === null ? null : iso(d));

export function toLead(r: Selectable<LeadsTable>): Lead {
  return {
    id: r.id,
    name: r.name,
    mobile: r.mobile,
    company: r.company,
    city: r.city,
    source: r.source as LeadSource,
    need: r.need as LeadNeed,
    status: r.status as LeadStatus,
    ownerId: r.owner_id,
    regionId: r.region_id,
    createdAt: iso(r.created_at),
    assignedAt: isoOrNull(r.assigned_at),
    firstTouchAt: isoOrNull(r.first_touch_at),
    updatedAt: iso(r.updated_at),
  };
}

export function fromLead(l: Lead): Omit<Insertable<LeadsTable>, 'version'> {
  return {
    id: l.id,
    name: l.name,
    mobile: l.mobile,
    company: l.company,
    city: l.city,
    source: l.source,
    need: l.need,
    status: l.status,
    owner_id: l.ownerId,
    region_id: l.regionId,
    created_at: l.createdAt,
    assigned_at: l.assignedAt,
    first_touch_at: l.firstTouchAt,
    updated_at: l.updatedAt,
  };
}

export function toAccount(r: Selectable<AccountsTable>): Account {
  return {
    id: r.id,
    name: r.name,
    industry: r.industry,
    city: r.city,
    ownerId: r.owner_id,
    regionId: r.region_id,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export function toContact(r: Selectable<ContactsTable>): Contact {
  return {
    id: r.id,
    accountId: r.account_id,
    name: r.name,
    title: r.title,
    mobile: r.mobile,
    email: r.email,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export function toOpportunity(r: Selectable<OpportunitiesTable>): Opportunity {
  return {
    id: r.id,
    accountId: r.account_id,
    leadId: r.lead_id,
    name: r.name,
    stage: r.stage as Stage,
    outcome: r.outcome as DealOutcome,
    amount: Number(r.amount),
    currency: r.currency.trim(),
    ownerId: r.owner_id,
    regionId: r.region_id,
    stageEnteredAt: iso(r.stage_entered_at),
    expectedCloseOn: r.expected_close_on,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export function fromOpportunity(o: Opportunity): Omit<Insertable<OpportunitiesTable>, 'version'> {
  return {
    id: o.id,
    account_id: o.accountId,
    lead_id: o.leadId,
    name: o.name,
    stage: o.stage,
    outcome: o.outcome,
    amount: o.amount,
    currency: o.currency,
    owner_id: o.ownerId,
    region_id: o.regionId,
    stage_entered_at: o.stageEnteredAt,
    expected_close_on: o.expectedCloseOn,
    created_at: o.createdAt,
    updated_at: o.updatedAt,
  };
}

export function toStageHistory(r: Selectable<StageHistoryTable>): StageHistory {
  return {
    id: r.id,
    opportunityId: r.opportunity_id,
    fromStage: r.from_stage as Stage | null,
    toStage: r.to_stage as Stage,
    changedBy: r.changed_by,
    changedAt: iso(r.changed_at),
  };
}

export function fromStageHistory(h: StageHistory): Omit<Insertable<StageHistoryTable>, 'version'> {
  return {
    id: h.id,
    opportunity_id: h.opportunityId,
    from_stage: h.fromStage,
    to_stage: h.toStage,
    changed_by: h.changedBy,
    changed_at: h.changedAt,
  };
}

export function toActivity(r: Selectable<ActivitiesTable>): Activity {
  return {
    id: r.id,
    type: r.type as ActivityType,
    leadId: r.lead_id,
    opportunityId: r.opportunity_id,
    ownerId: r.owner_id,
    subject: r.subject,
    body: r.body,
    occurredAt: iso(r.occurred_at),
    createdAt: iso(r.created_at),
  };
}

export function fromActivity(a: Activity): Omit<Insertable<ActivitiesTable>, 'version'> {
  return {
    id: a.id,
    type: a.type,
    lead_id: a.leadId,
    opportunity_id: a.opportunityId,
    owner_id: a.ownerId,
    subject: a.subject,
    body: a.body,
    occurred_at: a.occurredAt,
    created_at: a.createdAt,
  };
}

export function toTask(r: Selectable<TasksTable>): Task {
  return {
    id: r.id,
    title: r.title,
    kind: r.kind as TaskKind,
    leadId: r.lead_id,
    opportunityId: r.opportunity_id,
    ownerId: r.owner_id,
    dueAt: iso(r.due_at),
    status: r.status as TaskStatus,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export function fromTask(t: Task): Omit<Insertable<TasksTable>, 'version'> {
  return {
    id: t.id,
    title: t.title,
    kind: t.kind,
    lead_id: t.leadId,
    opportunity_id: t.opportunityId,
    owner_id: t.ownerId,
    due_at: t.dueAt,
    status: t.status,
    created_at: t.createdAt,
    updated_at: t.updatedAt,
  };
}
