import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../shared/ipc/contract';
import { bootstrapPercent, firstSyncPhase, nextShownStatus, type ShownSyncStatus } from '../../renderer/src/ui/first-sync-phase';

const status = (patch: Partial<ShownSyncStatus>): ShownSyncStatus => ({
  state: 'syncing',
  pendingWrites: 0,
  needsAttention: 0,
  lastSyncedAt: null,
  message: null,
  bootstrap: null,
  loadedCopy: null,
  ...patch,
});

describe('first sync phase', () => {
  it('is "preparing" from the first moment, before the engine has counted any part', () => {
    expect(firstSyncPhase(status({}))).toEqual({ phase: 'preparing' });
    // An engine that announces the bootstrap before its manifest arrives: still preparing.
    expect(firstSyncPhase(status({ bootstrap: { partsDone: 0, partsTotal: 0, rowsDone: 0, rowsTotal: 0 } }))).toEqual({ phase: 'preparing' });
  });

  it('loads by rows once parts are counted, and is finishing when every part is in', () => {
    const loading = firstSyncPhase(status({ bootstrap: { partsDone: 3, partsTotal: 12, rowsDone: 25_000, rowsTotal: 100_000 } }));
    expect(loading).toMatchObject({ phase: 'loading', percent: 25 });
    const finishing = firstSyncPhase(status({ bootstrap: { partsDone: 12, partsTotal: 12, rowsDone: 100_000, rowsTotal: 100_000 } }));
    expect(finishing).toMatchObject({ phase: 'finishing', percent: 100 });
  });

  it('says offline when nothing is copied and the server cannot be reached, and nothing once there is a copy', () => {
    expect(firstSyncPhase(status({ state: 'offline', message: 'fetch failed' }))).toEqual({ phase: 'offline' });
    expect(firstSyncPhase(status({ state: 'online', lastSyncedAt: '2026-12-01T10:00:00.000Z' }))).toBeNull();
    expect(firstSyncPhase(status({ state: 'signed_out' }))).toBeNull();
    expect(firstSyncPhase(null)).toBeNull();
    // The banner explains an outdated cockpit; the notice does not also call it offline.
    expect(firstSyncPhase(status({ state: 'update_required' }))).toBeNull();
  });

  it('counts by parts when the snapshot does not say how many rows', () => {
    expect(bootstrapPercent({ partsDone: 1, partsTotal: 4, rowsDone: 0, rowsTotal: 0 })).toBe(25);
    expect(bootstrapPercent({ partsDone: 0, partsTotal: 0, rowsDone: 0, rowsTotal: 0 })).toBe(0);
  });
});

describe('before the engine has tried', () => {
  it('is preparing, not "cannot be reached": the engine starts offline with no reason', () => {
    expect(firstSyncPhase(status({ state: 'offline', message: null }))).toEqual({ phase: 'preparing' });
    expect(firstSyncPhase(status({ state: 'offline', message: 'Cannot reach the team server' }))).toEqual({ phase: 'offline' });
  });
});

describe('after the copy is swapped in', () => {
  it('stays "finishing" while the pull that follows runs, then says nothing', () => {
    const done = { partsDone: 12, partsTotal: 12, rowsDone: 100_000, rowsTotal: 100_000 };
    const main = (patch: Partial<SyncStatus>): SyncStatus => ({ state: 'syncing', pendingWrites: 0, needsAttention: 0, lastSyncedAt: null, message: null, bootstrap: null, ...patch });
    const loaded = nextShownStatus(null, main({ bootstrap: done }));
    // Main clears bootstrap at the swap; the cache is not synced until lastSyncedAt is set.
    const swapped = nextShownStatus(loaded, main({}));
    expect(firstSyncPhase(swapped)).toMatchObject({ phase: 'finishing', percent: 100 });
    const synced = nextShownStatus(swapped, main({ state: 'online', lastSyncedAt: '2026-12-01T10:00:00.000Z' }));
    expect(synced.loadedCopy).toBeNull();
    expect(firstSyncPhase(synced)).toBeNull();
    // A fresh sign-in that has loaded nothing yet is preparing, not finishing.
    expect(firstSyncPhase(nextShownStatus(null, main({})))).toEqual({ phase: 'preparing' });
  });
});
