import { createContext, useContext, useSyncExternalStore } from 'react';
import { createStore, type Store } from './store';

/**
 * Counts cache changes the renderer heard of (data.changed events and its own
 * writes). Data views put it in their load key so they re-query once per
 * change; nothing else (a sync that found nothing, a status update) does.
 */
export interface DataVersion {
  store: Store<number>;
  /** Call after a write of ours: the main process changed the cache before answering. */
  bump: () => void;
}

export function createDataVersion(): DataVersion {
  const store = createStore(0);
  return { store, bump: () => store.set(store.get() + 1) };
}

// A stable default so hooks work (and never re-render) outside the frame, e.g. in isolated tests.
export const DataContext = createContext<DataVersion>(createDataVersion());

/** The current data version; the component re-renders when it changes, and only then. */
export function useDataGeneration(): number {
  const { store } = useContext(DataContext);
  return useSyncExternalStore(store.subscribe, store.get);
}

/** Tells data views the cache changed, without subscribing the caller to changes. */
export function useBumpData(): () => void {
  return useContext(DataContext).bump;
}
