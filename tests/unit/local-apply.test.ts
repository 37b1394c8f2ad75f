import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mutateLocally, rebase, type LocalActor } from '../../main/sync/local-apply';
import { SyncStore, syncFiles } from '../../main/sync/sync-store';

/** The cockpit runs the same rules on its cache: the lead's tasks follow it there too, and a replay that no longer applies is reported. */

const dirs: string[] = [];
const stores: { sqlite: Database.Database; store: SyncStore }[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) {
    s.store.detach();
    s.sqlite.close();
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open(): SyncStore {
  const dir = mkdtempSync(join(tmpdir(), 'verity-local-apply-'));
  dirs.push(dir);
  const sqlite = new Database(join(dir, 'cockpit.sqlite'));
  const store = new SyncStore(sqlite, syncFiles(dir, 'http://server', 'u1'));
  stores.push({ sqlite, store });
  return store;
}

const warnings: { message: string; meta: unknown }[] = [];
const rep: LocalActor = { locale: 'en', userId: 'u1', role: 'rep', regionId: 'r1', managedRegionIds: [], log: { warn: (message, meta) => warnings.push({ message, meta }) } };
const manager: LocalActor = { ...rep, userId: 'm1', role: 'manager', managedRegionIds: ['r1'] };
const created = '2026-11-01T00:00:00.000Z';
const lead = {
  id: 'l1', name: '王芳', mobile: null, company: null, city: '杭州', source: 'website_form', need: 'quote', status: 'assigned',
  ownerId: 'u1', regionId: 'r1', createdAt: created, assignedAt: created, firstTouchAt: null, updatedAt: created, version: 3,
};
const task = (id: string, kind: 'first_contact' | 'custom', ownerId = 'u1') => ({
  id, title: `t ${id}`, kind, leadId: 'l1', opportunityId: null, ownerId, dueAt: created, status: 'open', createdAt: created, updatedAt: created, version: 3,
});

describe('local apply', () => {
  it('closes the first-contact task on a first touch, optimistically, at local time', () => {
    const store = open();
    store.putRow('lead', lead);
    store.putRow('task', task('t1', 'first_contact'));
    store.putRow('task', task('t2', 'custom'));
    const at = '2026-11-20T01:00:00.000Z';
    mutateLocally(store, rep, 'lead.logTouch@1', { leadId: 'l1', activityId: 'a1', type: 'call', subject: '电话', occurredAt: at }, at);
    expect(store.getRow('lead', 'l1')).toMatchObject({ firstTouchAt: at, status: 'contacted' });
    expect(store.getRow('task', 't1')).toMatchObject({ status: 'done', updatedAt: at });
    expect(store.getRow('task', 't2')).toMatchObject({ status: 'open' });
    expect(store.outbox()[0]?.touched).toEqual(['lead:l1', 'activity:a1', 'task:t1']);
  });

  it("moves the old owner's open tasks to the new owner on reassignment", () => {
    const store = open();
    store.putRow('lead', lead);
    store.putRow('user', { id: 'u2', email: 'u2@x.example.com', displayName: 'u2', role: 'rep', teamId: null, regionId: 'r1', active: true, version: 1 });
    store.putRow('task', task('t1', 'first_contact'));
    store.putRow('task', task('t3', 'custom', 'm1'));
    mutateLocally(store, manager, 'lead.assign@1', { leadId: 'l1', ownerId: 'u2' });
    expect(store.getRow('task', 't1')).toMatchObject({ ownerId: 'u2' });
    expect(store.getRow('task', 't3')).toMatchObject({ ownerId: 'm1' });
  });

  it('refuses unstorable text before it is queued, naming the field', () => {
    const store = open();
    expect(() => mutateLocally(store, rep, 'lead.create@1', { id: 'l2', name: '王\u0000芳', mobile: null, need: 'quote' })).toThrow(
      expect.objectContaining({ code: 'bad_request', fields: ['args.name'] }),
    );
    expect(store.outbox()).toEqual([]);
  });

  it('reports a pending change that no longer applies on rebase instead of dropping it silently', () => {
    const store = open();
    store.putRow('lead', lead);
    store.transaction(() => {
      mutateLocally(store, rep, 'lead.update@1', { leadId: 'l1', patch: { city: '宁波' }, base: { city: '杭州' } });
      // The server's copy says the lead went to someone else meanwhile.
      store.setShadow('lead', 'l1', { ...lead, ownerId: 'u9', version: 4 }, 4);
      warnings.splice(0);
      rebase(store, rep);
    });
    expect(warnings).toEqual([expect.objectContaining({ message: expect.stringMatching(/no longer applies/), meta: expect.objectContaining({ mutationId: 1, name: 'lead.update@1' }) })]);
    expect(store.getRow('lead', 'l1')).toMatchObject({ ownerId: 'u9', city: '杭州' });
  });
});
