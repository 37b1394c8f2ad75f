import { createContext, useContext } from 'react';
import type { User } from '../../../shared/domain/entities';

export interface UserDirectory {
  /** Colleagues in this computer's cache, by id (loaded once per session). */
  byId: ReadonlyMap<string, User>;
  loaded: boolean;
}

export const UsersContext = createContext<UserDirectory>({ byId: new Map(), loaded: false });

export function useUsers(): UserDirectory {
  return useContext(UsersContext);
}

/**
 * The name to show for an owner: their display name, or null for "nobody".
 * An id the cache does not know (yet) is shown as is rather than hidden.
 */
export function useOwnerName(): (ownerId: string | null) => string | null {
  const { byId } = useUsers();
  return (ownerId) => (ownerId === null ? null : (byId.get(ownerId)?.displayName ?? ownerId));
}
