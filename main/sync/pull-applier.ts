import type { MutationResult, PullResponse } from '../../shared/sync/protocol';
import { rebase, type LocalActor } from './local-apply';
import type { SyncStore } from './sync-store';

/**
 * Applies one pull page in one transaction: rows newer than what the cache
 * holds (replays are harmless), evictions with their history, mutation
 * results, and the new cursor. Rows the user changed locally keep their
 * optimistic state: the server copy goes to the shadow and pending writes are
 * replayed on top.
 */
export function applyPullPage(store: SyncStore, actor: LocalActor, page: PullResponse): { changedEntities: Set<string>; rejected: number } {
  const changedEntities = new Set<string>();
  let rejected = 0;
  store.transaction(() => {
    let needRebase = false;
    for (const change of page.changes) {
      changedEntities.add(change.entity);
      const shadowed = store.hasShadow(change.entity, change.id);
      if (change.op === 'upsert' && change.row) {
        const row = { ...change.row, version: change.version };
        if (shadowed) {
          if (change.version > store.shadowVersion(change.entity, change.id)) {
            store.setShadow(change.entity, change.id, row, change.version);
            needRebase = true;
          }
        } else {
          const local = store.rowVersion(change.entity, change.id);
          if (local === null || change.version > local) store.putRow(change.entity, row);
        }
      } else {
        if (shadowed) {
          store.setShadow(change.entity, change.id, null, change.version);
          needRebase = true;
        }
        store.deleteRow(change.entity, change.id);
        if (change.op === 'evict') store.deleteFollowers(change.entity, change.id);
      }
    }
    const outcome = applyResults(store, page.mutationResults);
    rejected = outcome.rejected;
    needRebase ||= outcome.changed;
    if (store.dropAckedUpTo(page.cursor) > 0) needRebase = true;
    store.setCursor(page.cursor);
    store.setLastSyncedAt(new Date().toISOString());
    if (needRebase) rebase(store, actor);
  });
  return { changedEntities, rejected };
}

/** Records push (or pulled) results; a rejection removes the write's optimistic effect on rebase. */
export function applyResults(store: SyncStore, results: MutationResult[]): { changed: boolean; rejected: number } {
  let changed = false;
  let rejected = 0;
  for (const r of results) {
    if (r.status === 'applied') {
      store.markAcked(r.id, r.seq);
    } else {
      if (store.markRejected(r.id, { code: r.code, reason: r.reason, message: r.message, fields: r.fields, serverValues: r.serverValues, supportId: r.supportId })) {
        changed = true;
        rejected++;
      }
    }
  }
  return { changed, rejected };
}

export function applyPushResults(store: SyncStore, actor: LocalActor, results: MutationResult[]): number {
  return store.transaction(() => {
    const outcome = applyResults(store, results);
    if (outcome.changed) rebase(store, actor);
    return outcome.rejected;
  });
}
