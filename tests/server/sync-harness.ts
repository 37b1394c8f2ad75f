import { afterAll, beforeAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { buildApp } from '../../server/app';
import type { Clock } from '../../server/clock';
import type { Kysely } from 'kysely';
import type { ServerDb } from '../../server/db/connection';
import type { ServerDatabase } from '../../server/db/schema';
import { createLocalCommitBus, type CommitBus } from '../../server/sync/commit-bus';
import { LiveHub } from '../../server/sync/live-hub';
import { syncRoutes } from '../../server/sync/sync.routes';
import { SYNC_PROTOCOL_VERSION, SYNC_SCHEMA_VERSION, type PullResponse, type PushResponse } from '../../shared/sync/protocol';
import { bearer, insertRegionAndTeam, insertUser, signIn } from './fixtures';
import { openTestStore, type StoreKind, type TestStore } from './store-harness';

/** A small team on a fresh store, with the sync routes mounted, for protocol tests. */
export interface SyncTeam {
  app: FastifyInstance;
  bus: CommitBus;
  tokens: { rep1: string; rep2: string; rep3: string; manager: string; exec: string };
  ids: { rep1: string; rep2: string; rep3: string; manager: string; exec: string };
}

export async function buildSyncTeam(
  store: Pick<ServerDb, 'db' | 'kind' | 'copyOut'>,
  bus: CommitBus = createLocalCommitBus(),
  opts: { snapshotPartRows?: number; clock?: Clock } = {},
): Promise<SyncTeam> {
  const { db } = store;
  const app = buildApp({ db, store: store.kind, onCommit: (seq) => bus.publish(seq), version: 'test', signInLimits: { perIpAndEmail: 1000, perIp: 1000 } });
  await app.register(syncRoutes, { db, copyOut: store.copyOut, bus, hub: new LiveHub(db, { coalesceMs: 5 }), ...opts });
  await app.ready();
  await insertRegionAndTeam(db, { regionId: 'r_east', teamId: 't_east', regionName: '华东', teamName: '华东一组' });
  await insertRegionAndTeam(db, { regionId: 'r_north', teamId: 't_north', regionName: '华北', teamName: '华北一组' });
  const rep1 = await insertUser(db, { email: 'rep1@t.example.com', role: 'rep', teamId: 't_east', regionId: 'r_east' });
  const rep2 = await insertUser(db, { email: 'rep2@t.example.com', role: 'rep', teamId: 't_east', regionId: 'r_east' });
  const rep3 = await insertUser(db, { email: 'rep3@t.example.com', role: 'rep', teamId: 't_north', regionId: 'r_north' });
  const manager = await insertUser(db, { email: 'mgr@t.example.com', role: 'manager', regionId: 'r_east' });
  const exec = await insertUser(db, { email: 'exec@t.example.com', role: 'executive' });
  await db.insertInto('team_managers').values({ team_id: 't_east', user_id: manager.id }).execute();
  const tokens = {
    rep1: await signIn(app, rep1.email, rep1.password),
    rep2: await signIn(app, rep2.email, rep2.password),
    rep3: await signIn(app, rep3.email, rep3.password),
    manager: await signIn(app, manager.email, manager.password),
    exec: await signIn(app, exec.email, exec.password),
  };
  return { app, bus, tokens, ids: { rep1: rep1.id, rep2: rep2.id, rep3: rep3.id, manager: manager.id, exec: exec.id } };
}

export interface Cockpit {
  clientId: string;
  nextId: number;
  cursor: number;
}

/** Arguments for `lead.create@1`: a new lead with a fresh id. */
export function createLead(name: string) {
  return { id: `lead_${randomUUID()}`, name, mobile: '13912345678', need: 'quote' as const };
}

export function newCockpit(): Cockpit {
  return { clientId: randomUUID(), nextId: 1, cursor: 0 };
}

export function mutation(c: Cockpit, name: string, args: unknown, at = new Date().toISOString()) {
  return { id: c.nextId++, name, args, at };
}

export async function push(
  app: FastifyInstance,
  token: string,
  c: Cockpit,
  mutations: { id: number; name: string; args: unknown; at: string }[],
  opts: { schemaVersion?: number; locale?: string } = {},
) {
  const response = await app.inject({
    method: 'POST',
    url: '/sync/push',
    headers: { ...bearer(token), 'accept-language': opts.locale ?? 'en' },
    payload: {
      protocolVersion: SYNC_PROTOCOL_VERSION,
      schemaVersion: opts.schemaVersion ?? SYNC_SCHEMA_VERSION,
      clientId: c.clientId,
      mutations,
    },
  });
  return { status: response.statusCode, body: response.json() as PushResponse & Record<string, unknown> };
}

/** Pulls everything after the cockpit's cursor, page by page, advancing it. Returns the raw pages. */
export async function pullAll(app: FastifyInstance, token: string, c: Cockpit, limit = 1000): Promise<PullResponse[]> {
  const pages: PullResponse[] = [];
  for (;;) {
    const response = await app.inject({
      method: 'GET',
      url: `/sync/pull?protocolVersion=${SYNC_PROTOCOL_VERSION}&schemaVersion=${SYNC_SCHEMA_VERSION}&clientId=${c.clientId}&cursor=${c.cursor}&limit=${limit}`,
      headers: bearer(token),
    });
    if (response.statusCode !== 200) throw new Error(`pull failed: ${response.statusCode} ${response.body}`);
    const page = response.json() as PullResponse;
    pages.push(page);
    c.cursor = page.cursor;
    if (!page.hasMore) return pages;
  }
}

export async function insertLead(db: Kysely<ServerDatabase>, id: string, ownerId: string | null, regionId: string, status = 'assigned'): Promise<void> {
  const now = new Date();
  await db
    .insertInto('leads')
    .values({ id, name: `Lead ${id}`, mobile: '13800000000', company: null, city: '杭州', source: 'website_form', need: 'quote', status, owner_id: ownerId, region_id: regionId, created_at: now, assigned_at: ownerId ? now : null, first_touch_at: null, updated_at: now })
    .execute();
}

export interface SyncTeamEnv {
  store: TestStore;
  team: SyncTeam;
}

/** A store of `kind` with a sync team on it, for the enclosing describe block; fields are set before the first test. */
export function useSyncTeam(kind: StoreKind): SyncTeamEnv {
  const env = {} as SyncTeamEnv;
  beforeAll(async () => {
    env.store = await openTestStore(kind);
    env.team = await buildSyncTeam(env.store);
  });
  afterAll(async () => {
    await env.team?.app.close();
    await env.store?.close();
  });
  return env;
}
