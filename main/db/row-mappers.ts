import type { Activity, Lead, Opportunity, Task } from '../../shared/domain/entities';
import type { ActivityType, DealOutcome, LeadNeed, LeadSource, LeadStatus, Stage, TaskStatus } from '../../shared/domain/enums';
import type { Selectable } from 'kysely';
import type { ActivitiesTable, LeadsTable, OpportunitiesTable, TasksTable } from './schema';

// Rows come from our own STRICT tables whose enum columns are written only by
// validated code, so the narrowing casts below are checked once more by the
// dispatcher's response validation before anything reaches the renderer.

export function leadFromRow(r: Selectable<LeadsTable>): Lead {
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
    createdAt: r.created_at,
    assignedAt: r.assigned_at,
    firstTouchAt: r.first_touch_at,
    updatedAt: r.updated_at,
  };
}

export function opportunityFromRow(r: Selectable<OpportunitiesTable>): Opportunity {
  return {
    id: r.id,
    accountId: r.account_id,
    leadId: r.lead_id,
    name: r.name,
    stage: r.stage as Stage,
    outcome: r.outcome as DealOutcome,
    amount: r.amount,
    currency: r.currency,
    ownerId: r.owner_id,
    regionId: r.region_id,
    stageEnteredAt: r.stage_entered_at,
    expectedCloseOn: r.expected_close_on,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function taskFromRow(r: Selectable<TasksTable>): Task {
  return {
    id: r.id,
    title: r.title,
    leadId: r.lead_id,
    opportunityId: r.opportunity_id,
    ownerId: r.owner_id,
    dueAt: r.due_at,
    status: r.status as TaskStatus,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function activityFromRow(r: Selectable<ActivitiesTable>): Activity {
  return {
    id: r.id,
    type: r.type as ActivityType,
    leadId: r.lead_id,
    opportunityId: r.opportunity_id,
    ownerId: r.owner_id,
    subject: r.subject,
    body: r.body,
    occurredAt: r.occurred_at,
    createdAt: r.created_at,
  };
}
