import type { IpcEvent, IpcEventPayload } from '../../shared/ipc/contract';
import type { Logger } from './logger';

export type AppEventListener = (event: IpcEvent, payload: unknown) => void;

/** Fan-out of the events the main process pushes to every connected renderer. */
export class AppEvents {
  readonly #listeners = new Set<AppEventListener>();
  readonly #log: Logger;

  constructor(log: Logger) {
    this.#log = log;
  }

  emit<E extends IpcEvent>(event: E, payload: IpcEventPayload<E>): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event, payload);
      } catch (error) {
        // One broken transport must not stop the others from hearing about it.
        this.#log.error(`event listener failed on ${event}`, error);
      }
    }
  }

  subscribe(listener: AppEventListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }
}
