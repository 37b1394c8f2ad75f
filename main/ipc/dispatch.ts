import { AppError, describeZodError } from '../../shared/api/errors';
import {
  ipcCalls,
  isIpcCall,
  type IpcCall,
  type IpcParsedRequest,
  type IpcResponse,
  type IpcResult,
} from '../../shared/ipc/contract';
import { consoleLogger, type Logger } from '../services/logger';

/** One handler per contract call; `satisfies IpcHandlers` makes a missing one a compile error. */
export type IpcHandlers = { [C in IpcCall]: (req: IpcParsedRequest<C>) => Promise<IpcResponse<C>> };

/** Transport-agnostic entry: raw call name and request in, result envelope out. Never throws. */
export type Dispatch = (rawCall: unknown, rawRequest: unknown) => Promise<IpcResult<unknown>>;

const fail = (code: 'bad_request' | 'internal', message: string, fields?: string[]): IpcResult<never> => ({
  ok: false,
  error: fields ? { code, message, fields } : { code, message },
});

export function createDispatcher(handlers: IpcHandlers, log: Logger = consoleLogger): Dispatch {
  return async (rawCall, rawRequest) => {
    if (!isIpcCall(rawCall)) {
      const shown = typeof rawCall === 'string' ? rawCall.slice(0, 100) : typeof rawCall;
      return fail('bad_request', `Unknown call: ${shown}`);
    }
    const call = rawCall;
    const spec = ipcCalls[call];
    // Electron and JSON both turn "no argument" into undefined; treat it as {}.
    const parsed = spec.request.safeParse(rawRequest === undefined ? {} : rawRequest);
    if (!parsed.success) {
      const { message, fields } = describeZodError(parsed.error);
      return fail('bad_request', `Invalid request for ${call}: ${message}`, fields);
    }
    let value: unknown;
    try {
      // The handler map is indexed by the same key as the schema, so this is sound.
      const handler = handlers[call] as (req: unknown) => Promise<unknown>;
      value = await handler(parsed.data);
    } catch (error) {
      if (error instanceof AppError) return { ok: false, error: error.toInfo() };
      log.error(`IPC ${call} failed`, error);
      return fail('internal', 'Something went wrong in the cockpit; see its log for details');
    }
    const checked = spec.response.safeParse(value);
    if (!checked.success) {
      // A handler bug must not hand malformed data to the renderer.
      log.error(`IPC ${call} returned a response that breaks the contract`, describeZodError(checked.error).message);
      return fail('internal', `The cockpit produced an invalid response for ${call}`);
    }
    return { ok: true, value: checked.data };
  };
}
