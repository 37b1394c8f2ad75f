import { sql } from 'kysely';
import { firstResponseClock, stallCutoff } from '../../shared/domain/clocks';
import type { Agenda, AgendaSection, IpcParsedRequest, SubjectRef } from '../../shared/ipc/contract';
import { activityFromRow, leadFromRow, opportunityFromRow, taskFromRow } from '../db/row-mappers';
import {
  AWAITING_FIRST_TOUCH_STATUSES,
  countAll,
  endOfLocalDay,
  jd,
  jdAt,
  MEETING_ACTIVITY_TYPES,
  startOfLocalDay,
  type CacheDb,
} from './cache-sql';
import { dealClock } from './deal-stages.read-model';

/** What a card shows before the user asks for more. */
export const AGENDA_FIRST_PAGE = 8;

/** The user's open tasks due by the end of today (overdue included): the agenda card and the navigation badge. */
export function tasksDueToday(db: CacheDb, userId: string, now: Date) {
  return db
    .selectFrom('tasks')
    .where('tasks.owner_id', '=', userId)
    .where('tasks.status', '=', 'open')
    .where(jd('tasks.due_at'), '<=', jdAt(endOfLocalDay(now)));
}

function subjectRef(leadId: string | null, leadName: string | null, dealId: string | null, dealName: string | null): SubjectRef | null {
  // A task or activity names its deal when it has one (the lead then became that deal).
  if (dealId !== null && dealName !== null) return { kind: 'deal', id: dealId, label: dealName };
  if (leadId !== null && leadName !== null) return { kind: 'lead', id: leadId, label: leadName };
  return null;
}

/** The rep's day, each card with its true total and the page asked for. */
export async function agendaToday(db: CacheDb, userId: string, now: Date, req: IpcParsedRequest<'agenda.today'>): Promise<Agenda> {
  const page = (section: AgendaSection) => req[section] ?? { limit: AGENDA_FIRST_PAGE, offset: 0 };

  const awaiting = db
    .selectFrom('leads')
    .where('owner_id', '=', userId)
    .where('first_touch_at', 'is', null)
    .where('status', 'in', AWAITING_FIRST_TOUCH_STATUSES);
  const tasks = tasksDueToday(db, userId, now);
  const stalling = db
    .selectFrom('opportunities')
    .where('owner_id', '=', userId)
    .where('outcome', '=', 'open')
    .where(jd('stage_entered_at'), '<=', jdAt(stallCutoff(now)));
  const meetings = db
    .selectFrom('activities')
    .where('activities.owner_id', '=', userId)
    .where('activities.type', 'in', MEETING_ACTIVITY_TYPES)
    .where(jd('activities.occurred_at'), '>=', jdAt(startOfLocalDay(now)))
    .where(jd('activities.occurred_at'), '<=', jdAt(endOfLocalDay(now)));

  const [fr, frTotal, td, tdTotal, sd, sdTotal, mt, mtTotal] = await Promise.all([
    awaiting
      .selectAll()
      .orderBy(sql`julianday(coalesce(assigned_at, created_at))`)
      .orderBy('id')
      .limit(page('firstResponse').limit)
      .offset(page('firstResponse').offset)
      .execute(),
    awaiting.select(countAll.as('n')).executeTakeFirstOrThrow(),
    tasks
      .leftJoin('leads', 'leads.id', 'tasks.lead_id')
      .leftJoin('opportunities', 'opportunities.id', 'tasks.opportunity_id')
      .selectAll('tasks')
      .select(['leads.name as lead_name', 'opportunities.name as deal_name'])
      .orderBy(jd('tasks.due_at'))
      .orderBy('tasks.id')
      .limit(page('tasksDue').limit)
      .offset(page('tasksDue').offset)
      .execute(),
    tasks.select(countAll.as('n')).executeTakeFirstOrThrow(),
    stalling
      .selectAll()
      .orderBy(jd('stage_entered_at'))
      .orderBy('id')
      .limit(page('stallingDeals').limit)
      .offset(page('stallingDeals').offset)
      .execute(),
    stalling.select(countAll.as('n')).executeTakeFirstOrThrow(),
    meetings
      .leftJoin('leads', 'leads.id', 'activities.lead_id')
      .leftJoin('opportunities', 'opportunities.id', 'activities.opportunity_id')
      .selectAll('activities')
      .select(['leads.name as lead_name', 'opportunities.name as deal_name'])
      .orderBy(jd('activities.occurred_at'))
      .orderBy('activities.id')
      .limit(page('meetingsToday').limit)
      .offset(page('meetingsToday').offset)
      .execute(),
    meetings.select(countAll.as('n')).executeTakeFirstOrThrow(),
  ]);

  const nowMs = now.getTime();
  return {
    generatedAt: now.toISOString(),
    firstResponse: {
      total: frTotal.n,
      offset: page('firstResponse').offset,
      items: fr.map(leadFromRow).map((lead) => ({ lead, clock: firstResponseClock(lead, now) })),
    },
    tasksDue: {
      total: tdTotal.n,
      offset: page('tasksDue').offset,
      items: td.map((row) => {
        const task = taskFromRow(row);
        return { task, overdue: Date.parse(task.dueAt) < nowMs, subject: subjectRef(task.leadId, row.lead_name, task.opportunityId, row.deal_name) };
      }),
    },
    stallingDeals: {
      total: sdTotal.n,
      offset: page('stallingDeals').offset,
      items: sd.map(opportunityFromRow).map((deal) => ({ deal, clock: dealClock(deal, now) })),
    },
    meetingsToday: {
      total: mtTotal.n,
      offset: page('meetingsToday').offset,
      items: mt.map((row) => {
        const activity = activityFromRow(row);
        return { activity, subject: subjectRef(activity.leadId, row.lead_name, activity.opportunityId, row.deal_name) };
      }),
    },
  };
}
