import { useCallback } from 'react';
import type { MutationArgs, MutationName } from '../../../shared/sync/mutations';
import { useBumpData } from '../app/data-context';
import { call, type ApiError } from './client';

/** Ids of rows the cockpit creates are made here, so a retried write never makes a second row. */
export function newId(): string {
  return crypto.randomUUID();
}

/**
 * Runs a named mutation: the main process applies it to the cache before it
 * answers, so views re-query right after. A change the shared rule refuses
 * comes back as an ApiError (message in the user's language, `fields`).
 */
export function useMutate(): <N extends MutationName>(name: N, args: MutationArgs<N>) => Promise<number> {
  const bump = useBumpData();
  return useCallback(
    async (name, args) => {
      const { mutationId } = await call('sync.mutate', { name, args });
      bump();
      return mutationId;
    },
    [bump],
  );
}

/** Fix and send again / discard, for the Needs attention view. */
export function useAttentionActions() {
  const bump = useBumpData();
  const resend = useCallback(
    async (mutationId: number, args: unknown) => {
      const result = await call('attention.resend', { mutationId, args });
      bump();
      return result.mutationId;
    },
    [bump],
  );
  const discard = useCallback(
    async (mutationId: number) => {
      await call('attention.discard', { mutationId });
      bump();
    },
    [bump],
  );
  return { resend, discard };
}

/**
 * Which form fields an error names. Mutation errors name argument paths
 * such as "args.patch.city" or "patch.city"; the last segment is the field.
 */
export function errorFields<F extends string>(error: ApiError, known: readonly F[]): F[] {
  const last = error.fields.map((f) => f.split('.').pop() ?? f);
  return known.filter((f) => last.includes(f));
}
