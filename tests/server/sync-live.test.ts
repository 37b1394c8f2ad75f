import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildApp } from '../../server/app';
import { createLocalCommitBus, createPostgresCommitBus, type CommitBus } from '../../server/sync/commit-bus';
import { LiveHub } from '../../server/sync/live-hub';
import { syncRoutes } from '../../server/sync/sync.routes';
import type { LiveMessage } from '../../shared/sync/protocol';
import { openServerDb, type ServerDb } from '../../server/db/connection';
import { createTestDatabase, storeKinds, type TestDatabase } from './store-harness';
import { bearer, insertUser, signIn } from './fixtures';
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

  it('closes a socket without a valid token', async () => {
    const socket = new WebSocket(`${url.replace('http', 'ws')}/sync/live`, { headers: { authorization: 'Bearer not-a-real-token-at-all' } });
    const code = await new Promise<number>((resolve) => socket.once('close', (c) => resolve(c)));
    expect(code).toBe(4401);
  });
});

describe.runIf(process.env.DATABASE_URL)('live pokes across two server instances on one Postgres', () => {
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
    const busB = await createPostgresCommitBus(databaseUrl, () => undefined);
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
});
