import { sql, type Kysely } from 'kysely';
import { AppError } from '../../shared/api/errors';
import { isStalling, STALL_AFTER_WORKING_DAYS } from '../../shared/domain/clocks';
import type { Agenda, IpcParsedRequest, IpcResponse, WorkspaceSummary } from '../../shared/ipc/contract';
import { activityFromRow, leadFromRow, opportunityFromRow, taskFromRow, userFromRow } from '../db/row-mappers';
import type { LocalDatabase } from '../db/schema';

/** Lead states in which a lead is still the rep's to work (not pooled, closed or under review). */
const WORKING_LEAD_STATUSES = ['new', 'assigned', 'contacted', 'qualified'];
const AGENDA_LIST_LIMIT = 50;
const RECENT_ACTIVITY_LIMIT = 20;

/** Timestamps may carry any offset, so compare them as instants, not as text. */
const jd = (column: string) => sql<number>`julianday(${sql.ref(column)})`;

/** End of the local calendar day containing `now`, as an ISO instant. */
export function endOfLocalDay(now: Date): string {
  const end = new Date(now);
  end.setHours(23, 59, 59, 999);
  return end.toISOString();
}

export interface QueriesDeps {
  db: Kysely<LocalDatabase>;
  /** The signed-in user's id, or null when signed out. */
  currentUserId: () => Promise<string | null>;
  now?: () => Date;
}

/**
 * Read models for the views, all answered from the local cache (the sync
 * issue fills it; until then the lists are empty, which is expected).
 */
export class QueriesService {
  readonly #db: Kysely<LocalDatabase>;
  readonly #currentUserId: () => Promise<string | null>;
  readonly #now: () => Date;

  constructor(deps: QueriesDeps) {
    this.#db = deps.db;
    this.#currentUserId = deps.currentUserId;
    this.#now = deps.now ?? (() => new Date());
  }

  async #me(): Promise<string> {
    const id = await this.#currentUserId();
    // Cached rows belong to whoever signed in last; nobody else may read them.
    if (!id) throw new AppError('unauthenticated', 'Sign in to see your workspace');
    return id;
  }

  async workspaceSummary(): Promise<WorkspaceSummary> {
    const me = await this.#me();
    const endOfDay = endOfLocalDay(this.#now());
    const count = sql<number>`count(*)`.as('n');
    const [myLeads, poolLeads, openDeals, tasksDueToday, reviewQueue] = await Promise.all([
      this.#db.selectFrom('leads').select(count).where('owner_id', '=', me).where('status', 'in', WORKING_LEAD_STATUSES).executeTakeFirstOrThrow(),
      this.#db.selectFrom('leads').select(count).where('status', '=', 'public_pool').executeTakeFirstOrThrow(),
      this.#db.selectFrom('opportunities').select(count).where('owner_id', '=', me).where('outcome', '=', 'open').executeTakeFirstOrThrow(),
      this.#db
        .selectFrom('tasks')
        .select(count)
        .where('owner_id', '=', me)
        .where('status', '=', 'open')
        .where(jd('due_at'), '<=', sql<number>`julianday(${endOfDay})`)
        .executeTakeFirstOrThrow(),
      this.#db.selectFrom('leads').select(count).where('status', '=', 'pending_review').executeTakeFirstOrThrow(),
    ]);
    return {
      myLeads: myLeads.n,
      poolLeads: poolLeads.n,
      openDeals: openDeals.n,
      tasksDueToday: tasksDueToday.n,
      reviewQueue: reviewQueue.n,
    };
  }

  async leadsList(req: IpcParsedRequest<'leads.list'>): Promise<IpcResponse<'leads.list'>> {
    const me = await this.#me();
    let query = this.#db.selectFrom('leads');
    if (req.scope === 'mine') query = query.where('owner_id', '=', me).where('status', 'in', WORKING_LEAD_STATUSES);
    else if (req.scope === 'pool') query = query.where('status', '=', 'public_pool');
    else query = query.where('status', '=', 'pending_review');
    if (req.source) query = query.where('source', '=', req.source);
    const [rows, total] = await Promise.all([
      query.selectAll().orderBy(jd('created_at'), 'desc').orderBy('id').limit(req.limit).offset(req.offset).execute(),
      query.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    ]);
    return { leads: rows.map(leadFromRow), total: total.n };
  }

  async leadGet(req: IpcParsedRequest<'leads.get'>): Promise<IpcResponse<'leads.get'>> {
    await this.#me();
    const row = await this.#db.selectFrom('leads').selectAll().where('id', '=', req.id).executeTakeFirst();
    if (!row) throw new AppError('not_found', 'This lead is not in your workspace (any more)', ['id']);
    return { lead: leadFromRow(row) };
  }

  async opportunitiesList(req: IpcParsedRequest<'opportunities.list'>): Promise<IpcResponse<'opportunities.list'>> {
    const me = await this.#me();
    // "team" is everything the server let this user see; the cache holds nothing else.
    const query = req.scope === 'mine' ? this.#db.selectFrom('opportunities').where('owner_id', '=', me) : this.#db.selectFrom('opportunities');
    const [rows, total] = await Promise.all([
      query.selectAll().orderBy(jd('updated_at'), 'desc').orderBy('id').limit(req.limit).offset(req.offset).execute(),
      query.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    ]);
    return { opportunities: rows.map(opportunityFromRow), total: total.n };
  }

  async usersList(req: IpcParsedRequest<'users.list'>, assignableRegions: () => Promise<string[] | null>): Promise<IpcResponse<'users.list'>> {
    await this.#me();
    let query = this.#db.selectFrom('users').selectAll().orderBy('display_name').orderBy('id');
    if (req.assignable) {
      // Managers assign to active reps of the regions they manage; executives and admins to any active rep.
      const regions = await assignableRegions();
      query = query.where('role', '=', 'rep').where('active', '=', 1);
      if (regions !== null) query = regions.length === 0 ? query.where(sql<boolean>`false`) : query.where('region_id', 'in', regions);
    }
    const rows = await query.execute();
    return { users: rows.map(userFromRow) };
  }

  async activitiesList(req: IpcParsedRequest<'activities.list'>): Promise<IpcResponse<'activities.list'>> {
    await this.#me();
    const query = req.leadId
      ? this.#db.selectFrom('activities').where('lead_id', '=', req.leadId)
      : this.#db.selectFrom('activities').where('opportunity_id', '=', req.opportunityId ?? '');
    const [rows, total] = await Promise.all([
      query.selectAll().orderBy(jd('occurred_at'), 'desc').orderBy('id').limit(req.limit).offset(req.offset).execute(),
      query.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    ]);
    return { activities: rows.map(activityFromRow), total: total.n };
  }

  /** The rep's day: what is due, who waits for a first call, which deals stall, what happened lately. */
  async agendaToday(): Promise<Agenda> {
    const me = await this.#me();
    const now = this.#now();
    const endOfDay = endOfLocalDay(now);
    // 5 working days span at least 5 calendar days: narrow in SQL, decide with the shared rule.
    const stallBefore = new Date(now.getTime() - STALL_AFTER_WORKING_DAYS * 86_400_000).toISOString();
    const [tasks, leads, deals, activities] = await Promise.all([
      this.#db
        .selectFrom('tasks')
        .selectAll()
        .where('owner_id', '=', me)
        .where('status', '=', 'open')
        .where(jd('due_at'), '<=', sql<number>`julianday(${endOfDay})`)
        .orderBy(jd('due_at'))
        .orderBy('id')
        .limit(AGENDA_LIST_LIMIT)
        .execute(),
      this.#db
        .selectFrom('leads')
        .selectAll()
        .where('owner_id', '=', me)
        .where('first_touch_at', 'is', null)
        .where('status', 'in', ['new', 'assigned'])
        .orderBy(sql`julianday(coalesce(assigned_at, created_at))`)
        .orderBy('id')
        .limit(AGENDA_LIST_LIMIT)
        .execute(),
      this.#db
        .selectFrom('opportunities')
        .selectAll()
        .where('owner_id', '=', me)
        .where('outcome', '=', 'open')
        .where(jd('stage_entered_at'), '<=', sql<number>`julianday(${stallBefore})`)
        .orderBy(jd('stage_entered_at'))
        .orderBy('id')
        .limit(AGENDA_LIST_LIMIT)
        .execute(),
      this.#db
        .selectFrom('activities')
        .selectAll()
        .where('owner_id', '=', me)
        .orderBy(jd('occurred_at'), 'desc')
        .orderBy('id')
        .limit(RECENT_ACTIVITY_LIMIT)
        .execute(),
    ]);
    return {
      generatedAt: now.toISOString(),
      tasksDue: tasks.map(taskFromRow),
      leadsAwaitingFirstTouch: leads.map(leadFromRow),
      stallingDeals: deals.map(opportunityFromRow).filter((d) => isStalling(d, now)),
      recentActivities: activities.map(activityFromRow),
    };
  }
}
