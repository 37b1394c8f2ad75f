import { describe, expect, it } from 'vitest';
import { createDataVersion } from '../../renderer/src/app/data-context';
import { createStore } from '../../renderer/src/app/store';

describe('renderer store', () => {
  it('tells listeners only about a different value', () => {
    const store = createStore<{ n: number } | null>(null);
    const seen: unknown[] = [];
    const off = store.subscribe(() => seen.push(store.get()));
    const value = { n: 1 };
    store.set(value);
    store.set(value);
    store.set(null);
    off();
    store.set({ n: 2 });
    expect(seen).toEqual([{ n: 1 }, null]);
  });

  it('bumps the data version by one per change', () => {
    const data = createDataVersion();
    let calls = 0;
    data.store.subscribe(() => calls++);
    data.bump();
    data.bump();
    expect({ version: data.store.get(), calls }).toEqual({ version: 2, calls: 2 });
  });
});
