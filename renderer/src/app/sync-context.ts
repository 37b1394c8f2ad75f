import { createContext, useContext, useSyncExternalStore } from 'react';
import type { ShownSyncStatus } from '../ui/first-sync-phase';
import { useDataGeneration } from './data-context';
import { createStore, type Store } from './store';

/**
 * The latest sync status (null until the first answer), outside React state:
 * a status event re-renders only the components whose selected part changed
 * (the status bar, the banners), not the frame or the views.
 */
export const SyncStatusContext = createContext<Store<ShownSyncStatus | null>>(createStore<ShownSyncStatus | null>(null));

/**
 * One part of the sync status. `select` must return a primitive or a part of
 * the status itself (not a new object), since the result is compared with Object.is.
 */
export function useSyncSelector<T>(select: (status: ShownSyncStatus | null) => T): T {
  const store = useContext(SyncStatusContext);
  return useSyncExternalStore(store.subscribe, () => select(store.get()));
}

/** The whole status: re-renders on every status event, so only the status bar should use it. */
export function useSync(): ShownSyncStatus | null {
  return useSyncSelector(whole);
}

const whole = (s: ShownSyncStatus | null): ShownSyncStatus | null => s;

/**
 * Part of a data view's load key: it changes once per cache change (the
 * data.changed event or a write of ours). A sync that changed nothing moves
 * lastSyncedAt but not this, so no view reloads for it.
 */
export function useSyncGeneration(): string {
  return String(useDataGeneration());
}
