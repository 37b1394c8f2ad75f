import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { VIEW_IDS, type ViewId } from './views';

/**
 * A tiny router: the current view lives in the URL hash (#/pipeline) so a
 * reload keeps it, under Electron's file:// as well as the web host.
 */
interface RouterValue {
  view: ViewId;
  navigate: (view: ViewId) => void;
}

const RouterContext = createContext<RouterValue | null>(null);

function fromHash(hash: string): ViewId {
  const id = hash.replace(/^#\/?/, '');
  return (VIEW_IDS as readonly string[]).includes(id) ? (id as ViewId) : 'agenda';
}

/** `start`: the view in the address (a reload), or the Agenda (a sign-in). */
export function RouterProvider({ start, children }: { start: 'address' | 'agenda'; children: ReactNode }) {
  const [view, setView] = useState<ViewId>(() => (start === 'address' ? fromHash(window.location.hash) : 'agenda'));
  useEffect(() => {
    if (start === 'agenda') window.history.replaceState(null, '', '#/agenda');
  }, [start]);
  useEffect(() => {
    const onHash = () => setView(fromHash(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const navigate = useCallback((next: ViewId) => {
    setView(next);
    window.history.replaceState(null, '', `#/${next}`);
  }, []);
  const value = useMemo(() => ({ view, navigate }), [view, navigate]);
  return <RouterContext.Provider value={value}>{children}</RouterContext.Provider>;
}

export function useRouter(): RouterValue {
  const value = useContext(RouterContext);
  if (!value) throw new Error('useRouter outside RouterProvider');
  return value;
}
