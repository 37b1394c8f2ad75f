/**
 * A value outside React that components read through useSyncExternalStore:
 * only those whose selected slice changed re-render, not the tree around them.
 */
export interface Store<T> {
  get(): T;
  /** Replaces the value; listeners run only if it is a different value (Object.is). */
  set(next: T): void;
  /** Calls the listener after each change; returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
}

export function createStore<T>(initial: T): Store<T> {
  let value = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => value,
    set(next) {
      if (Object.is(next, value)) return;
      value = next;
      for (const listener of [...listeners]) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
