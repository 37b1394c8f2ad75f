import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CACHE_SCHEMA_VERSION } from '../../main/sync/cache-schema';
import { mutateLocally, rebase, type LocalActor } from '../../main/sync/local-apply';
import { OUTBOX_MIGRATIONS, OutboxFromFutureError } from '../../main/sync/outbox-schema';
import { applyPullPage } from '../../main/sync/pull-applier';
import { SyncStore, syncFiles } from '../../main/sync/sync-store';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open(dir = mkdtempSync(join(tmpdir(), 'verity-store-'))): { dir: string; sqlite: Database.Database; store: SyncStore } {
  if (!dirs.includes(dir)) dirs.push(dir);
  const sqlite = new Database(join(dir, 'cockpit.sqlite'));
  return { dir, sqlite, store: new SyncStore(sqlite, syncFiles(dir, 'http://server', 'u1')) };
}

const actor: LocalActor = { locale: 'en', userId: 'u1', role: 'rep', regionId: 'r1', managedRegionIds: [] };
const lead = {
  id: 'l1',
  name: '王芳',
  mobile: null,
  company: null,
  city: '杭州',
  source: 'website_form',
  need: 'quote',
  status: 'assigned',
  ownerId: 'u1',
  regionId: 'r1',
  createdAt: '2026-11-01T00:00:00.000Z',
  assignedAt: '2026-11-01T00:00:00.000Z',
  firstTouchAt: null,
  updatedAt: '2026-11-01T00:00:00.000Z',
  version: 3,
};

describe('cockpit sync storage', () => {
  it('keeps the outbox apart from the cache: rebuilding the cache never touches pending writes', () => {
    const { store, sqlite } = open();
    store.putRow('lead', lead);
    store.setCursor(3);
    const id = mutateLocally(store, actor, 'lead.update@1', { leadId: 'l1', patch: { city: '宁波' }, base: { city: '杭州' } });
    expect(store.outbox().map((e) => e.mutationId)).toEqual([id]);
    store.resetCache();
    expect(store.cursor()).toBeNull();
    expect(store.getRow('lead', 'l1')).toBeNull();
    expect(store.outbox().map((e) => ({ id: e.mutationId, args: e.args }))).toEqual([
      { id, args: { leadId: 'l1', patch: { city: '宁波' }, base: { city: '杭州' } } },
    ]);
    sqlite.close();
  });

  it('writes the optimistic row and its outbox entry together, or neither', () => {
    const { store, sqlite } = open();
    store.putRow('lead', lead);
    expect(() => mutateLocally(store, actor, 'lead.update@1', { leadId: 'l1', patch: { city: '宁波' }, base: { city: '上海' } })).toThrow(/changed this field/);
    expect(store.getRow('lead', 'l1')).toMatchObject({ city: '杭州' });
    expect(store.outbox()).toEqual([]);
    sqlite.close();
  });

  it('keeps the optimistic value over an older server row, and replays it over a newer one', () => {
    const { store, sqlite } = open();
    store.putRow('lead', lead);
    mutateLocally(store, actor, 'lead.update@1', { leadId: 'l1', patch: { city: '宁波' }, base: { city: '杭州' } });
    // The server changed another field meanwhile (version 4): the city edit stays on top.
    applyPullPage(store, actor, {
      changes: [{ seq: 4, entity: 'lead', id: 'l1', op: 'upsert', row: { ...lead, company: '新公司', version: 4 }, version: 4 }],
      mutationResults: [],
      lastMutationId: 0,
      cursor: 4,
      hasMore: false,
    });
    expect(store.getRow('lead', 'l1')).toMatchObject({ city: '宁波', company: '新公司' });
    // A replayed (older) row changes nothing.
    applyPullPage(store, actor, {
      changes: [{ seq: 3, entity: 'lead', id: 'l1', op: 'upsert', row: { ...lead, version: 3 }, version: 3 }],
      mutationResults: [],
      lastMutationId: 0,
      cursor: 4,
      hasMore: false,
    });
    expect(store.getRow('lead', 'l1')).toMatchObject({ city: '宁波', company: '新公司' });
    // Acked and passed by the cursor: the outbox empties, the shadow goes, the server row stands.
    applyPullPage(store, actor, {
      changes: [{ seq: 5, entity: 'lead', id: 'l1', op: 'upsert', row: { ...lead, company: '新公司', city: '宁波', version: 5 }, version: 5 }],
      mutationResults: [{ id: 1, status: 'applied', code: null, message: null, fields: [], serverValues: null, supportId: null, seq: 5 }],
      lastMutationId: 1,
      cursor: 5,
      hasMore: false,
    });
    expect(store.outbox()).toEqual([]);
    expect(store.shadows()).toEqual([]);
    expect(store.getRow('lead', 'l1')).toMatchObject({ city: '宁波', version: 5 });
    store.transaction(() => rebase(store, actor));
    expect(store.getRow('lead', 'l1')).toMatchObject({ city: '宁波', version: 5 });
    sqlite.close();
  });

  it('refuses a pending-changes file from a newer Verity and leaves it untouched', () => {
    const first = open();
    first.store.detach();
    first.sqlite.close();
    const file = syncFiles(first.dir, 'http://server', 'u1').outbox;
    const raw = new Database(file);
    raw.pragma(`user_version = ${OUTBOX_MIGRATIONS.length + 1}`);
    raw.close();
    const sqlite = new Database(join(first.dir, 'cockpit.sqlite'));
    expect(() => new SyncStore(sqlite, syncFiles(first.dir, 'http://server', 'u1'))).toThrow(OutboxFromFutureError);
    const check = new Database(file);
    expect(check.pragma('user_version', { simple: true })).toBe(OUTBOX_MIGRATIONS.length + 1);
    check.close();
    sqlite.close();
  });

  it('rebuilds a cache written by another build, keeping the outbox', () => {
    const first = open();
    first.store.putRow('lead', lead);
    mutateLocally(first.store, actor, 'lead.update@1', { leadId: 'l1', patch: { city: '宁波' }, base: { city: '杭州' } });
    first.sqlite.pragma(`cache.user_version = ${CACHE_SCHEMA_VERSION + 1}`);
    first.store.detach();
    first.sqlite.close();
    const again = open(first.dir);
    expect(again.store.getRow('lead', 'l1')).toBeNull();
    expect(again.store.cursor()).toBeNull();
    expect(again.store.outbox()).toHaveLength(1);
    again.sqlite.close();
  });
});
