import { sql, type Kysely } from 'kysely';
import { AppError } from '../../shared/api/errors';
import { firstResponseClock } from '../../shared/domain/clocks';
import type { Agenda, DealClock, HeatMap, IpcParsedRequest, IpcResponse, PipelineSummary, WorkspaceSummary } from '../../shared/ipc/contract';
import { activityFromRow, leadFromRow, opportunityFromRow, userFromRow } from '../db/row-mappers';
import type { LocalDatabase } from '../db/schema';
import { agendaToday, tasksDueToday } from '../read-models/agenda.read-model';
import { countAll, jd, OWNED_OPEN_LEAD_STATUSES } from '../read-models/cache-sql';
import { dealClock, heatMap, pipelineSummary, type DealScope } from '../read-models/deal-stages.read-model';

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
    const count = countAll.as('n');
    const [myLeads, poolLeads, openDeals, tasksDue, reviewQueue] = await Promise.all([
      this.#db.selectFrom('leads').select(count).where('owner_id', '=', me).where('status', 'in', OWNED_OPEN_LEAD_STATUSES).executeTakeFirstOrThrow(),
      this.#db.selectFrom('leads').select(count).where('status', '=', 'public_pool').executeTakeFirstOrThrow(),
      this.#db.selectFrom('opportunities').select(count).where('owner_id', '=', me).where('outcome', '=', 'open').executeTakeFirstOrThrow(),
      tasksDueToday(this.#db, me, this.#now()).select(count).executeTakeFirstOrThrow(),
      this.#db.selectFrom('leads').select(count).where('status', '=', 'pending_review').executeTakeFirstOrThrow(),
    ]);
    return {
      myLeads: myLeads.n,
      poolLeads: poolLeads.n,
      openDeals: openDeals.n,
      tasksDueToday: tasksDue.n,
      reviewQueue: reviewQueue.n,
    };
  }

  async leadsList(req: IpcParsedRequest<'leads.list'>): Promise<IpcResponse<'leads.list'>> {
    const me = await this.#me();
    let query = this.#db.selectFrom('leads');
    if (req.scope === 'mine') query = query.where('owner_id', '=', me).where('status', 'in', OWNED_OPEN_LEAD_STATUSES);
    else if (req.scope === 'pool') query = query.where('status', '=', 'public_pool');
    else query = query.where('status', '=', 'pending_review');
    if (req.source) query = query.where('source', '=', req.source);
    const [rows, total] = await Promise.all([
      query.selectAll().orderBy(jd('created_at'), 'desc').orderBy('id').limit(req.limit).offset(req.offset).execute(),
      query.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    ]);
    const now = this.#now();
    const leads = rows.map(leadFromRow);
    return { leads, total: total.n, clocks: Object.fromEntries(leads.map((l) => [l.id, firstResponseClock(l, now)])) };
  }

  /** Any lead the cache holds, whatever its status: the server sent it because this user may see it. */
  async leadGet(req: IpcParsedRequest<'leads.get'>): Promise<IpcResponse<'leads.get'>> {
    await this.#me();
    const row = await this.#db.selectFrom('leads').selectAll().where('id', '=', req.id).executeTakeFirst();
    if (!row) throw new AppError('not_found', 'This lead is not in your workspace (any more)', ['id']);
    const lead = leadFromRow(row);
    return { lead, clock: firstResponseClock(lead, this.#now()) };
  }

  async opportunitiesList(req: IpcParsedRequest<'opportunities.list'>): Promise<IpcResponse<'opportunities.list'>> {
    const me = await this.#me();
    // "team" is everything the server let this user see; the cache holds nothing else.
    const query = req.scope === 'mine' ? this.#db.selectFrom('opportunities').where('owner_id', '=', me) : this.#db.selectFrom('opportunities');
    const [rows, total] = await Promise.all([
      query.selectAll().orderBy(jd('updated_at'), 'desc').orderBy('id').limit(req.limit).offset(req.offset).execute(),
      query.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    ]);
    const now = this.#now();
    const opportunities = rows.map(opportunityFromRow);
    const clocks: Record<string, DealClock> = Object.fromEntries(opportunities.map((d) => [d.id, dealClock(d, now)]));
    return { opportunities, total: total.n, clocks };
  }

  async opportunityGet(req: IpcParsedRequest<'opportunities.get'>): Promise<IpcResponse<'opportunities.get'>> {
    await this.#me();
    const row = await this.#db.selectFrom('opportunities').selectAll().where('id', '=', req.id).executeTakeFirst();
    if (!row) throw new AppError('not_found', 'This deal is not in your workspace (any more)', ['id']);
    const opportunity = opportunityFromRow(row);
    return { opportunity, clock: dealClock(opportunity, this.#now()) };
  }

  async #dealScope(scope: 'mine' | 'team'): Promise<DealScope> {
    const me = await this.#me();
    return scope === 'mine' ? { kind: 'mine', userId: me } : { kind: 'team' };
  }

  async pipelineSummary(req: IpcParsedRequest<'pipeline.summary'>): Promise<PipelineSummary> {
    return pipelineSummary(this.#db, await this.#dealScope(req.scope), this.#now());
  }

  async heatMap(req: IpcParsedRequest<'heatMap.get'>): Promise<HeatMap> {
    return heatMap(this.#db, await this.#dealScope(req.scope), this.#now());
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

  /** The rep's day: first-response clocks, tasks due, stalling deals and today's meetings, each with its true total. */
  async agendaToday(req: IpcParsedRequest<'agenda.today'>): Promise<Agenda> {
    return agendaToday(this.#db, await this.#me(), this.#now(), req);
  }
}
