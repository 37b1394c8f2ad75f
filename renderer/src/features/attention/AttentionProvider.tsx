import { useMemo, type ReactNode } from 'react';
import { useCall } from '../../api/hooks';
import { useSync, useSyncGeneration } from '../../app/sync-context';
import { AttentionContext, type AttentionState } from './attention-context';

/** Loads attention.list whenever the count or the cache changes; every view reads it from context. */
export function AttentionProvider({ children }: { children: ReactNode }) {
  const count = useSync()?.needsAttention ?? 0;
  const generation = useSyncGeneration();
  const result = useCall('attention.list', {}, `${count}|${generation}`);
  const items = result.data?.items;
  const value = useMemo<AttentionState>(() => {
    const list = items ?? [];
    const subjectIds = new Set<string>();
    for (const item of list) if (item.subject) subjectIds.add(item.subject.id);
    return { items: list, subjectIds, loading: result.loading, reload: result.reload };
  }, [items, result.loading, result.reload]);
  return <AttentionContext.Provider value={value}>{children}</AttentionContext.Provider>;
}
