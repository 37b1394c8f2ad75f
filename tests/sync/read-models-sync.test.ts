import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../server/seed/demo-accounts';
import { isStalling } from '../../shared/domain/clocks';
import type { Lead, Opportunity } from '../../shared/domain/entities';
import type { Agenda, HeatMap, PipelineSummary, SyncStatus, WorkspaceSummary } from '../../shared/ipc/contract';
import type { Dispatch } from '../../main/ipc/dispatch';
import { storeKinds } from '../server/store-harness';
import { ipcValue, useDemoCockpit } from './demo-cockpit';

/** The read models over a cache synced from a demo team server: figures cover the whole scope, not a page. */
describe.each(storeKinds())('read models over a synced cache, %s server', (kind) => {
  const env = useDemoCockpit(kind);
  const dispatch: Dispatch = (call, request) => env.dispatch(call, request);

  /** Every page of a list, the way a user would page through it. */
  async function allDeals(scope: 'mine' | 'team'): Promise<Opportunity[]> {
    const out: Opportunity[] = [];
    for (let offset = 0; ; offset += 10) {
      const page = ipcValue<{ opportunities: Opportunity[]; total: number }>(await dispatch('opportunities.list', { scope, limit: 10, offset }));
      out.push(...page.opportunities);
      if (out.length >= page.total) return out;
    }
  }

  it('stage cards and heat map count every open deal of the scope, per stage and per currency', async () => {
    ipcValue(await dispatch('session.signIn', { serverUrl: env.server.url, email: 'manager01@demo.example.com', password: DEMO_PASSWORD }));
    expect(ipcValue<SyncStatus>(await dispatch('sync.now', {}))).toMatchObject({ state: 'online' });
    const now = new Date();
    const deals = (await allDeals('team')).filter((d) => d.outcome === 'open');
    expect(deals.length).toBeGreaterThan(10); // more than one page of 10

    const summary = ipcValue<PipelineSummary>(await dispatch('pipeline.summary', { scope: 'team' }));
    const heat = ipcValue<HeatMap>(await dispatch('heatMap.get', {}));
    for (const stage of summary.stages) {
      const inStage = deals.filter((d) => d.stage === stage.stage);
      expect(stage.open).toBe(inStage.length);
      expect(stage.stalled).toBe(inStage.filter((d) => isStalling(d, now)).length);
      for (const { currency, amount } of stage.amounts) {
        expect(amount).toBeCloseTo(inStage.filter((d) => d.currency === currency).reduce((sum, d) => sum + d.amount, 0), 2);
      }
      expect(heat.stages.find((h) => h.stage === stage.stage)?.open).toBe(inStage.length);
    }
  });

  it("a rep's leads under review stay hers: in My leads, in the badge, on her clocks, and open", async () => {
    await dispatch('session.signOut', {});
    ipcValue(await dispatch('session.signIn', { serverUrl: env.server.url, email: 'rep01@demo.example.com', password: DEMO_PASSWORD }));
    expect(ipcValue<SyncStatus>(await dispatch('sync.now', {}))).toMatchObject({ state: 'online' });
    const mine: Lead[] = [];
    for (let offset = 0; ; offset += 100) {
      const page = ipcValue<{ leads: Lead[]; total: number }>(await dispatch('leads.list', { scope: 'mine', limit: 100, offset }));
      mine.push(...page.leads);
      if (mine.length >= page.total) break;
    }
    const summary = ipcValue<WorkspaceSummary>(await dispatch('workspace.summary', {}));
    expect(summary.myLeads).toBe(mine.length);
    expect(mine.every((l) => !['converted', 'disqualified', 'public_pool'].includes(l.status))).toBe(true);

    const agenda = ipcValue<Agenda>(await dispatch('agenda.today', { firstResponse: { limit: 200, offset: 0 } }));
    expect(agenda.tasksDue.total).toBe(summary.tasksDueToday);
    const untouched = mine.filter((l) => l.firstTouchAt === null && ['new', 'assigned', 'pending_review'].includes(l.status));
    expect(agenda.firstResponse.total).toBe(untouched.length);
    const underReview = mine.filter((l) => l.status === 'pending_review');
    expect(underReview.length).toBeGreaterThan(0); // the demo rep has leads that tripped the breaker
    for (const lead of underReview) {
      expect(agenda.firstResponse.items.map((i) => i.lead.id)).toContain(lead.id);
      expect(ipcValue<{ lead: Lead }>(await dispatch('leads.get', { id: lead.id })).lead.status).toBe('pending_review');
    }
  });
});
