import { z } from 'zod';
import { ErrorInfoSchema } from '../../shared/api/errors';
import { isIpcCall, isIpcEvent, type IpcResult, type Settings } from '../../shared/ipc/contract';
import type { Dispatch } from '../ipc/dispatch';
import type { AppEventListener } from '../services/app-events';
import type { Logger } from '../services/logger';
import type { TokenCodec } from '../services/token-store';
import type { EnginePort } from './engine-port';
import { EngineMessageSchema, type HostMessage } from './engine-protocol';

const IpcResultSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ErrorInfoSchema }),
]);

/** The engine as the host sees it: the contract's calls and events, plus the settings the host applies. */
export interface EngineClient {
  dispatch: Dispatch;
  subscribe(listener: AppEventListener): () => void;
  onSettings(listener: (settings: Settings) => void): () => void;
  /** Resolves when the engine has opened its store; rejects if it could not. */
  ready: Promise<void>;
  /** Asks the engine to close its store; resolves when it has (or after `timeoutMs`). */
  close(timeoutMs?: number): Promise<void>;
  /** The engine is gone (its process ended): calls waiting for it, and later ones, fail. */
  lost(reason: string): void;
}

export interface EngineClientOptions {
  /** Encrypts and decrypts the token file for the engine (Electron: safeStorage). */
  codec?: TokenCodec | undefined;
  log: Logger;
}

/** The host's end of an engine port. */
export function connectEngine(port: EnginePort, options: EngineClientOptions): EngineClient {
  const { log } = options;
  const send = (message: HostMessage): void => port.post(message);
  const pending = new Map<number, (result: IpcResult<unknown>) => void>();
  const listeners = new Set<AppEventListener>();
  const settingsListeners = new Set<(settings: Settings) => void>();
  let nextId = 1;
  let gone: string | null = null;
  let onClosed: (() => void) | null = null;

  let readyResolve: () => void = () => undefined;
  let readyReject: (error: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    readyResolve = resolve;
    readyReject = reject;
  });
  // Callers that never await `ready` must not see an unhandled rejection; `failed` is logged below.
  ready.catch(() => undefined);

  const unavailable = (reason: string): IpcResult<never> => ({ ok: false, error: { code: 'unavailable', message: reason } });
  const badRequest = (message: string): IpcResult<never> => ({ ok: false, error: { code: 'bad_request', message } });

  const answerCodec = async (id: number, op: 'encode' | 'decode', text: string): Promise<void> => {
    try {
      if (!options.codec) throw new Error('this host keeps no token codec');
      const result = op === 'encode' ? await options.codec.encode(text) : await options.codec.decode(text);
      send({ t: 'codec-result', id, result: { ok: true, text: result } });
    } catch (error) {
      send({ t: 'codec-result', id, result: { ok: false, message: error instanceof Error ? error.message : String(error) } });
    }
  };

  port.onMessage((raw) => {
    const parsed = EngineMessageSchema.safeParse(raw);
    if (!parsed.success) {
      log.warn('ignored a malformed message from the engine');
      return;
    }
    const message = parsed.data;
    switch (message.t) {
      case 'ready':
        readyResolve();
        return;
      case 'failed':
        // Whoever awaits `ready` reports it (the web CLI in one line, the desktop in a dialog).
        readyReject(new Error(message.message));
        return;
      case 'result': {
        const resolve = pending.get(message.id);
        pending.delete(message.id);
        if (!resolve) return;
        const result = IpcResultSchema.safeParse(message.result);
        if (result.success) resolve(result.data);
        else {
          log.error('the engine answered a call with something that is not a result envelope');
          resolve({ ok: false, error: { code: 'internal', message: 'The cockpit engine gave an invalid answer' } });
        }
        return;
      }
      case 'event':
        if (!isIpcEvent(message.event)) {
          log.warn(`ignored an unknown event from the engine: ${message.event.slice(0, 100)}`);
          return;
        }
        for (const listener of [...listeners]) {
          try {
            listener(message.event, message.payload);
          } catch (error) {
            log.error(`event listener failed on ${message.event}`, error);
          }
        }
        return;
      case 'settings':
        for (const listener of [...settingsListeners]) listener(message.settings);
        return;
      case 'codec':
        void answerCodec(message.id, message.op, message.text);
        return;
      case 'closed':
        onClosed?.();
        return;
    }
  });

  const lost = (reason: string): void => {
    if (gone !== null) return;
    gone = reason;
    readyReject(new Error(reason));
    for (const resolve of pending.values()) resolve(unavailable(reason));
    pending.clear();
    onClosed?.();
  };

  let closing: Promise<void> | null = null;
  return {
    dispatch: (call, request) => {
      if (gone !== null) return Promise.resolve(unavailable(gone));
      // The engine's dispatcher validates the rest; a name the port schema refuses would never be answered.
      if (!isIpcCall(call)) return Promise.resolve(badRequest(`Unknown call: ${typeof call === 'string' ? call.slice(0, 100) : typeof call}`));
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        try {
          send({ t: 'call', id, call, request });
        } catch (error) {
          // Not structured-cloneable (a function, a symbol…): nothing was sent.
          pending.delete(id);
          resolve(badRequest(`Invalid request for ${call}: ${error instanceof Error ? error.message : String(error)}`));
        }
      });
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onSettings: (listener) => {
      settingsListeners.add(listener);
      return () => settingsListeners.delete(listener);
    },
    ready,
    close: (timeoutMs = 10_000) => {
      closing ??= new Promise<void>((resolve) => {
        if (gone !== null) return resolve();
        const timer = setTimeout(() => {
          log.warn(`the engine did not close within ${timeoutMs / 1000} s`);
          resolve();
        }, timeoutMs);
        onClosed = () => {
          clearTimeout(timer);
          resolve();
        };
        send({ t: 'close' });
      }).then(() => {
        lost('The cockpit engine has closed');
        port.close();
      });
      return closing;
    },
    lost,
  };
}
