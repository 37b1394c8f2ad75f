import type { ErrorCode, ErrorInfo } from '../../../shared/api/errors';
import { IpcFailureSchema, ipcCalls, ipcEvents } from '../../../shared/ipc/contract';
import type { IpcCall, IpcEvent, IpcEventPayload, IpcRequest, IpcResponse, VerityBridge } from '../../../shared/ipc/contract';

/** A failed call, carrying the contract's error code so screens can translate it. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly fields: string[];
  constructor(info: ErrorInfo) {
    super(info.message);
    this.name = 'ApiError';
    this.code = info.code;
    this.fields = info.fields ?? [];
  }
}

function bridge(): VerityBridge {
  const verity = window.verity;
  if (!verity) throw new ApiError({ code: 'unavailable', message: 'window.verity is not installed' });
  return verity;
}

/**
 * Calls the main process and returns the response, validated against the
 * contract on this end too; any failure is thrown as an ApiError.
 */
export async function call<C extends IpcCall>(name: C, request: IpcRequest<C>): Promise<IpcResponse<C>> {
  let result: unknown;
  try {
    result = await bridge().invoke(name, request);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError({ code: 'unavailable', message: error instanceof Error ? error.message : String(error) });
  }
  const failure = IpcFailureSchema.safeParse(result);
  if (failure.success) throw new ApiError(failure.data.error);
  if (typeof result !== 'object' || result === null || !('ok' in result) || result.ok !== true || !('value' in result)) {
    throw new ApiError({ code: 'internal', message: `${name}: malformed reply envelope` });
  }
  const parsed = ipcCalls[name].response.safeParse(result.value);
  if (!parsed.success) throw new ApiError({ code: 'internal', message: `${name}: reply does not match the contract` });
  return parsed.data as IpcResponse<C>;
}

/** Subscribes to a pushed event; payloads that fail the contract are dropped. Returns the unsubscribe. */
export function subscribe<E extends IpcEvent>(name: E, listener: (payload: IpcEventPayload<E>) => void): () => void {
  const verity = window.verity;
  if (!verity) return () => undefined;
  return verity.on(name, (payload) => {
    const parsed = ipcEvents[name].safeParse(payload);
    if (parsed.success) listener(parsed.data as IpcEventPayload<E>);
  });
}
