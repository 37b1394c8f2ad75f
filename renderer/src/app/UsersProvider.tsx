import { useMemo, useState, type ReactNode } from 'react';
import type { User } from '../../../shared/domain/entities';
import { useCall, useEvent } from '../api/hooks';
import { useSignedIn } from './app-context';
import { UsersContext, type UserDirectory } from './users-context';

/**
 * Loads the colleagues once per session (owner names on every list); only a
 * pull that brings changed users makes it load again.
 */
export function UsersProvider({ children }: { children: ReactNode }) {
  const session = useSignedIn();
  const [changes, setChanges] = useState(0);
  useEvent('data.changed', (change) => {
    if (change.entities.some((e) => e === 'user' || e === '*')) setChanges((n) => n + 1);
  });
  const result = useCall('users.list', {}, `${session.serverUrl}|${session.user.id}|${changes}`);
  const users = result.data?.users;
  const value = useMemo<UserDirectory>(
    () => ({ byId: new Map((users ?? []).map((u: User) => [u.id, u])), loaded: users !== undefined }),
    [users],
  );
  return <UsersContext.Provider value={value}>{children}</UsersContext.Provider>;
}
