/**
 * The one thing the engine and its host need from a message port: post a
 * message, hear messages, close. Electron's MessagePortMain and parent port
 * deliver `{ data }` events; Node's worker_threads MessagePort delivers the
 * value itself. Adapters make both look alike (no Electron import here).
 */
export interface EnginePort {
  post(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  close(): void;
}

/** Electron's MessagePortMain, structurally (main/shell passes the real one). */
export interface ElectronStylePort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  start(): void;
  close(): void;
}

export function electronStylePort(port: ElectronStylePort): EnginePort {
  return {
    post: (message) => port.postMessage(message),
    onMessage: (listener) => {
      port.on('message', (event) => listener(event.data));
      // MessagePortMain queues messages until started.
      port.start();
    },
    close: () => port.close(),
  };
}

/** Node's worker_threads MessagePort, structurally. */
export interface NodeStylePort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (value: unknown) => void): unknown;
  close(): void;
}

export function nodeStylePort(port: NodeStylePort): EnginePort {
  return {
    post: (message) => port.postMessage(message),
    onMessage: (listener) => {
      port.on('message', listener);
    },
    close: () => port.close(),
  };
}
