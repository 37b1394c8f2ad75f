import { FolderLockedError } from '../../platform/folder-lock';
import { createDispatcher } from '../ipc/dispatch';
import { createAppServices, type AppServices, type AppServicesOptions } from '../services/app-services';
import type { Logger } from '../services/logger';
import { plainTokenCodec, type TokenCodec } from '../services/token-store';
import type { EnginePort } from './engine-port';
import { HostMessageSchema, type EngineInit, type EngineMessage } from './engine-protocol';

/** What tests (and only tests) add to the services the engine builds. */
export type EngineExtras = Pick<AppServicesOptions, 'fetch' | 'syncPollMs' | 'now' | 'tokenStore'>;

/**
 * The engine entry: builds the cockpit's services (local store, sync, queries)
 * and serves the IPC contract over a port: calls in, results and events out.
 * The Electron utility process and the web host both run exactly this.
 * Resolves once the host asked it to close and the store is closed.
 */
export function runEngine(port: EnginePort, init: EngineInit, log: Logger, extras: EngineExtras = {}): Promise<void> {
  const post = (message: EngineMessage): void => port.post(message);
  const codecRequests = new Map<number, { resolve(text: string): void; reject(error: Error): void }>();
  let nextCodecId = 1;

  // Why across the port: safeStorage exists only in Electron's main process, while the token file
  // (and the decoded token, kept in memory) stays here with the engine, its only reader and writer.
  const hostCodec: TokenCodec = {
    encode: (token) => askHost('encode', token),
    decode: (stored) => askHost('decode', stored),
  };
  const askHost = (op: 'encode' | 'decode', text: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const id = nextCodecId++;
      codecRequests.set(id, { resolve, reject });
      post({ t: 'codec', id, op, text });
    });

  const starting: Promise<AppServices> = createAppServices({
    dataDir: init.dataDir,
    nativeBinding: init.nativeBinding,
    osLocale: init.osLocale,
    transport: init.transport,
    version: init.version,
    serverUrl: init.serverUrl,
    tokenCodec: init.tokenCodec === 'host' ? hostCodec : plainTokenCodec,
    log,
    ...extras,
  });
  const dispatching = starting.then((services) => createDispatcher(services.handlers, log));
  // A failed start is reported once, below, and answered per call.
  dispatching.catch(() => undefined);

  let done: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (done = resolve));
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      // A start that failed was reported above and left nothing open.
      const services = await starting.catch(() => null);
      try {
        await services?.close();
      } catch (error) {
        log.error('the engine did not close cleanly', error);
      }
      post({ t: 'closed' });
      done();
    })();
    return closing;
  };

  port.onMessage((raw) => {
    const parsed = HostMessageSchema.safeParse(raw);
    if (!parsed.success) {
      log.warn('engine: ignored a malformed message from the host');
      // A call that carries an id is answered, so the caller does not wait forever.
      const id = callId(raw);
      if (id !== null) post({ t: 'result', id, result: { ok: false, error: { code: 'bad_request', message: 'Malformed call' } } });
      return;
    }
    const message = parsed.data;
    switch (message.t) {
      case 'call':
        void dispatching
          .then((dispatch) => dispatch(message.call, message.request))
          .catch((error: unknown) => ({
            ok: false as const,
            error: { code: 'unavailable' as const, message: `The cockpit could not open its store: ${errorText(error)}` },
          }))
          .then((result) => post({ t: 'result', id: message.id, result }));
        return;
      case 'codec-result': {
        const pending = codecRequests.get(message.id);
        codecRequests.delete(message.id);
        if (!pending) return;
        if (message.result.ok) pending.resolve(message.result.text);
        else pending.reject(new Error(message.result.message));
        return;
      }
      case 'close':
        void close();
        return;
    }
  });

  starting
    .then(async (services) => {
      services.events.subscribe((event, payload) => post({ t: 'event', event, payload }));
      services.settings.onChange((settings) => post({ t: 'settings', settings }));
      post({ t: 'settings', settings: await services.settings.get() });
      post({ t: 'ready' });
    })
    .catch((error: unknown) => {
      // A folder held by another cockpit is a refusal the host states in one line, not a fault.
      if (!(error instanceof FolderLockedError)) log.error('the engine could not start', error);
      post({ t: 'failed', message: errorText(error) });
    });
  return closed;
}

function callId(raw: unknown): number | null {
  if (typeof raw !== 'object' || raw === null || !('t' in raw) || raw.t !== 'call' || !('id' in raw)) return null;
  return typeof raw.id === 'number' && Number.isSafeInteger(raw.id) && raw.id >= 0 ? raw.id : null;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
