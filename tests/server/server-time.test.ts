import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalActor } from '../../main/sync/local-apply';
import type { Clock } from '../../server/clock';
import { TestCockpit } from '../sync/cockpit-harness';
import { openTestStore, storeKinds, type TestStore } from './store-harness';
import { buildSyncTeam, createLead, insertLead, mutation, newCockpit, pullAll, push, type SyncTeam } from './sync-harness';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A server clock the test moves; the machine's clock stays where it is. */
function movableClock(start: string): Clock & { advance(ms: number): void; iso(): string } {
  let now = Date.parse(start);
  return { now: () => new Date(now), advance: (ms) => void (now += ms), iso: () => new Date(now).toISOString() };
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/**
 * Business time comes from the server's clock when a mutation applies. The
 * client's `at` is never used; a stated `occurredAt` is kept on the activity
 * only, within its window, and never stops a clock or dates a stage.
 */
describe.each(storeKinds())('server time on %s', (kind) => {
  let store: TestStore;
  let team: SyncTeam;
  // Far from the machine's clock, so a value taken from it would show.
  const clock = movableClock('2026-06-01T02:00:00.000Z');

  beforeAll(async () => {
    store = await openTestStore(kind);
    team = await buildSyncTeam(store, undefined, { clock });
  });
  afterAll(async () => {
    await team?.app.close();
    await store?.close();
  });

  async function insertTask(id: string, leadId: string, ownerId: string, over: { kind?: string; status?: string } = {}): Promise<void> {
    const t = new Date(Date.parse('2026-05-01T00:00:00Z'));
    await store.db
      .insertInto('tasks')
      .values({ id, title: `首次联系：${leadId}`, kind: over.kind ?? 'first_contact', lead_id: leadId, opportunity_id: null, owner_id: ownerId, due_at: t, status: over.status ?? 'open', created_at: t, updated_at: t })
      .execute();
  }

  it('dates a created lead by the server clock, whatever the client says', async () => {
    const c = newCockpit();
    const lead = createLead('时间线索');
    const r = await push(team.app, team.tokens.rep1, c, [mutation(c, 'lead.create@1', lead, '1999-01-01T00:00:00.000Z')]);
    expect(r.body.results[0]?.status).toBe('applied');
    const row = await store.db.selectFrom('leads').selectAll().where('id', '=', lead.id).executeTakeFirstOrThrow();
    expect([iso(row.created_at), iso(row.assigned_at), iso(row.updated_at)]).toEqual([clock.iso(), clock.iso(), clock.iso()]);
  });

  it('refuses a touch "in 1999" and keeps the 24 h clock running; a touch stated within the window stops it at server time', async () => {
    const c = newCockpit();
    const lead = createLead('首次响应');
    await push(team.app, team.tokens.rep1, c, [mutation(c, 'lead.create@1', lead)]);
    const firstContact = `task_${randomUUID()}`;
    const custom = `task_${randomUUID()}`;
    await insertTask(firstContact, lead.id, team.ids.rep1);
    await insertTask(custom, lead.id, team.ids.rep1, { kind: 'custom' });

    clock.advance(HOUR);
    const old = await push(team.app, team.tokens.rep1, c, [
      mutation(c, 'lead.logTouch@1', { leadId: lead.id, activityId: `act_${randomUUID()}`, type: 'call', subject: '补记', occurredAt: '1999-01-01T00:00:00.000Z' }, '1999-01-01T00:00:00.000Z'),
    ]);
    expect(old.body.results[0]).toMatchObject({ status: 'rejected', code: 'validation', reason: 'occurred_out_of_window', fields: ['occurredAt'] });
    const future = await push(team.app, team.tokens.rep1, c, [
      mutation(c, 'lead.logTouch@1', { leadId: lead.id, activityId: `act_${randomUUID()}`, type: 'call', subject: '未来', occurredAt: new Date(clock.now().getTime() + HOUR).toISOString() }),
    ]);
    expect(future.body.results[0]).toMatchObject({ status: 'rejected', reason: 'occurred_out_of_window', fields: ['occurredAt'] });
    let row = await store.db.selectFrom('leads').select(['first_touch_at', 'status']).where('id', '=', lead.id).executeTakeFirstOrThrow();
    expect(row.first_touch_at).toBeNull();

    clock.advance(2 * HOUR);
    const stated = new Date(clock.now().getTime() - 2 * DAY).toISOString();
    const activityId = `act_${randomUUID()}`;
    const ok = await push(team.app, team.tokens.rep1, c, [
      mutation(c, 'lead.logTouch@1', { leadId: lead.id, activityId, type: 'call', subject: '离线时打的电话', occurredAt: stated }, '1999-01-01T00:00:00.000Z'),
    ]);
    expect(ok.body.results[0]?.status).toBe('applied');
    row = await store.db.selectFrom('leads').select(['first_touch_at', 'status']).where('id', '=', lead.id).executeTakeFirstOrThrow();
    expect(iso(row.first_touch_at)).toBe(clock.iso());
    const activity = await store.db.selectFrom('activities').select(['occurred_at', 'created_at']).where('id', '=', activityId).executeTakeFirstOrThrow();
    expect([iso(activity.occurred_at), iso(activity.created_at)]).toEqual([stated, clock.iso()]);
    // The first touch closes the lead's first-contact task, not the rep's own tasks on it.
    const tasks = await store.db.selectFrom('tasks').select(['id', 'status', 'updated_at']).where('lead_id', '=', lead.id).orderBy('id').execute();
    expect(Object.fromEntries(tasks.map((t) => [t.id, [t.status, iso(t.updated_at)]]))).toEqual({
      [firstContact]: ['done', clock.iso()],
      [custom]: ['open', '2026-05-01T00:00:00.000Z'],
    });
  });

  it('dates a stage move by the server clock: at 9999-01-01 changes nothing about stageEnteredAt', async () => {
    const dealId = `deal_${randomUUID()}`;
    const entered = new Date(clock.now().getTime() - 10 * DAY);
    await store.db.insertInto('accounts').values({ id: `acc_${dealId}`, name: '客户', industry: null, city: null, owner_id: team.ids.rep1, region_id: 'r_east', created_at: entered, updated_at: entered }).execute();
    await store.db
      .insertInto('opportunities')
      .values({ id: dealId, account_id: `acc_${dealId}`, lead_id: null, name: '胃镜', stage: 'needs_confirmed', outcome: 'open', amount: 1000, currency: 'CNY', owner_id: team.ids.rep1, region_id: 'r_east', stage_entered_at: entered, expected_close_on: null, created_at: entered, updated_at: entered })
      .execute();
    clock.advance(HOUR);
    const c = newCockpit();
    const historyId = `h_${randomUUID()}`;
    const r = await push(team.app, team.tokens.rep1, c, [
      mutation(c, 'deal.moveStage@1', { opportunityId: dealId, historyId, fromStage: 'needs_confirmed', toStage: 'quote_sent', at: '9999-01-01T00:00:00.000Z' }, '9999-01-01T00:00:00.000Z'),
    ]);
    expect(r.body.results[0]?.status).toBe('applied');
    const deal = await store.db.selectFrom('opportunities').select(['stage', 'stage_entered_at', 'updated_at']).where('id', '=', dealId).executeTakeFirstOrThrow();
    expect([deal.stage, iso(deal.stage_entered_at), iso(deal.updated_at)]).toEqual(['quote_sent', clock.iso(), clock.iso()]);
    const history = await store.db.selectFrom('stage_history').select('changed_at').where('id', '=', historyId).executeTakeFirstOrThrow();
    expect(iso(history.changed_at)).toBe(clock.iso());
  });

  it("moves the old owner's open tasks with a reassigned lead, and every cockpit agrees who holds them", async () => {
    const leadId = `lead_${randomUUID()}`;
    await insertLead(store.db, leadId, team.ids.rep1, 'r_east');
    const open = `task_${randomUUID()}`;
    const done = `task_${randomUUID()}`;
    await insertTask(open, leadId, team.ids.rep1);
    await insertTask(done, leadId, team.ids.rep1, { kind: 'custom', status: 'done' });
    const rep1 = newCockpit();
    const rep2 = newCockpit();
    await pullAll(team.app, team.tokens.rep1, rep1);
    await pullAll(team.app, team.tokens.rep2, rep2);

    clock.advance(HOUR);
    const m = newCockpit();
    const r = await push(team.app, team.tokens.manager, m, [mutation(m, 'lead.assign@1', { leadId, ownerId: team.ids.rep2 })]);
    expect(r.body.results[0]?.status).toBe('applied');
    const tasks = await store.db.selectFrom('tasks').select(['id', 'owner_id', 'updated_at']).where('lead_id', '=', leadId).execute();
    expect(Object.fromEntries(tasks.map((t) => [t.id, [t.owner_id, iso(t.updated_at)]]))).toEqual({
      [open]: [team.ids.rep2, clock.iso()],
      [done]: [team.ids.rep1, '2026-05-01T00:00:00.000Z'],
    });
    const lead = await store.db.selectFrom('leads').select(['assigned_at']).where('id', '=', leadId).executeTakeFirstOrThrow();
    expect(iso(lead.assigned_at)).toBe(clock.iso());

    const toNew = (await pullAll(team.app, team.tokens.rep2, rep2)).flatMap((p) => p.changes);
    expect(toNew).toContainEqual(expect.objectContaining({ entity: 'task', id: open, row: expect.objectContaining({ ownerId: team.ids.rep2, status: 'open' }) }));
    const toOld = (await pullAll(team.app, team.tokens.rep1, rep1)).flatMap((p) => p.changes);
    expect(toOld).toContainEqual(expect.objectContaining({ entity: 'task', id: open, op: 'evict' }));
    expect(toOld.filter((ch) => ch.id === done)).toEqual([]);
  });

  it("shows the cockpit's optimistic times until the server's replace them on pull", async () => {
    const url = await team.app.listen({ host: '127.0.0.1', port: 0 });
    const actor: LocalActor = { locale: 'en', userId: team.ids.rep1, role: 'rep', regionId: 'r_east', managedRegionIds: [] };
    const cockpit = new TestCockpit({ serverUrl: url, token: team.tokens.rep1, actor });
    try {
      cockpit.engine.start();
      await cockpit.engine.syncNow();
      const lead = createLead('乐观时间');
      const before = Date.now();
      cockpit.engine.mutate('lead.create@1', lead);
      const optimistic = cockpit.row('lead', lead.id);
      // Local time: the machine's clock, not the server's.
      expect(Date.parse(String(optimistic?.createdAt))).toBeGreaterThanOrEqual(before - 1000);
      clock.advance(HOUR);
      await cockpit.engine.syncNow();
      await cockpit.engine.syncNow();
      expect(cockpit.row('lead', lead.id)).toMatchObject({ createdAt: clock.iso(), assignedAt: clock.iso(), updatedAt: clock.iso() });
    } finally {
      await cockpit.close();
    }
  });
});
