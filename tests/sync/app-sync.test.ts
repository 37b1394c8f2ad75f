import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher, type Dispatch } from '../../main/ipc/dispatch';
import { createAppServices, type AppServices } from '../../main/services/app-services';
import { silentLogger } from '../../main/services/logger';
import { startServer, type RunningServer } from '../../server/start';
import { DEMO_PASSWORD } from '../../server/seed/demo-accounts';
import type { AttentionItem, SessionState, SyncStatus, WorkspaceSummary } from '../../shared/ipc/contract';
import type { Lead } from '../../shared/domain/entities';
import { makeTempDirs } from '../main/temp-dir';
import { createTestDatabase, storeKinds, type TestDatabase } from '../server/store-harness';
import { ipcValue, useDemoCockpit } from './demo-cockpit';

const value = ipcValue;

/** The cockpit as the renderer sees it — the IPC contract — against a demo team server. */
describe.each(storeKinds())('cockpit sync through the IPC contract, %s server', (kind) => {
  const env = useDemoCockpit(kind);
  const dispatch: Dispatch = (call, request) => env.dispatch(call, request);

  it('fills the cache on sign-in and answers the views from it', async () => {
    value(await dispatch('session.signIn', { serverUrl: env.server.url, email: 'rep01@demo.example.com', password: DEMO_PASSWORD }));
    const status = value<SyncStatus>(await dispatch('sync.now', {}));
    expect(status).toMatchObject({ state: 'online', pendingWrites: 0, bootstrap: null });
    const summary = value<WorkspaceSummary>(await dispatch('workspace.summary', {}));
    expect(summary.myLeads).toBeGreaterThan(0);
    const mine = value<{ leads: Lead[] }>(await dispatch('leads.list', { scope: 'mine' }));
    expect(mine.leads.every((l) => l.ownerId === 'user_rep01')).toBe(true);
    // Colleagues come from the cache; a rep has nobody to assign leads to.
    const users = value<{ users: { id: string; displayName: string }[] }>(await dispatch('users.list', {})).users;
    expect(users.map((u) => u.id)).toEqual(expect.arrayContaining(['user_rep01', 'user_manager01', 'user_exec']));
    expect(value<{ users: unknown[] }>(await dispatch('users.list', { assignable: true })).users).toEqual([]);
    expect(await dispatch('activities.list', {})).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const first = mine.leads[0];
    expect(value<{ lead: Lead }>(await dispatch('leads.get', { id: first?.id ?? '' })).lead).toEqual(first);
    expect(await dispatch('leads.get', { id: 'lead_not_here' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it("shows a lead's history, newest first, including a touch just logged", async () => {
    const [lead] = value<{ leads: Lead[] }>(await dispatch('leads.list', { scope: 'mine', limit: 1 })).leads;
    if (!lead) throw new Error('rep01 has no leads');
    const activityId = `act_${crypto.randomUUID()}`;
    value(await dispatch('sync.mutate', { name: 'lead.logTouch@1', args: { leadId: lead.id, activityId, type: 'call', subject: '确认样品需求', occurredAt: new Date().toISOString() } }));
    const history = value<{ activities: { id: string; subject: string }[]; total: number }>(await dispatch('activities.list', { leadId: lead.id }));
    expect(history.activities[0]).toMatchObject({ id: activityId, subject: '确认样品需求' });
    expect(history.total).toBeGreaterThanOrEqual(1);
  });

  it('applies an edit at once, refuses what the shared rules refuse, and keeps rejections for the user', async () => {
    const [lead] = value<{ leads: Lead[] }>(await dispatch('leads.list', { scope: 'mine', limit: 1 })).leads;
    if (!lead) throw new Error('rep01 has no leads');
    // Refused locally by the same rule the server runs: an error in the user's language, nothing queued.
    const refused = await dispatch('sync.mutate', { name: 'lead.assign@1', args: { leadId: lead.id, ownerId: 'user_rep02' } });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden', message: '只有主管可以分配线索。', fields: ['ownerId'] } });
    expect(await dispatch('sync.mutate', { name: 'lead.update@1', args: { leadId: lead.id, patch: { name: '' }, base: {} } })).toMatchObject({
      ok: false,
      error: { code: 'bad_request', fields: ['args.patch.name'] },
    });

    // A base that does not match what the cache holds is refused before it is queued.
    const stale = lead.city === '苏州' ? '无锡' : '苏州';
    expect(await dispatch('sync.mutate', { name: 'lead.update@1', args: { leadId: lead.id, patch: { city: '宁波' }, base: { city: stale } } })).toMatchObject({
      ok: false,
      error: { code: 'conflict', fields: ['city'] },
    });

    // A good edit shows at once, then reaches the env.server.
    value(await dispatch('sync.mutate', { name: 'lead.update@1', args: { leadId: lead.id, patch: { city: '宁波' }, base: { city: lead.city } } }));
    const changed = value<{ leads: Lead[] }>(await dispatch('leads.list', { scope: 'mine', limit: 100 })).leads.find((l) => l.id === lead.id);
    expect(changed?.city).toBe('宁波');
    const after = value<SyncStatus>(await dispatch('sync.now', {}));
    expect(after).toMatchObject({ pendingWrites: 0, needsAttention: 0 });
    const onServer = await env.server.db.selectFrom('leads').select('city').where('id', '=', lead.id).executeTakeFirstOrThrow();
    expect(onServer.city).toBe('宁波');
    expect(value<{ items: AttentionItem[] }>(await dispatch('attention.list', {})).items).toEqual([]);
    expect(await dispatch('attention.discard', { mutationId: 999 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('rebuilds the cache when an admin moves the rep to another region', async () => {
    const poolBefore = value<{ leads: Lead[] }>(await dispatch('leads.list', { scope: 'pool', limit: 500 })).leads;
    expect(poolBefore.length).toBeGreaterThan(0);
    expect(poolBefore.every((l) => l.regionId === 'region_east' || l.regionId === null)).toBe(true);

    const signIn = await fetch(`${env.server.url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@demo.example.com', password: DEMO_PASSWORD }),
    });
    const { token } = (await signIn.json()) as { token: string };
    const moved = await fetch(`${env.server.url}/api/users/user_rep01`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ teamId: 'team_north', regionId: 'region_north' }),
    });
    expect(moved.status).toBe(200);

    value(await dispatch('sync.now', {}));
    const poolAfter = value<{ leads: Lead[] }>(await dispatch('leads.list', { scope: 'pool', limit: 500 })).leads;
    expect(poolAfter.length).toBeGreaterThan(0);
    expect(poolAfter.every((l) => l.regionId === 'region_north' || l.regionId === null)).toBe(true);
    // The admin's edit reached the cache through the change log too.
    expect(env.services.local.sqlite.prepare("SELECT region_id, version > 0 AS logged FROM users WHERE id = 'user_rep01'").get()).toEqual({
      region_id: 'region_north',
      logged: 1,
    });
  });
});

async function signInAs(server: RunningServer, email: string, password = DEMO_PASSWORD): Promise<string> {
  const response = await fetch(`${server.url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

async function patchUser(server: RunningServer, adminToken: string, userId: string, patch: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${server.url}/api/users/${userId}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify(patch),
  });
  expect(response.status).toBe(200);
}

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  let last = await read();
  for (let i = 0; i < 300 && !ok(last); i++) {
    await new Promise((r) => setTimeout(r, 20));
    last = await read();
  }
  return last;
}

/** Who the cockpit thinks the user is follows the server: demotions, and sessions the server ended. */
describe.each(storeKinds())('the cockpit knows who it is, %s server', (kind) => {
  const dirs = makeTempDirs();
  let database: TestDatabase;
  let server: RunningServer;
  const open: AppServices[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(kind, { onDisk: true });
    server = await startServer({ port: 0, ...database.options, demo: true, logLevel: 'silent', log: () => undefined });
  });
  afterAll(async () => {
    for (const s of open.splice(0)) await s.close();
    await server?.close();
    await database?.drop();
    dirs.cleanup();
  });

  async function cockpit(): Promise<{ services: AppServices; dispatch: Dispatch; sessions: SessionState[] }> {
    const services = await createAppServices({ dataDir: dirs.make(), osLocale: 'en-US', transport: 'web', version: 'test', log: silentLogger, syncPollMs: 3_600_000 });
    open.push(services);
    const sessions: SessionState[] = [];
    services.events.subscribe((event, payload) => {
      if (event === 'session.changed') sessions.push(payload as SessionState);
    });
    return { services, dispatch: createDispatcher(services.handlers, silentLogger), sessions };
  }

  it("carries the teams a manager manages, and follows the manager's demotion after the next sync", async () => {
    const { dispatch, sessions } = await cockpit();
    const signedIn = value<SessionState>(await dispatch('session.signIn', { serverUrl: server.url, email: 'manager01@demo.example.com', password: DEMO_PASSWORD }));
    expect(signedIn).toMatchObject({
      status: 'signed_in',
      user: { role: 'manager' },
      managedTeamIds: ['team_east', 'team_south'],
      managedTeams: [
        { id: 'team_south', name: '华南销售组', regionId: 'region_south' },
        { id: 'team_east', name: '华东销售组', regionId: 'region_east' },
      ].sort((a, b) => a.name.localeCompare(b.name)),
    });
    value(await dispatch('sync.now', {}));
    const assignable = value<{ users: { regionId: string | null }[] }>(await dispatch('users.list', { assignable: true })).users;
    expect(assignable.length).toBeGreaterThan(0);
    expect(new Set(assignable.map((u) => u.regionId))).toEqual(new Set(['region_east', 'region_south']));

    const admin = await signInAs(server, 'admin@demo.example.com');
    await patchUser(server, admin, 'user_manager01', { role: 'rep' });
    value(await dispatch('sync.now', {}));

    const after = value<SessionState>(await dispatch('session.get', {}));
    expect(after).toMatchObject({ status: 'signed_in', user: { id: 'user_manager01', role: 'rep' }, managedTeams: [] });
    expect(sessions.at(-1)).toMatchObject({ status: 'signed_in', user: { role: 'rep' } });
    expect(value<{ users: unknown[] }>(await dispatch('users.list', { assignable: true })).users).toEqual([]);
    // The local rules follow too: assigning is refused before anything is queued.
    const [lead] = value<{ leads: Lead[] }>(await dispatch('leads.list', { scope: 'pool', limit: 1 })).leads;
    if (!lead) throw new Error('the demoted manager sees no pool lead');
    expect(await dispatch('sync.mutate', { name: 'lead.assign@1', args: { leadId: lead.id, ownerId: 'user_rep01' } })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(value<SyncStatus>(await dispatch('sync.status', {}))).toMatchObject({ state: 'online', pendingWrites: 0 });
  });

  it('picks up an edit of the user by an admin from the live poke, without waiting for a poll', async () => {
    const { dispatch } = await cockpit();
    value(await dispatch('session.signIn', { serverUrl: server.url, email: 'rep03@demo.example.com', password: DEMO_PASSWORD }));
    value(await dispatch('sync.now', {}));
    const admin = await signInAs(server, 'admin@demo.example.com');
    await patchUser(server, admin, 'user_rep03', { displayName: '张伟（华东）' });
    // No sync.now: the admin's commit pokes this cockpit; the pull brings the user row, and `me` follows.
    const renamed = await until(
      async () => value<SessionState>(await dispatch('session.get', {})),
      (s) => s.status === 'signed_in' && s.user.displayName === '张伟（华东）',
    );
    expect(renamed).toMatchObject({ status: 'signed_in', user: { id: 'user_rep03', displayName: '张伟（华东）' } });
  });

  it('a session the server ended is "signed out: sign in again"; the outbox waits for the same user', async () => {
    const { services, dispatch } = await cockpit();
    value(await dispatch('session.signIn', { serverUrl: server.url, email: 'rep02@demo.example.com', password: DEMO_PASSWORD }));
    value(await dispatch('sync.now', {}));
    const [lead] = value<{ leads: Lead[] }>(await dispatch('leads.list', { scope: 'mine', limit: 1 })).leads;
    if (!lead) throw new Error('rep02 has no leads');

    // A password change ends every session of the user on the server.
    const admin = await signInAs(server, 'admin@demo.example.com');
    const password = 'a brand new password 2026';
    await patchUser(server, admin, 'user_rep02', { password });
    const city = lead.city === '杭州' ? '绍兴' : '杭州';
    value(await dispatch('sync.mutate', { name: 'lead.update@1', args: { leadId: lead.id, patch: { city }, base: { city: lead.city } } }));
    value(await dispatch('sync.now', {}));

    const ended = await until(
      async () => value<SessionState>(await dispatch('session.get', {})),
      (s) => s.status === 'signed_out',
    );
    expect(ended).toEqual({ status: 'signed_out', lastServerUrl: server.url, lastEmail: 'rep02@demo.example.com', reason: 'session_ended' });
    const status = await until(
      async () => value<SyncStatus>(await dispatch('sync.status', {})),
      (s) => s.state === 'signed_out',
    );
    expect(status).toMatchObject({ state: 'signed_out', message: expect.stringMatching(/sign in again/) });
    // Not served as if signed in.
    expect(await dispatch('leads.list', { scope: 'mine' })).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect(services.sync.attachedUserId()).toBeNull();
    const onServerBefore = await server.db.selectFrom('leads').select('city').where('id', '=', lead.id).executeTakeFirstOrThrow();
    expect(onServerBefore.city).toBe(lead.city);

    // The same user signs in again: the queued edit is pushed.
    const back = value<SessionState>(await dispatch('session.signIn', { serverUrl: server.url, email: 'rep02@demo.example.com', password }));
    expect(back).toMatchObject({ status: 'signed_in', user: { id: 'user_rep02' } });
    expect(back).not.toHaveProperty('reason');
    expect(value<SyncStatus>(await dispatch('sync.now', {}))).toMatchObject({ state: 'online', pendingWrites: 0, needsAttention: 0 });
    const onServer = await server.db.selectFrom('leads').select('city').where('id', '=', lead.id).executeTakeFirstOrThrow();
    expect(onServer.city).toBe(city);
  });
});
