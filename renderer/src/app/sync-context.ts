import { createContext, useContext } from 'react';
import type { SyncStatus } from '../../../shared/ipc/contract';

/** The latest sync status, shared by the header and the views (null until the first answer). */
export const SyncContext = createContext<SyncStatus | null>(null);

export function useSync(): SyncStatus | null {
  return useContext(SyncContext);
}

/** Part of a view's load key: data views reload whenever a sync finishes. */
export function useSyncGeneration(): string {
  return useSync()?.lastSyncedAt ?? '';
}
