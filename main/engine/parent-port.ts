import type { Logger } from '../services/logger';
import { runEngine, type EngineExtras } from './engine-endpoint';
import { electronStylePort, type ElectronStylePort } from './engine-port';
import { EngineStartMessageSchema } from './engine-protocol';

/** Electron's `process.parentPort` in a utility process, structurally. */
export interface ParentPortLike {
  once(event: 'message', listener: (event: { data: unknown; ports: ElectronStylePort[] }) => void): unknown;
}

export function isParentPort(value: unknown): value is ParentPortLike {
  return typeof value === 'object' && value !== null && 'once' in value && typeof value.once === 'function';
}

/**
 * The utility process's side of the handshake: the main process sends one
 * `start` message with the engine's MessagePort; the engine then serves that
 * port until told to close.
 */
export function serveParentPort(parent: ParentPortLike, log: Logger, extras: EngineExtras = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    parent.once('message', (event) => {
      const start = EngineStartMessageSchema.safeParse(event.data);
      const port = event.ports[0];
      if (!start.success || !port) {
        reject(new Error('the engine expected a start message with its port from the main process'));
        return;
      }
      resolve(runEngine(electronStylePort(port), start.data.init, log, extras));
    });
  });
}
