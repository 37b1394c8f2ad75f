import { MessageChannelMain, utilityProcess } from 'electron';
import { connectEngine, type EngineClient } from '../engine/engine-client';
import { electronStylePort } from '../engine/engine-port';
import type { EngineInit, EngineStartMessage } from '../engine/engine-protocol';
import type { Logger } from '../services/logger';
import type { TokenCodec } from '../services/token-store';

export interface EngineProcessOptions {
  /** The built engine entry (out/main/engine.js, from main/engine/utility-entry.ts). */
  entryFile: string;
  init: EngineInit;
  /** safeStorage: only this process may call it, so the engine asks here (see engine-endpoint.ts). */
  codec: TokenCodec;
  log: Logger;
  /** The engine process ended without being asked to. */
  onUnexpectedExit(code: number): void;
}

/**
 * Runs the cockpit's engine (local store, sync, queries) in an Electron
 * utility process, as Actual runs its server, so SQLite work never freezes
 * the windows. The main process keeps windows, tray and login item, and talks
 * to the engine over a MessagePort.
 */
export function startEngineProcess(options: EngineProcessOptions): EngineClient {
  const child = utilityProcess.fork(options.entryFile, [], { serviceName: 'Verity engine', stdio: 'inherit' });
  const { port1, port2 } = new MessageChannelMain();
  const start: EngineStartMessage = { t: 'start', init: options.init };
  child.postMessage(start, [port2]);
  const client = connectEngine(electronStylePort(port1), { codec: options.codec, log: options.log });
  let closing = false;
  child.once('exit', (code) => {
    client.lost(`The cockpit engine stopped (exit ${code})`);
    if (!closing) {
      options.log.error(`the engine process exited unexpectedly (code ${code})`);
      options.onUnexpectedExit(code);
    }
  });
  return {
    ...client,
    close: async (timeoutMs) => {
      closing = true;
      await client.close(timeoutMs);
      // Closed cleanly, it exits by itself; one that did not answer in time is stopped.
      if (child.pid !== undefined) child.kill();
    },
  };
}
