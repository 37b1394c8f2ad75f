import { createContext, useContext } from 'react';

/**
 * Counts cache changes the renderer heard of (data.changed events and its own
 * writes). Views put it in their load key so they re-query at once.
 */
export interface DataVersion {
  version: number;
  /** Call after a write of ours: the main process changed the cache before answering. */
  bump: () => void;
}

export const DataContext = createContext<DataVersion>({ version: 0, bump: () => undefined });

export function useDataVersion(): DataVersion {
  return useContext(DataContext);
}
