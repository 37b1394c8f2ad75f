import { createContext, useContext } from 'react';
import type { AppInfo, SessionState, Settings } from '../../../shared/ipc/contract';

export type SignedIn = Extract<SessionState, { status: 'signed_in' }>;

export interface AppContextValue {
  info: AppInfo;
  session: SessionState;
  settings: Settings;
  /** Replaces the session after a sign-in call resolved. */
  setSession: (session: SessionState) => void;
  /** Saves a settings change through the main process and applies what it returns. */
  updateSettings: (patch: Partial<Settings>) => Promise<void>;
  signOut: () => Promise<void>;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp outside AppContext');
  return value;
}

/** For views that only render when signed in. */
export function useSignedIn(): SignedIn {
  const { session } = useApp();
  if (session.status !== 'signed_in') throw new Error('useSignedIn while signed out');
  return session;
}
