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
      mutationResults: [{ id: 1, status: 'applied', code: null, reason: null, message: null, fields: [], serverValues: null, supportId: null, seq: 5 }],
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

  it('evicting a lead or deal removes the rows that follow it, never the user’s own tasks on it', () => {
    const { store, sqlite } = open();
    const at = '2026-11-01T00:00:00.000Z';
    const deal = {
      id: 'o1', accountId: 'a1', leadId: 'l1', name: 'Deal', stage: 'quote_sent', outcome: 'open', amount: 10, currency: 'CNY',
      ownerId: 'u2', regionId: 'r1', stageEnteredAt: at, expectedCloseOn: null, createdAt: at, updatedAt: at, version: 2,
    };
    const note = (id: string, leadId: string | null, opportunityId: string | null) => ({
      id, type: 'call', leadId, opportunityId, ownerId: 'u1', subject: id, body: null, occurredAt: at, createdAt: at, version: 2,
    });
    const task = (id: string, leadId: string | null, opportunityId: string | null) => ({
      id, title: id, kind: 'custom', leadId, opportunityId, ownerId: 'u1', dueAt: at, status: 'open', createdAt: at, updatedAt: at, version: 2,
    });
    store.putRow('lead', lead);
    store.putRow('opportunity', deal);
    store.putRow('stage_history', { id: 'h1', opportunityId: 'o1', fromStage: 'lead', toStage: 'quote_sent', changedBy: 'u2', changedAt: at, version: 2 });
    store.putRow('activity', note('on_lead', 'l1', null));
    store.putRow('activity', note('on_deal_of_lead', 'l1', 'o1'));
    store.putRow('task', task('my_task_on_lead', 'l1', null));
    store.putRow('task', task('my_task_on_deal', null, 'o1'));
    const evict = (entity: 'lead' | 'opportunity', id: string, seq: number) =>
      applyPullPage(store, actor, { changes: [{ seq, entity, id, op: 'evict', row: null, version: seq }], mutationResults: [], lastMutationId: 0, cursor: seq, hasMore: false });

    evict('lead', 'l1', 5);
    expect(store.getRow('activity', 'on_lead')).toBeNull();
    // A note on the lead's deal follows the deal; the tasks follow their owner, this user.
    expect(store.getRow('activity', 'on_deal_of_lead')).not.toBeNull();
    expect(store.getRow('task', 'my_task_on_lead')).not.toBeNull();

    evict('opportunity', 'o1', 6);
    expect(store.getRow('activity', 'on_deal_of_lead')).toBeNull();
    expect(store.getRow('stage_history', 'h1')).toBeNull();
    expect(store.getRow('task', 'my_task_on_deal')).not.toBeNull();
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
