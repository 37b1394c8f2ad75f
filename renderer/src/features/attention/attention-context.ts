import { createContext, useContext } from 'react';
import type { AttentionItem } from '../../../../shared/ipc/contract';

export interface AttentionState {
  items: AttentionItem[];
  /** Ids of records (leads, deals, tasks) with a refused write, for the list badges. */
  subjectIds: ReadonlySet<string>;
  loading: boolean;
  reload: () => void;
}

export const AttentionContext = createContext<AttentionState>({
  items: [],
  subjectIds: new Set(),
  loading: false,
  reload: () => undefined,
});

/** The writes the server refused, kept until the user fixes or discards them. */
export function useAttention(): AttentionState {
  return useContext(AttentionContext);
}
