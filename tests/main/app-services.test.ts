import { statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Agenda, IpcEvent, IpcResult, SessionState, SyncStatus } from '../../shared/ipc/contract';
import { createDispatcher, type Dispatch } from '../../main/ipc/dispatch';
import { createAppServices, TOKEN_FILE, type AppServices } from '../../main/services/app-services';
import { silentLogger } from '../../main/services/logger';
import { OTHER, REP, REP_PASSWORD, startFakeTeamServer, unusedUrl, type FakeTeamServer } from './fake-team-server';
import { makeTempDirs } from './temp-dir';

const dirs = makeTempDirs();
let server: FakeTeamServer;
const open: AppServices[] = [];

beforeEach(async () => {
  server = await startFakeTeamServer();
});
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  await server.close();
  dirs.cleanup();
});

// A fixed "now": Tuesday 2025-03-11 10:00 local time.
const NOW = new Date(2025, 2, 11, 10, 0, 0);

async function boot(dataDir = dirs.make()): Promise<{ services: AppServices; dispatch: Dispatch; events: [IpcEvent, unknown][]; dataDir: string }> {
  const services = await createAppServices({
    dataDir,
    osLocale: 'zh-CN',
    transport: 'web',
    version: '0.1.0-test',
    serverUrl: 'http://127.0.0.1:4310',
    syncPollMs: 3_600_000,
    now: () => NOW,
    log: silentLogger,
  });
  open.push(services);
  const events: [IpcEvent, unknown][] = [];
  services.events.subscribe((event, payload) => events.push([event, payload]));
  return { services, dispatch: createDispatcher(services.handlers, silentLogger), events, dataDir };
}

function value<T>(result: IpcResult<unknown>): T {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value as T;
}

async function signIn(dispatch: Dispatch, email = REP.email): Promise<SessionState> {
  return value<SessionState>(await dispatch('session.signIn', { serverUrl: `${server.url}/`, email, password: REP_PASSWORD }));
}

/** Waits until the event log holds a matching event (events follow async probes). */
async function waitForEvent(events: [IpcEvent, unknown][], match: (e: [IpcEvent, unknown]) => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (events.some(match)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`event never came; saw ${JSON.stringify(events)}`);
}

describe('session', () => {
  it('starts signed out, offering the default server on the sign-in form', async () => {
    const { dispatch } = await boot();
    expect(value(await dispatch('session.get', {}))).toEqual({
      status: 'signed_out',
      lastServerUrl: 'http://127.0.0.1:4310',
      lastEmail: null,
    });
    expect(value<{ transport: string; osLocale: string }>(await dispatch('app.info', {}))).toMatchObject({
      transport: 'web',
      osLocale: 'zh-CN',
      version: '0.1.0-test',
    });
  });

  it('signs in, stores the token 0600, caches the user and tells the renderer', async () => {
    const { dispatch, events, dataDir } = await boot();
    const state = await signIn(dispatch);
    expect(state).toMatchObject({ status: 'signed_in', serverUrl: server.url, user: { id: REP.id, role: 'rep' } });
    if (state.status === 'signed_in') expect(state.team?.name).toBe('East');
    expect(statSync(join(dataDir, TOKEN_FILE)).mode & 0o777).toBe(0o600);
    expect(events.filter(([e]) => e === 'session.changed').map(([, p]) => (p as SessionState).status)).toEqual(['signed_in']);
    // Sync starts for the signed-in user (this fake server has no sync endpoints, so it reports offline).
    await waitForEvent(events, ([e, p]) => e === 'sync.status' && (p as SyncStatus).state === 'offline');

    // session.get needs no network: stop the server and ask again.
    await server.close();
    const calls = server.calls.length;
    expect(value<SessionState>(await dispatch('session.get', {})).status).toBe('signed_in');
    expect(server.calls.length).toBe(calls);
  });

  it('keeps the session across a restart of the cockpit', async () => {
    const first = await boot();
    await signIn(first.dispatch);
    await first.services.close();
    const second = await boot(first.dataDir);
    expect(value<SessionState>(await second.dispatch('session.get', {}))).toMatchObject({ status: 'signed_in', user: { id: REP.id } });
  });

  it('a session the server no longer knows is "signed out: sign in again" at the next start, not the cached workspace', async () => {
    const first = await boot();
    await signIn(first.dispatch);
    await first.services.close();
    server.revokeAll();
    const second = await boot(first.dataDir);
    await waitForEvent(second.events, ([e, p]) => e === 'session.changed' && (p as SessionState).status === 'signed_out');
    expect(value<SessionState>(await second.dispatch('session.get', {}))).toEqual({
      status: 'signed_out',
      lastServerUrl: server.url,
      lastEmail: REP.email,
      reason: 'session_ended',
    });
    expect(await second.dispatch('workspace.summary', {})).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect(() => statSync(join(first.dataDir, TOKEN_FILE))).toThrow();
    // Signing in again clears the notice.
    expect(await signIn(second.dispatch)).not.toHaveProperty('reason');
    expect(value<SessionState>(await second.dispatch('session.signOut', {}))).not.toHaveProperty('reason');
  });

  it('reports a wrong password as invalid_credentials and stays signed out', async () => {
    const { dispatch, events } = await boot();
    const result = await dispatch('session.signIn', { serverUrl: server.url, email: REP.email, password: 'nope' });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_credentials' } });
    expect(value<SessionState>(await dispatch('session.get', {})).status).toBe('signed_out');
    expect(events.filter(([e]) => e === 'session.changed')).toEqual([]);
  });

  it('reports an unreachable server as server_unreachable, naming its URL', async () => {
    const { dispatch } = await boot();
    const url = await unusedUrl();
    const result = await dispatch('session.signIn', { serverUrl: url, email: REP.email, password: REP_PASSWORD });
    expect(result).toMatchObject({ ok: false, error: { code: 'server_unreachable', fields: ['serverUrl'] } });
    if (!result.ok) expect(result.error.message).toContain(url);
  });

  it('passes the server rate limit through as rate_limited', async () => {
    const { dispatch } = await boot();
    const result = await dispatch('session.signIn', { serverUrl: server.url, email: 'flood@example.com', password: 'x' });
    expect(result).toMatchObject({ ok: false, error: { code: 'rate_limited', message: expect.stringContaining('wait') } });
  });

  it('tells a server that is not a Verity team server apart from a wrong password', async () => {
    const { dispatch } = await boot();
    const other = createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>'));
    await new Promise<void>((done) => other.listen(0, '127.0.0.1', done));
    try {
      const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
      const result = await dispatch('session.signIn', { serverUrl: url, email: REP.email, password: REP_PASSWORD });
      expect(result).toMatchObject({ ok: false, error: { code: 'server_unreachable', fields: ['serverUrl'] } });
      if (!result.ok) expect(result.error.message).toContain('not look like a Verity team server');
    } finally {
      await new Promise<void>((done) => other.close(() => done()));
    }
  });

  it('refuses a bad sign-in form with the offending fields', async () => {
    const { dispatch } = await boot();
    const result = await dispatch('session.signIn', { serverUrl: 'ftp://x', email: 'not-an-email', password: '' });
    expect(result).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    if (!result.ok) expect(result.error.fields?.sort()).toEqual(['email', 'password', 'serverUrl']);
  });

  it('signs out on the server and locally, remembering server and email for next time', async () => {
    const { dispatch, events, dataDir } = await boot();
    await signIn(dispatch);
    const state = value<SessionState>(await dispatch('session.signOut', {}));
    expect(state).toEqual({ status: 'signed_out', lastServerUrl: server.url, lastEmail: REP.email });
    expect(server.signedOutTokens).toHaveLength(1);
    expect(() => statSync(join(dataDir, TOKEN_FILE))).toThrow();
    await waitForEvent(events, ([e, p]) => e === 'sync.status' && (p as SyncStatus).state === 'signed_out');
    expect(events.filter(([e]) => e === 'session.changed').map(([, p]) => (p as SessionState).status)).toEqual([
      'signed_in',
      'signed_out',
    ]);
  });

  it('signs out locally even when the server cannot be reached', async () => {
    const { dispatch } = await boot();
    await signIn(dispatch);
    await server.close();
    expect(value<SessionState>(await dispatch('session.signOut', {})).status).toBe('signed_out');
  });
});

describe('settings', () => {
  it('defaults, applies partial updates and persists across restarts', async () => {
    const first = await boot();
    expect(value(await first.dispatch('settings.get', {}))).toEqual({ locale: null, theme: 'auto', launchAtLogin: false });
    expect(value(await first.dispatch('settings.update', { theme: 'dark' }))).toEqual({
      locale: null,
      theme: 'dark',
      launchAtLogin: false,
    });
    expect(value(await first.dispatch('settings.update', { locale: 'zh-CN', launchAtLogin: true }))).toEqual({
      locale: 'zh-CN',
      theme: 'dark',
      launchAtLogin: true,
    });
    await first.services.close();
    const second = await boot(first.dataDir);
    expect(value(await second.dispatch('settings.get', {}))).toEqual({ locale: 'zh-CN', theme: 'dark', launchAtLogin: true });
    // Back to "follow the OS".
    expect(value(await second.dispatch('settings.update', { locale: null }))).toMatchObject({ locale: null });
  });

  it('refuses an invalid value and stores nothing', async () => {
    const { dispatch } = await boot();
    const result = await dispatch('settings.update', { theme: 'dark', locale: 'fr' });
    expect(result).toMatchObject({ ok: false, error: { code: 'bad_request', fields: ['locale'] } });
    expect(value(await dispatch('settings.get', {}))).toMatchObject({ theme: 'auto' });
  });
});

describe('sync status', () => {
  it('is signed_out when signed out; against a server that does not speak sync it is offline with the reason', async () => {
    const { dispatch, events } = await boot();
    expect(value<SyncStatus>(await dispatch('sync.status', {}))).toEqual({
      state: 'signed_out',
      pendingWrites: 0,
      needsAttention: 0,
      lastSyncedAt: null,
      message: null,
      bootstrap: null,
    });
    await signIn(dispatch);
    // The fake server has no /sync endpoints: the first sync is refused, and the status says so.
    await waitForEvent(events, ([e, p]) => e === 'sync.status' && (p as SyncStatus).state === 'offline' && (p as SyncStatus).message !== null);
    await dispatch('session.signOut', {});
    await waitForEvent(events, ([e, p]) => e === 'sync.status' && (p as SyncStatus).state === 'signed_out');
  });
});

describe('queries on the local cache', () => {
  it('refuse to show cached rows while signed out', async () => {
    const { dispatch } = await boot();
    for (const call of ['workspace.summary', 'agenda.today'] as const) {
      expect(await dispatch(call, {})).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    }
    expect(await dispatch('leads.list', { scope: 'mine' })).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });

  it('are empty but valid right after sign-in', async () => {
    const { dispatch } = await boot();
    await signIn(dispatch);
    expect(value(await dispatch('workspace.summary', {}))).toEqual({
      myLeads: 0,
      poolLeads: 0,
      openDeals: 0,
      tasksDueToday: 0,
      reviewQueue: 0,
    });
    const none = { total: 0, offset: 0, items: [] };
    expect(value(await dispatch('agenda.today', {}))).toEqual({
      generatedAt: NOW.toISOString(),
      firstResponse: none,
      tasksDue: none,
      stallingDeals: none,
      meetingsToday: none,
    });
  });

  it('answer summary, lists and agenda from seeded rows', async () => {
    const { services, dispatch } = await boot();
    await signIn(dispatch);
    await seed(services);

    expect(value(await dispatch('workspace.summary', {}))).toEqual({
      myLeads: 4, // her lead under review is still hers
      poolLeads: 1,
      openDeals: 2,
      tasksDueToday: 2,
      reviewQueue: 1,
    });

    const mine = value<{ leads: { id: string }[]; total: number }>(await dispatch('leads.list', { scope: 'mine' }));
    expect(mine.total).toBe(4);
    expect(mine.leads.map((l) => l.id)).toEqual(['l-new', 'l-touched', 'l-old', 'l-review']); // newest first
    const page = value<{ leads: { id: string }[]; total: number }>(await dispatch('leads.list', { scope: 'mine', limit: 1, offset: 1 }));
    expect(page).toMatchObject({ total: 4, leads: [{ id: 'l-touched' }] });
    const wechat = value<{ leads: { id: string }[] }>(await dispatch('leads.list', { scope: 'mine', source: 'wechat' }));
    expect(wechat.leads.map((l) => l.id)).toEqual(['l-old']);
    expect(value<{ leads: { id: string }[] }>(await dispatch('leads.list', { scope: 'pool' })).leads.map((l) => l.id)).toEqual(['l-pool']);
    expect(value<{ leads: { id: string }[] }>(await dispatch('leads.list', { scope: 'review' })).leads.map((l) => l.id)).toEqual(['l-review']);

    const myDeals = value<{ opportunities: { id: string }[]; total: number }>(await dispatch('opportunities.list', { scope: 'mine' }));
    expect(myDeals.total).toBe(3);
    const teamDeals = value<{ total: number }>(await dispatch('opportunities.list', { scope: 'team' }));
    expect(teamDeals.total).toBe(4);

    const agenda = value<Agenda>(await dispatch('agenda.today', {}));
    expect(agenda.tasksDue.items.map((t) => t.task.id)).toEqual(['t-overdue', 't-tonight']);
    // Oldest first; her lead under review still waits for her first call.
    expect(agenda.firstResponse.items.map((l) => l.lead.id)).toEqual(['l-review', 'l-old', 'l-new']);
    // 8 calendar days are 6 working days (stalling); o-fresh's 6 calendar days span a weekend: only 4.
    expect(agenda.stallingDeals.items.map((o) => o.deal.id)).toEqual(['o-stalling']);
    expect(agenda.meetingsToday.total).toBe(0);
  });

  it('starts from an empty cache when a different user signs in', async () => {
    const { services, dispatch } = await boot();
    await signIn(dispatch);
    await seed(services);
    await dispatch('session.signOut', {});
    await signIn(dispatch, OTHER.email);
    expect(value<{ total: number }>(await dispatch('opportunities.list', { scope: 'team' })).total).toBe(0);
    expect(value<{ total: number }>(await dispatch('leads.list', { scope: 'pool' })).total).toBe(0);
  });
});

const iso = (daysFromNow: number, hours = 0): string => new Date(NOW.getTime() + daysFromNow * 86_400_000 + hours * 3_600_000).toISOString();

async function seed(services: AppServices): Promise<void> {
  const db = services.local.db;
  const lead = (id: string, status: string, owner: string | null, createdDaysAgo: number, firstTouch: string | null, source = 'website_form') => ({
    id,
    name: `Lead ${id}`,
    mobile: null,
    company: null,
    city: '上海',
    source,
    need: 'quote',
    status,
    owner_id: owner,
    region_id: 'r-1',
    created_at: iso(-createdDaysAgo),
    assigned_at: owner ? iso(-createdDaysAgo) : null,
    first_touch_at: firstTouch,
    updated_at: iso(-createdDaysAgo),
  });
  await db
    .insertInto('leads')
    .values([
      lead('l-old', 'assigned', REP.id, 3, null, 'wechat'),
      lead('l-new', 'new', REP.id, 1, null),
      lead('l-touched', 'contacted', REP.id, 2, iso(-1)),
      lead('l-pool', 'public_pool', null, 9, null),
      lead('l-review', 'pending_review', REP.id, 4, null),
      lead('l-others', 'assigned', OTHER.id, 1, null),
    ])
    .execute();
  await db
    .insertInto('accounts')
    .values({ id: 'acc-1', name: '华东机械', industry: null, city: null, owner_id: REP.id, region_id: 'r-1', created_at: iso(-30), updated_at: iso(-30) })
    .execute();
  const deal = (id: string, owner: string, outcome: string, stageDaysAgo: number) => ({
    id,
    account_id: 'acc-1',
    lead_id: null,
    name: `Deal ${id}`,
    stage: 'quote_sent',
    outcome,
    amount: 120000,
    currency: 'CNY',
    owner_id: owner,
    region_id: 'r-1',
    stage_entered_at: iso(-stageDaysAgo),
    expected_close_on: '2025-04-30',
    created_at: iso(-40),
    updated_at: iso(-stageDaysAgo),
  });
  await db
    .insertInto('opportunities')
    .values([deal('o-stalling', REP.id, 'open', 8), deal('o-fresh', REP.id, 'open', 6), deal('o-won', REP.id, 'won', 20), deal('o-other', OTHER.id, 'open', 9)])
    .execute();
  const task = (id: string, dueAt: string, status = 'open', owner = REP.id) => ({
    id,
    title: `Task ${id}`,
    lead_id: null,
    opportunity_id: null,
    owner_id: owner,
    due_at: dueAt,
    status,
    created_at: iso(-5),
    updated_at: iso(-5),
  });
  const tonight = new Date(NOW);
  tonight.setHours(23, 30, 0, 0);
  // Same instant written with a +08:00 offset: compared as an instant, not as text.
  const tonightPlus8 = new Date(tonight.getTime() + 8 * 3_600_000).toISOString().replace('Z', '+08:00');
  await db
    .insertInto('tasks')
    .values([task('t-overdue', iso(-2)), task('t-tonight', tonightPlus8), task('t-tomorrow', iso(1, 15)), task('t-done', iso(-1), 'done'), task('t-other', iso(-1), 'open', OTHER.id)])
    .execute();
  const activity = (id: string, occurredDaysAgo: number) => ({
    id,
    type: 'call',
    lead_id: 'l-touched',
    opportunity_id: null,
    owner_id: REP.id,
    subject: `Call ${id}`,
    body: null,
    occurred_at: iso(-occurredDaysAgo),
    created_at: iso(-occurredDaysAgo),
  });
  await db.insertInto('activities').values([activity('a-1', 2), activity('a-2', 1)]).execute();
}
