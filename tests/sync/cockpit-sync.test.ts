import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { compactChangeLog } from '../../server/sync/compaction';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalActor } from '../../main/sync/local-apply';
import { insertLead, mutation, newCockpit, push, buildSyncTeam, type SyncTeam } from '../server/sync-harness';
import { openTestStore, storeKinds, type TestStore } from '../server/store-harness';
import { TestCockpit } from './cockpit-harness';
import { NetSwitch } from './net-switch';

describe.each(storeKinds())('cockpit sync against a %s team server', (kind) => {
  let store: TestStore;
  let team: SyncTeam;
  let serverPort: number;
  const cockpits: TestCockpit[] = [];
  let actors: { rep1: LocalActor; rep2: LocalActor; manager: LocalActor };

  beforeAll(async () => {
    store = await openTestStore(kind);
    team = await buildSyncTeam(store);
    const url = await team.app.listen({ host: '127.0.0.1', port: 0 });
    serverPort = Number(new URL(url).port);
    actors = {
      rep1: { locale: 'en', userId: team.ids.rep1, role: 'rep', regionId: 'r_east', managedRegionIds: [] },
      rep2: { locale: 'zh-CN', userId: team.ids.rep2, role: 'rep', regionId: 'r_east', managedRegionIds: [] },
      manager: { locale: 'en', userId: team.ids.manager, role: 'manager', regionId: 'r_east', managedRegionIds: ['r_east'] },
    };
    // The seeded world a first sync downloads (written before sync existed, version 0).
    for (let i = 0; i < 30; i++) await insertLead(store.db, `seed_r1_${i}`, team.ids.rep1, 'r_east');
    for (let i = 0; i < 10; i++) await insertLead(store.db, `seed_r2_${i}`, team.ids.rep2, 'r_east');
  });
  afterEach(async () => {
    for (const c of cockpits.splice(0)) await c.close();
  });
  afterAll(async () => {
    await team?.app.close();
    await store?.close();
  });

  function cockpit(url: string, who: 'rep1' | 'rep2' | 'manager', opts: { live?: boolean } = {}): TestCockpit {
    const c = new TestCockpit({ serverUrl: url, token: team.tokens[who], actor: actors[who], ...opts });
    cockpits.push(c);
    return c;
  }

  it('bootstraps a fresh cockpit with only its own rows, then follows the change log', async () => {
    const c = cockpit(`http://127.0.0.1:${serverPort}`, 'rep1');
    c.engine.start();
    await c.engine.syncNow();
    expect(c.count('leads')).toBe(30);
    expect(c.row('lead', 'seed_r2_0')).toBeNull();
    expect(c.count('users')).toBeGreaterThanOrEqual(5);
    expect(c.statuses.some((s) => s.bootstrap && s.bootstrap.rowsTotal > 0)).toBe(true);
    expect(c.engine.status()).toMatchObject({ state: 'online', pendingWrites: 0, needsAttention: 0 });
  });

  it('works offline for a day, drains in order on reconnect, and surfaces a rejection with the input intact', async () => {
    const net = new NetSwitch(serverPort);
    const url = await net.open();
    const c = cockpit(url, 'rep1');
    c.engine.start();
    await c.engine.syncNow();
    expect(c.engine.status().state).toBe('online');

    await net.cut();
    const leadId = 'seed_r1_1';
    // The rep's edits land in the cache at once, offline.
    c.engine.mutate('lead.update@1', { leadId, patch: { city: '宁波' }, base: { city: '杭州' } });
    expect(c.row('lead', leadId)).toMatchObject({ city: '宁波' });
    for (let i = 0; i < 200; i++) {
      c.engine.mutate('lead.logTouch@1', { leadId: `seed_r1_${(i % 28) + 2}`, activityId: `off_${randomUUID()}`, type: 'call', subject: `回访 ${i}`, occurredAt: new Date().toISOString() });
    }
    await c.engine.syncNow();
    expect(c.engine.status()).toMatchObject({ state: 'offline', pendingWrites: 201 });

    // Meanwhile the manager changes the same field on the server.
    const mgr = newCockpit();
    const changed = await push(team.app, team.tokens.manager, mgr, [mutation(mgr, 'lead.update@1', { leadId, patch: { city: '温州' }, base: { city: '杭州' } })]);
    expect(changed.body.results[0]?.status).toBe('applied');

    await net.restore();
    await c.engine.syncNow();
    expect(c.engine.status()).toMatchObject({ state: 'online', pendingWrites: 0, needsAttention: 1 });
    const [rejected] = c.engine.needsAttention();
    expect(rejected).toMatchObject({
      name: 'lead.update@1',
      args: { leadId, patch: { city: '宁波' }, base: { city: '杭州' } },
      error: { code: 'conflict', fields: ['city'], serverValues: { city: '温州' } },
    });
    // The cache shows the server's value again; the rep's input waits in Needs attention.
    expect(c.row('lead', leadId)).toMatchObject({ city: '温州' });
    const activities = await store.db.selectFrom('activities').select('id').where('id', 'like', 'off_%').execute();
    expect(activities).toHaveLength(200);
    expect(c.count('activities')).toBeGreaterThanOrEqual(200);

    // Fix and send again: the new base wins this time.
    c.engine.resend(rejected?.mutationId ?? -1, { leadId, patch: { city: '宁波' }, base: { city: '温州' } });
    await c.engine.syncNow();
    expect(c.engine.status()).toMatchObject({ pendingWrites: 0, needsAttention: 0 });
    const server = await store.db.selectFrom('leads').select('city').where('id', '=', leadId).executeTakeFirstOrThrow();
    expect(server.city).toBe('宁波');
    await net.cut();
  });

  it('a cockpit away longer than the change log keeps rebuilds its cache and still sends what it queued', async () => {
    const net = new NetSwitch(serverPort);
    const url = await net.open();
    const c = cockpit(url, 'rep1');
    c.engine.start();
    await c.engine.syncNow();
    expect(c.engine.status().state).toBe('online');

    await net.cut();
    c.engine.mutate('lead.update@1', { leadId: 'seed_r1_20', patch: { city: '嘉兴' }, base: { city: '杭州' } });
    // Meanwhile the manager edits another of the rep's leads, and months later the server compacts its log past that.
    const mgr = newCockpit();
    const changed = await push(team.app, team.tokens.manager, mgr, [mutation(mgr, 'lead.update@1', { leadId: 'seed_r1_21', patch: { city: '湖州' }, base: { city: '杭州' } })]);
    expect(changed.body.results[0]?.status).toBe('applied');
    await sql`UPDATE change_log SET at = now() - interval '100 days'`.execute(store.db);
    const compacted = await compactChangeLog(store.db, { retentionDays: 90 });
    expect(compacted.removed).toBeGreaterThan(0);
    const bootstrapsBefore = c.statuses.filter((s) => s.bootstrap).length;

    await net.restore();
    await c.engine.syncNow();
    expect(c.engine.status()).toMatchObject({ state: 'online', pendingWrites: 0, needsAttention: 0 });
    // It rebuilt from a snapshot (the change it missed is there) and its queued edit reached the server.
    expect(c.statuses.filter((s) => s.bootstrap).length).toBeGreaterThan(bootstrapsBefore);
    expect(c.row('lead', 'seed_r1_21')).toMatchObject({ city: '湖州' });
    expect(c.row('lead', 'seed_r1_20')).toMatchObject({ city: '嘉兴' });
    const server = await store.db.selectFrom('leads').select('city').where('id', '=', 'seed_r1_20').executeTakeFirstOrThrow();
    expect(server.city).toBe('嘉兴');
    await net.cut();
  });

  it('two cockpits editing different fields both win; the same field is a conflict for the later one', async () => {
    const url = `http://127.0.0.1:${serverPort}`;
    const rep = cockpit(url, 'rep1');
    const mgr = cockpit(url, 'manager');
    for (const c of [rep, mgr]) {
      c.engine.start();
      await c.engine.syncNow();
    }
    const leadId = 'seed_r1_0';
    const seen = mgr.row('lead', leadId);
    rep.engine.mutate('lead.update@1', { leadId, patch: { company: '杭州新视界医疗' }, base: { company: seen?.company ?? null } });
    mgr.engine.mutate('lead.update@1', { leadId, patch: { mobile: '13700001111' }, base: { mobile: seen?.mobile ?? null } });
    await rep.engine.syncNow();
    await mgr.engine.syncNow();
    await rep.engine.syncNow();
    for (const c of [rep, mgr]) expect(c.row('lead', leadId)).toMatchObject({ company: '杭州新视界医疗', mobile: '13700001111' });

    // The rep's edit reaches the server first; the manager has not pulled it yet.
    rep.engine.mutate('lead.update@1', { leadId, patch: { mobile: '13900002222' }, base: { mobile: '13700001111' } });
    await rep.engine.syncNow();
    mgr.engine.mutate('lead.update@1', { leadId, patch: { mobile: '13500003333' }, base: { mobile: '13700001111' } });
    await mgr.engine.syncNow();
    expect(rep.engine.status().needsAttention).toBe(0);
    expect(mgr.engine.needsAttention()[0]?.error).toMatchObject({ code: 'conflict', serverValues: { mobile: '13900002222' } });
    expect(mgr.row('lead', leadId)).toMatchObject({ mobile: '13900002222' });
  });

  it('reassignment evicts the lead from one cache and grants it, with history, to the other; pokes deliver it live', async () => {
    const url = `http://127.0.0.1:${serverPort}`;
    const rep1 = cockpit(url, 'rep1', { live: true });
    const rep2 = cockpit(url, 'rep2', { live: true });
    const mgr = cockpit(url, 'manager', { live: true });
    for (const c of [rep1, rep2, mgr]) {
      c.engine.start();
      await c.engine.syncNow();
    }
    const leadId = 'seed_r1_5';
    const activityId = `act_${randomUUID()}`;
    rep1.engine.mutate('lead.logTouch@1', { leadId, activityId, type: 'visit', subject: '上门拜访', occurredAt: new Date().toISOString() });
    await rep1.engine.syncNow();
    // The manager's cockpit learns of it by a poke, without asking.
    await vi.waitFor(() => expect(mgr.row('activity', activityId)).not.toBeNull(), { timeout: 10_000, interval: 20 });

    mgr.engine.mutate('lead.assign@1', { leadId, ownerId: team.ids.rep2 });
    await mgr.engine.syncNow();
    await vi.waitFor(() => expect(rep2.row('lead', leadId)).toMatchObject({ ownerId: team.ids.rep2 }), { timeout: 10_000, interval: 20 });
    expect(rep2.row('activity', activityId)).toMatchObject({ subject: '上门拜访' });
    await vi.waitFor(() => expect(rep1.row('lead', leadId)).toBeNull(), { timeout: 10_000, interval: 20 });
    expect(rep1.row('activity', activityId)).toBeNull();
  });

  it('a poke for a change its own sync already pulled costs no second pull', async () => {
    const url = `http://127.0.0.1:${serverPort}`;
    let pulls = 0;
    const counting: typeof fetch = (input, init) => {
      if (new URL(String(input)).pathname === '/sync/pull') pulls++;
      return fetch(input, init);
    };
    const rep1 = new TestCockpit({ serverUrl: url, token: team.tokens.rep1, actor: actors.rep1, live: true, fetch: counting });
    cockpits.push(rep1);
    // The manager's socket is poked by the same flush as rep1's: once it has the row, rep1 was poked too.
    const mgr = cockpit(url, 'manager', { live: true });
    for (const c of [rep1, mgr]) {
      c.engine.start();
      await c.engine.syncNow();
    }
    await vi.waitFor(() => expect(pulls).toBeGreaterThan(0), { timeout: 10_000, interval: 20 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = pulls;
    const leadId = `lead_${randomUUID()}`;
    // mutate() starts the sync that pushes it (asking for another here would be a second sync of our own).
    rep1.engine.mutate('lead.create@1', { id: leadId, name: '只拉一次', mobile: null, need: 'consult' });
    await vi.waitFor(() => expect(rep1.store.outbox(['pending'])).toHaveLength(0), { timeout: 10_000, interval: 20 });
    await vi.waitFor(() => expect(mgr.row('lead', leadId)).not.toBeNull(), { timeout: 10_000, interval: 20 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The push's own sync pulled the change; the poke that followed found nothing new to fetch.
    expect(pulls - before).toBe(1);
    expect(rep1.row('lead', leadId)).toMatchObject({ name: '只拉一次' });
  });

  it('a cockpit too old for the server keeps its queue and says to update', async () => {
    // Pretend to be an older build: rewrite the schema version on the wire.
    const oldFetch: typeof fetch = (input, init) => {
      const u = new URL(String(input));
      if (u.searchParams.has('schemaVersion')) u.searchParams.set('schemaVersion', '0');
      const body = typeof init?.body === 'string' ? init.body.replace(/"schemaVersion":\d+/, '"schemaVersion":0') : init?.body;
      return fetch(u, { ...init, body });
    };
    const c = new TestCockpit({ serverUrl: `http://127.0.0.1:${serverPort}`, token: team.tokens.rep1, actor: actors.rep1, fetch: oldFetch });
    cockpits.push(c);
    c.engine.start();
    await c.engine.syncNow();
    expect(c.engine.status()).toMatchObject({ state: 'update_required' });
    expect(c.engine.status().message).toMatch(/Update Verity/);
  });
});
