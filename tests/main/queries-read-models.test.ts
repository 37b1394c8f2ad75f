import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_STAGE_TARGET_DWELL_DAYS, isStalling } from '../../shared/domain/clocks';
import { STAGES } from '../../shared/domain/enums';
import { ipcCalls } from '../../shared/ipc/contract';
import { activityRow, cacheWithQueries, dealRow, hoursBefore, insertMany, leadRow, taskRow } from './queries-cache';

// Tuesday 2025-03-11 10:00 local time.
const NOW = new Date(2025, 2, 11, 10, 0, 0);
const daysAgo = (days: number) => hoursBefore(NOW, days * 24);
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});
function cache(me = 'u-rep') {
  const c = cacheWithQueries(NOW, me);
  closers.push(c.close);
  return c;
}

describe('pipeline.summary', () => {
  it('counts every open deal in scope, not a page, and sums money per currency', async () => {
    const { db, queries } = cache();
    // 260 open deals (more than two pages of 100) spread over stages, owners, currencies and ages.
    const deals = Array.from({ length: 260 }, (_, i) =>
      dealRow(`o-${String(i).padStart(3, '0')}`, {
        stage: STAGES[i % STAGES.length],
        currency: i % 3 === 0 ? 'USD' : 'CNY',
        amount: 1000.1 + i,
        owner_id: i % 4 === 0 ? 'u-other' : 'u-rep',
        stage_entered_at: daysAgo(i % 20),
        updated_at: daysAgo(i % 7),
      }),
    );
    const closed = [dealRow('o-won', { outcome: 'won', amount: 99_999 }), dealRow('o-lost', { outcome: 'lost', amount: 99_999 })];
    await insertMany(db, 'opportunities', [...deals, ...closed]);

    const team = await queries.pipelineSummary({ scope: 'team' });
    expect(ipcCalls['pipeline.summary'].response.parse(team)).toEqual(team);
    for (const row of team.stages) {
      const inStage = deals.filter((d) => d.stage === row.stage);
      expect(row.open).toBe(inStage.length);
      expect(row.stalled).toBe(inStage.filter((d) => isStalling({ outcome: 'open', stageEnteredAt: d.stage_entered_at }, NOW)).length);
      const expected = ['CNY', 'USD']
        .map((currency) => ({
          currency,
          amount: Math.round(inStage.filter((d) => d.currency === currency).reduce((sum, d) => sum + d.amount * 100, 0)) / 100,
        }))
        .filter((a) => inStage.some((d) => d.currency === a.currency));
      expect(row.amounts).toEqual(expected);
    }
    expect(team.stages.reduce((n, s) => n + s.open, 0)).toBe(260);

    const mine = await queries.pipelineSummary({ scope: 'mine' });
    expect(mine.stages.reduce((n, s) => n + s.open, 0)).toBe(deals.filter((d) => d.owner_id === 'u-rep').length);
  });

  it('gives every page of the deal list the same stage counts', async () => {
    const { db, queries } = cache();
    await insertMany(db, 'opportunities', Array.from({ length: 230 }, (_, i) => dealRow(`o-${i}`, { stage: STAGES[i % 3], updated_at: daysAgo(i) })));
    const first = await queries.opportunitiesList({ scope: 'team', limit: 100, offset: 0 });
    const last = await queries.opportunitiesList({ scope: 'team', limit: 100, offset: 200 });
    expect(first.opportunities.map((d) => d.stage)).not.toEqual(last.opportunities.map((d) => d.stage));
    const summary = await queries.pipelineSummary({ scope: 'team' });
    expect(summary.stages.slice(0, 3).map((s) => s.open)).toEqual([77, 77, 76]);
    // Each listed deal carries its clock from the shared rule.
    const listed = first.opportunities[0];
    expect(listed && first.clocks[listed.id]).toEqual({
      daysInStage: expect.any(Number) as number,
      stalled: listed ? isStalling(listed, NOW) : false,
    });
  });
});

describe('heatMap.get', () => {
  it('covers every open deal: a stage stalled 81–87 days is hot even when 500 fresher deals were updated since', async () => {
    const { db, queries } = cache();
    const fresh = Array.from({ length: 500 }, (_, i) =>
      dealRow(`fresh-${i}`, { stage: 'first_contact', stage_entered_at: hoursBefore(NOW, 5), updated_at: hoursBefore(NOW, 1) }),
    );
    const stuck = Array.from({ length: 41 }, (_, i) =>
      dealRow(`stuck-${i}`, { stage: 'sample_delivered', stage_entered_at: daysAgo(81 + (i % 7)), updated_at: daysAgo(80) }),
    );
    await insertMany(db, 'opportunities', [...fresh, ...stuck, dealRow('won-long-ago', { stage: 'sample_delivered', outcome: 'won', stage_entered_at: daysAgo(400) })]);

    const map = await queries.heatMap({ scope: 'team' });
    expect(ipcCalls['heatMap.get'].response.parse(map)).toEqual(map);
    const sample = map.stages.find((s) => s.stage === 'sample_delivered');
    const dwell = stuck.map((d) => (NOW.getTime() - Date.parse(d.stage_entered_at)) / 86_400_000).sort((a, b) => a - b);
    expect(sample).toMatchObject({ open: 41, stalled: 41, heat: 'hot', targetDays: DEFAULT_STAGE_TARGET_DWELL_DAYS });
    expect(sample?.avgDays).toBeCloseTo(dwell.reduce((a, b) => a + b, 0) / dwell.length, 6);
    expect(sample?.medianDays).toBeCloseTo(dwell[20] ?? NaN, 6);
    expect(sample?.maxDays).toBeCloseTo(87, 6);
    expect(map.stages.find((s) => s.stage === 'first_contact')).toMatchObject({ open: 500, stalled: 0, heat: 'cool' });
    expect(map.stages.find((s) => s.stage === 'lead')).toMatchObject({ open: 0, heat: null });
  });

  it('takes the median of an even count as the mean of the two middle deals', async () => {
    const { db, queries } = cache();
    await insertMany(db, 'opportunities', [1, 2, 10, 30].map((d) => dealRow(`o-${d}`, { stage: 'lead', stage_entered_at: daysAgo(d) })));
    const lead = (await queries.heatMap({ scope: 'team' })).stages.find((s) => s.stage === 'lead');
    expect(lead?.medianDays).toBeCloseTo(6, 6);
    expect(lead?.avgDays).toBeCloseTo(10.75, 6);
    expect(lead?.heat).toBe('warm');
  });
});

describe('agenda.today', () => {
  it('answers each card with its true total and any page of its items; the task total is the navigation badge', async () => {
    const { db, queries } = cache();
    await insertMany(db, 'leads', [leadRow('l-1', { name: '王女士' })]);
    await insertMany(db, 'opportunities', [dealRow('o-1', { name: '华东机械 — 二期', stage_entered_at: hoursBefore(NOW, 1) })]);
    const tasks = Array.from({ length: 30 }, (_, i) =>
      taskRow(`t-${String(i).padStart(2, '0')}`, {
        due_at: hoursBefore(NOW, 30 - i),
        lead_id: i % 2 === 0 ? 'l-1' : null,
        opportunity_id: i % 3 === 0 ? 'o-1' : null,
      }),
    );
    tasks.push(taskRow('t-tomorrow', { due_at: hoursBefore(NOW, -30) }), taskRow('t-done', { status: 'done' }), taskRow('t-theirs', { owner_id: 'u-other' }));
    await insertMany(db, 'tasks', tasks);

    const agenda = await queries.agendaToday({});
    expect(ipcCalls['agenda.today'].response.parse(agenda)).toEqual(agenda);
    expect(agenda.tasksDue.total).toBe(30);
    expect(agenda.tasksDue.items).toHaveLength(8);
    expect((await queries.workspaceSummary()).tasksDueToday).toBe(30);

    const rest = await queries.agendaToday({ tasksDue: { limit: 10, offset: 24 } });
    expect(rest.tasksDue).toMatchObject({ total: 30, offset: 24 });
    expect(rest.tasksDue.items.map((i) => i.task.id)).toEqual(['t-24', 't-25', 't-26', 't-27', 't-28', 't-29']);
    // Rows say what they are about: the deal when there is one, else the lead.
    const byId = new Map(agenda.tasksDue.items.map((i) => [i.task.id, i]));
    expect(byId.get('t-00')?.subject).toEqual({ kind: 'deal', id: 'o-1', label: '华东机械 — 二期' });
    expect(byId.get('t-02')?.subject).toEqual({ kind: 'lead', id: 'l-1', label: '王女士' });
    expect(byId.get('t-01')?.subject).toBeNull();
    expect(byId.get('t-00')?.overdue).toBe(true);
  });

  it('counts every stalling deal, and lists only meetings and visits of today', async () => {
    const { db, queries } = cache();
    await insertMany(db, 'opportunities', [
      ...Array.from({ length: 60 }, (_, i) => dealRow(`o-stall-${i}`, { stage_entered_at: daysAgo(8 + i) })),
      dealRow('o-fresh', { stage_entered_at: daysAgo(6) }), // Wednesday to Tuesday: 4 working days
      dealRow('o-theirs', { owner_id: 'u-other', stage_entered_at: daysAgo(30) }),
    ]);
    await insertMany(db, 'leads', [leadRow('l-1', { name: '李先生' })]);
    const today = (h: number) => new Date(2025, 2, 11, h, 0, 0).toISOString();
    await insertMany(db, 'activities', [
      activityRow('a-visit', { type: 'visit', occurred_at: today(15), lead_id: 'l-1' }),
      activityRow('a-meeting', { type: 'meeting', occurred_at: today(9), opportunity_id: 'o-stall-0' }),
      activityRow('a-call', { type: 'call', occurred_at: today(11) }),
      activityRow('a-yesterday', { type: 'meeting', occurred_at: daysAgo(1) }),
      activityRow('a-theirs', { type: 'meeting', occurred_at: today(12), owner_id: 'u-other' }),
    ]);
    const agenda = await queries.agendaToday({ stallingDeals: { limit: 100, offset: 0 } });
    expect(agenda.stallingDeals.total).toBe(60);
    expect(agenda.stallingDeals.items).toHaveLength(60);
    expect(agenda.stallingDeals.items.every((i) => i.clock.stalled)).toBe(true);
    expect(agenda.meetingsToday.total).toBe(2);
    expect(agenda.meetingsToday.items.map((i) => [i.activity.id, i.subject?.kind])).toEqual([
      ['a-meeting', 'deal'],
      ['a-visit', 'lead'],
    ]);
  });

  it("keeps the rep's own leads under review on her first-response clocks, with the review window from the breaker", async () => {
    const { db, queries } = cache();
    await insertMany(db, 'leads', [
      leadRow('l-fresh', { assigned_at: hoursBefore(NOW, 1), created_at: hoursBefore(NOW, 1) }),
      // Tripped the breaker 50 h after assignment; a manager touched the record an hour ago.
      leadRow('l-review', { status: 'pending_review', assigned_at: hoursBefore(NOW, 50), updated_at: hoursBefore(NOW, 1) }),
      leadRow('l-touched', { status: 'contacted', first_touch_at: hoursBefore(NOW, 2) }),
      leadRow('l-theirs', { owner_id: 'u-other' }),
    ]);
    const agenda = await queries.agendaToday({});
    expect(agenda.firstResponse.total).toBe(2);
    expect(agenda.firstResponse.items.map((i) => [i.lead.id, i.clock.state])).toEqual([
      ['l-review', 'breached'],
      ['l-fresh', 'healthy'],
    ]);
    const review = agenda.firstResponse.items[0]?.clock;
    expect(review?.decideBy).toBe(hoursBefore(NOW, 0)); // 50 h ago + 48 h + 2 h
  });
});

describe('leads visible to their owner in every status', () => {
  it('lists her leads under review in My leads, counts them in the badge, and opens them', async () => {
    const { db, queries } = cache();
    await insertMany(db, 'leads', [
      leadRow('l-assigned', { created_at: daysAgo(1) }),
      leadRow('l-review', { status: 'pending_review', assigned_at: daysAgo(3), created_at: daysAgo(3), updated_at: daysAgo(0) }),
      leadRow('l-qualified', { status: 'qualified', created_at: daysAgo(2), first_touch_at: daysAgo(2) }),
      leadRow('l-converted', { status: 'converted' }),
      leadRow('l-disqualified', { status: 'disqualified' }),
      leadRow('l-pool', { status: 'public_pool', owner_id: null }),
    ]);
    const mine = await queries.leadsList({ scope: 'mine', limit: 50, offset: 0 });
    expect(ipcCalls['leads.list'].response.parse(mine)).toEqual(mine);
    expect(mine.leads.map((l) => l.id)).toEqual(['l-assigned', 'l-qualified', 'l-review']);
    expect((await queries.workspaceSummary()).myLeads).toBe(3);
    // The review queue's decision window runs from the breaker, not from the last update.
    expect(mine.clocks['l-review']).toMatchObject({ state: 'breached', decideBy: hoursBefore(NOW, 3 * 24 - 50) });
    const opened = await queries.leadGet({ id: 'l-review' });
    expect(opened.lead.status).toBe('pending_review');
    expect(opened.clock.reviewAt).toBe(hoursBefore(NOW, 24));
    await expect(queries.leadGet({ id: 'l-converted' })).resolves.toMatchObject({ lead: { status: 'converted' } });
  });
});
