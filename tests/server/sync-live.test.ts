import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { buildApp } from '../../server/app';
import { createLocalCommitBus, createPostgresCommitBus, type CommitBus } from '../../server/sync/commit-bus';
import { LiveHub, SESSION_ENDED_CLOSE_CODE } from '../../server/sync/live-hub';
import { MAX_LIVE_FRAME_BYTES, syncRoutes } from '../../server/sync/sync.routes';
import { ErrorBodySchema } from '../../shared/api/errors';
import type { LiveMessage } from '../../shared/sync/protocol';
import { openServerDb, type ServerDb } from '../../server/db/connection';
import { createTestDatabase, storeKinds, type TestDatabase } from './store-harness';
import { bearer, insertRegionAndTeam, insertUser, signIn } from './fixtures';
import { buildSyncTeam, mutation, newCockpit, push, type SyncTeam } from './sync-harness';

/** Collects live messages of one socket; `next` waits for the next poke. */
class LiveClient {
  readonly messages: LiveMessage[] = [];
  #waiters: ((m: LiveMessage) => void)[] = [];
  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const m = JSON.parse(String(data)) as LiveMessage;
      if (m.t === 'ping') return;
      const waiter = this.#waiters.shift();
      if (waiter) waiter(m);
      else this.messages.push(m);
    });
  }
  static async connect(baseUrl: string, token: string, clientId = randomUUID()): Promise<LiveClient> {
    const socket = new WebSocket(`${baseUrl.replace('http', 'ws')}/sync/live?clientId=${clientId}`, { headers: { authorization: `Bearer ${token}` } });
    const client = new LiveClient(socket);
    // The server greets an authenticated socket with a ping.
    await new Promise<void>((resolve, reject) => {
      socket.once('message', () => resolve());
      socket.once('close', (code) => reject(new Error(`socket closed ${code}`)));
      socket.once('error', reject);
    });
    return client;
  }
  next(): Promise<LiveMessage> {
    const queued = this.messages.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
  close(): void {
    this.socket.close();
  }
}

const lead = () => ({ id: `lead_${randomUUID()}`, name: 'Live', mobile: null, need: 'consult' as const });

describe.each(storeKinds())('live pokes on %s', (kind) => {
  let database: TestDatabase;
  let store: ServerDb;
  let team: SyncTeam;
  let url: string;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    store = await openServerDb(database.options);
    team = await buildSyncTeam(store, createLocalCommitBus());
    url = await team.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await team?.app.close();
    await store?.close();
    await database?.drop();
  });

  it('pokes the cockpits whose scope a commit touched, and not others', async () => {
    const rep1 = await LiveClient.connect(url, team.tokens.rep1);
    const rep3 = await LiveClient.connect(url, team.tokens.rep3);
    try {
      const c1 = newCockpit();
      const r1 = await push(team.app, team.tokens.rep1, c1, [mutation(c1, 'lead.create@1', lead())]);
      const poke1 = await rep1.next();
      expect(poke1).toEqual({ t: 'poke', seq: r1.body.results[0]?.seq });
      // rep3 (another region) was not poked for rep1's lead: its first poke is for its own write.
      const c3 = newCockpit();
      const r3 = await push(team.app, team.tokens.rep3, c3, [mutation(c3, 'lead.create@1', lead())]);
      const poke3 = await rep3.next();
      expect(poke3).toEqual({ t: 'poke', seq: r3.body.results[0]?.seq });
    } finally {
      rep1.close();
      rep3.close();
    }
  });

  it('pokes cockpits after a user admin commit too', async () => {
    const admin = await insertUser(store.db, { email: 'admin@live.example.com', role: 'admin' });
    const adminToken = await signIn(team.app, admin.email, admin.password);
    const rep1 = await LiveClient.connect(url, team.tokens.rep1);
    try {
      const renamed = await team.app.inject({ method: 'PATCH', url: `/api/users/${team.ids.rep3}`, headers: bearer(adminToken), payload: { displayName: '赵六' } });
      expect(renamed.statusCode).toBe(200);
      const change = await store.db.selectFrom('change_log').select('seq').where('entity_id', '=', team.ids.rep3).orderBy('seq', 'desc').executeTakeFirstOrThrow();
      expect(await rep1.next()).toEqual({ t: 'poke', seq: Number(change.seq) });
    } finally {
      rep1.close();
    }
  });

  it('pokes a user with the scope they have now: a demoted manager is no longer poked for the region', async () => {
    const admin = await insertUser(store.db, { email: 'admin2@live.example.com', role: 'admin' });
    const adminToken = await signIn(team.app, admin.email, admin.password);
    const boss = await insertUser(store.db, { email: 'boss@live.example.com', role: 'manager', regionId: 'r_north' });
    await store.db.insertInto('team_managers').values({ team_id: 't_north', user_id: boss.id }).execute();
    const bossToken = await signIn(team.app, boss.email, boss.password);
    const live = await LiveClient.connect(url, bossToken);
    try {
      const demoted = await team.app.inject({ method: 'PATCH', url: `/api/users/${boss.id}`, headers: bearer(adminToken), payload: { role: 'rep' } });
      expect(demoted.statusCode).toBe(200);
      const change = await store.db.selectFrom('change_log').select('seq').where('entity_id', '=', boss.id).orderBy('seq', 'desc').executeTakeFirstOrThrow();
      expect(await live.next()).toEqual({ t: 'poke', seq: Number(change.seq) });
      // rep3's new lead in 华北 is no longer this user's business: the next poke is for their own write.
      const c3 = newCockpit();
      await push(team.app, team.tokens.rep3, c3, [mutation(c3, 'lead.create@1', lead())]);
      const own = newCockpit();
      const mine = await push(team.app, bossToken, own, [mutation(own, 'lead.create@1', lead())]);
      expect(mine.body.results[0]?.status).toBe('applied');
      expect(await live.next()).toEqual({ t: 'poke', seq: mine.body.results[0]?.seq });
    } finally {
      live.close();
    }
  });

  it('refuses an upgrade without a valid token with 401, before the handshake', async () => {
    for (const headers of [{ authorization: 'Bearer not-a-real-token-at-all' }, {}]) {
      const socket = new WebSocket(`${url.replace('http', 'ws')}/sync/live`, { headers });
      const refused = await upgradeRefusal(socket);
      expect(refused.status).toBe(401);
      expect(ErrorBodySchema.parse(JSON.parse(refused.body)).error.code).toBe('unauthenticated');
    }
  });
});

/** The HTTP answer that refused a WebSocket upgrade (fails if the socket opened). */
function upgradeRefusal(socket: WebSocket): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    socket.once('open', () => reject(new Error('the socket opened')));
    socket.once('unexpected-response', (req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      // ws leaves a refused request to this listener: the server must close the connection itself.
      const connection = req.socket;
      let ended = false;
      let gone = connection?.destroyed ?? true;
      const settle = (): void => {
        if (ended && gone) resolve({ status: res.statusCode ?? 0, body });
      };
      connection?.once('close', () => {
        gone = true;
        settle();
      });
      res.on('end', () => {
        ended = true;
        settle();
      });
    });
    socket.once('error', (error) => {
      if (!String(error.message).startsWith('Unexpected server response')) reject(error);
    });
  });
}

/** Resolves with the close code once the server closes the socket. */
function closed(socket: WebSocket): Promise<number> {
  if (socket.readyState === WebSocket.CLOSED) return Promise.reject(new Error('already closed'));
  return new Promise((resolve) => socket.once('close', (code) => resolve(code)));
}

describe.each(storeKinds())('live socket sessions on %s', (kind) => {
  let database: TestDatabase;
  let store: ServerDb;
  let app: FastifyInstance;
  let hub: LiveHub;
  let url: string;
  let admin: { id: string; token: string };
  let n = 0;

  /** A fresh rep with a signed-in session, so tests can end sessions independently. */
  async function rep(): Promise<{ id: string; token: string }> {
    n += 1;
    const user = await insertUser(store.db, { email: `live${n}@s.example.com`, role: 'rep', teamId: 't_s', regionId: 'r_s' });
    return { id: user.id, token: await signIn(app, user.email, user.password) };
  }

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    store = await openServerDb(database.options);
    // As start.ts wires it: the routes that end sessions close their sockets through the hub.
    hub = new LiveHub(store.db, { coalesceMs: 5, sessionCheckMs: 3_600_000 });
    const bus = createLocalCommitBus();
    app = buildApp({
      db: store.db,
      store: store.kind,
      version: 'test',
      onCommit: (seq) => bus.publish(seq),
      onSessionsEnded: (ended) => hub.endSessions(ended),
      signInLimits: { perIpAndEmail: 1000, perIp: 1000 },
    });
    await app.register(syncRoutes, { db: store.db, copyOut: store.copyOut, bus, hub });
    await insertRegionAndTeam(store.db, { regionId: 'r_s', teamId: 't_s' });
    const adminUser = await insertUser(store.db, { email: 'admin@s.example.com', role: 'admin' });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    admin = { id: adminUser.id, token: await signIn(app, adminUser.email, adminUser.password) };
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
    await database?.drop();
  });

  it('closes the socket when its session signs out, and only that session’s', async () => {
    const r = await rep();
    const other = await signIn(app, `live${n}@s.example.com`, 'correct horse battery');
    const signingOut = await LiveClient.connect(url, r.token);
    const staying = await LiveClient.connect(url, other);
    try {
      const closing = closed(signingOut.socket);
      expect((await app.inject({ method: 'POST', url: '/api/auth/sign-out', headers: bearer(r.token) })).statusCode).toBe(204);
      expect(await closing).toBe(SESSION_ENDED_CLOSE_CODE);
      expect(staying.socket.readyState).toBe(WebSocket.OPEN);
    } finally {
      staying.close();
    }
  });

  it('closes every socket of a user who is deactivated', async () => {
    const r = await rep();
    const a = await LiveClient.connect(url, r.token);
    const b = await LiveClient.connect(url, r.token);
    const closing = Promise.all([closed(a.socket), closed(b.socket)]);
    const response = await app.inject({ method: 'PATCH', url: `/api/users/${r.id}`, headers: bearer(admin.token), payload: { active: false } });
    expect(response.statusCode).toBe(200);
    expect(await closing).toEqual([SESSION_ENDED_CLOSE_CODE, SESSION_ENDED_CLOSE_CODE]);
  });

  it('closes sockets whose session expired, or ended where this instance did not see it, at the next session check', async () => {
    const expiring = await rep();
    const elsewhere = await rep();
    const kept = await rep();
    const e = await LiveClient.connect(url, expiring.token);
    const o = await LiveClient.connect(url, elsewhere.token);
    const k = await LiveClient.connect(url, kept.token);
    try {
      await store.db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000) }).where('user_id', '=', expiring.id).execute();
      // Signed out through another instance: the row is gone, no hook ran here.
      await store.db.deleteFrom('sessions').where('user_id', '=', elsewhere.id).execute();
      const closing = Promise.all([closed(e.socket), closed(o.socket)]);
      await hub.checkSessions();
      expect(await closing).toEqual([SESSION_ENDED_CLOSE_CODE, SESSION_ENDED_CLOSE_CODE]);
      expect(k.socket.readyState).toBe(WebSocket.OPEN);
    } finally {
      k.close();
    }
  });

  it('subscribes with a client id of the user’s own, or a new one; refuses another user’s with 403', async () => {
    const owner = await rep();
    const intruder = await rep();
    const clientId = randomUUID();
    // The first socket registers the new id to its user, as a first push or snapshot would.
    const own = await LiveClient.connect(url, owner.token, clientId);
    const again = await LiveClient.connect(url, owner.token, clientId);
    own.close();
    again.close();
    const socket = new WebSocket(`${url.replace('http', 'ws')}/sync/live?clientId=${clientId}`, { headers: bearer(intruder.token) });
    const refused = await upgradeRefusal(socket);
    expect(refused.status).toBe(403);
    expect(ErrorBodySchema.parse(JSON.parse(refused.body)).error).toMatchObject({ code: 'forbidden', fields: ['clientId'] });
  });

  it('closes a socket that sends a frame over the protocol’s few KB with 1009', async () => {
    const r = await rep();
    const client = await LiveClient.connect(url, r.token);
    const closing = closed(client.socket);
    client.socket.send('x'.repeat(MAX_LIVE_FRAME_BYTES + 1));
    expect(await closing).toBe(1009);
    // The server is fine: a new socket opens.
    const next = await LiveClient.connect(url, r.token);
    next.close();
  });
});

describe.runIf(process.env.DATABASE_URL)('live pokes across two server instances on one Postgres', () => {
  const busBReports: string[] = [];
  let database: TestDatabase;
  const stores: ServerDb[] = [];
  const buses: CommitBus[] = [];
  let a: SyncTeam;
  let b: FastifyInstance;
  let bUrl: string;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const databaseUrl = database.options.databaseUrl ?? '';
    const storeA = await openServerDb(database.options);
    const storeB = await openServerDb(database.options);
    stores.push(storeA, storeB);
    const busA = await createPostgresCommitBus(databaseUrl, () => undefined);
    const busB = await createPostgresCommitBus(databaseUrl, (_error, what) => busBReports.push(what));
    buses.push(busA, busB);
    a = await buildSyncTeam(storeA, busA);
    b = buildApp({ db: storeB.db, store: 'postgres', version: 'test' });
    await b.register(syncRoutes, { db: storeB.db, copyOut: storeB.copyOut, bus: busB, hub: new LiveHub(storeB.db, { coalesceMs: 5 }) });
    bUrl = await b.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await a?.app.close();
    await b?.close();
    for (const bus of buses) await bus.close();
    for (const s of stores) await s.close();
    await database?.drop();
  });

  it('a commit on instance A pokes a cockpit connected to instance B', async () => {
    const onB = await LiveClient.connect(bUrl, a.tokens.rep1);
    try {
      const c = newCockpit();
      const pushed = await push(a.app, a.tokens.rep1, c, [mutation(c, 'lead.create@1', lead())]);
      expect(pushed.status).toBe(200);
      const poke = await onB.next();
      expect(poke).toEqual({ t: 'poke', seq: pushed.body.results[0]?.seq });
    } finally {
      onB.close();
    }
  });

  it('wins back a LISTEN connection Postgres terminated, so instance B is poked again', async () => {
    const db = stores[0]?.db;
    if (!db) throw new Error('no store');
    const listenPids = async (): Promise<number[]> => {
      const { rows } = await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`.execute(db);
      return rows.map((r) => r.pid).sort();
    };
    const before = await listenPids();
    expect(before).toHaveLength(2);
    // Terminate both instances' LISTEN connections, as a Postgres restart would.
    await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`.execute(db);
    await vi.waitFor(async () => {
      const after = await listenPids();
      expect(after).toHaveLength(2);
      expect(after.some((pid) => before.includes(pid))).toBe(false);
    }, { timeout: 20_000, interval: 100 });
    expect(busBReports).toContain('LISTEN connection failed; reconnecting');
    const onB = await LiveClient.connect(bUrl, a.tokens.rep1);
    try {
      const c = newCockpit();
      const pushed = await push(a.app, a.tokens.rep1, c, [mutation(c, 'lead.create@1', lead())]);
      expect(pushed.status).toBe(200);
      expect(await onB.next()).toEqual({ t: 'poke', seq: pushed.body.results[0]?.seq });
    } finally {
      onB.close();
    }
  });
});
