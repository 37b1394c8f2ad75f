import { createContext, useContext } from 'react';
import type { SyncStatus } from '../../../shared/ipc/contract';
import { useDataVersion } from './data-context';

/** The latest sync status, shared by the header and the views (null until the first answer). */
export const SyncContext = createContext<SyncStatus | null>(null);

export function useSync(): SyncStatus | null {
  return useContext(SyncContext);
}

/** Part of a view's load key: data views reload whenever a sync finishes or the cache changes. */
export function useSyncGeneration(): string {
  const synced = useSync()?.lastSyncedAt ?? '';
  const { version } = useDataVersion();
  return `${synced}#${version}`;
}
