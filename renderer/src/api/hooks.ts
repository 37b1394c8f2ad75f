import { useCallback, useEffect, useRef, useState } from 'react';
import type { IpcCall, IpcEvent, IpcEventPayload, IpcRequest, IpcResponse } from '../../../shared/ipc/contract';
import { ApiError, call, subscribe } from './client';
import { shareEqual } from './structural-sharing';

/** Runs `cb` for each `name` event while the component is mounted. */
export function useEvent<E extends IpcEvent>(name: E, cb: (payload: IpcEventPayload<E>) => void): void {
  const latest = useRef(cb);
  useEffect(() => {
    latest.current = cb;
  });
  useEffect(() => subscribe(name, (payload) => latest.current(payload)), [name]);
}

export interface CallState<T> {
  data: T | null;
  error: ApiError | null;
  /** No answer to show yet (a reload keeps the last answer on screen and does not set this). */
  loading: boolean;
  reload: () => void;
}

/**
 * Loads one call's response for a view. `key` identifies the request: the
 * call runs again whenever it changes (and on `reload`).
 */
export function useCall<C extends IpcCall>(name: C, request: IpcRequest<C>, key = ''): CallState<IpcResponse<C>> {
  const [state, setState] = useState<{ data: IpcResponse<C> | null; error: ApiError | null; loading: boolean }>({
    data: null,
    error: null,
    loading: true,
  });
  const [generation, setGeneration] = useState(0);
  const requestRef = useRef(request);
  useEffect(() => {
    requestRef.current = request;
  });

  useEffect(() => {
    let live = true;
    // While the last answer is on screen a reload shows it until the next one: no extra render in between.
    setState((s) => (s.data === null && !s.loading ? { ...s, loading: true } : s));
    call(name, requestRef.current).then(
      (data) =>
        live &&
        setState((s) => {
          // The same answer keeps the same objects: the view and its memoized rows skip re-rendering.
          const shared = shareEqual(s.data, data);
          return shared === s.data && s.error === null && !s.loading ? s : { data: shared, error: null, loading: false };
        }),
      (error: unknown) =>
        live &&
        setState((s) => ({
          data: s.data,
          error: error instanceof ApiError ? error : new ApiError({ code: 'internal', message: String(error) }),
          loading: false,
        })),
    );
    return () => {
      live = false;
    };
  }, [name, key, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}
