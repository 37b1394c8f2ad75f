import { isIpcCall, isIpcEvent, type IpcResult, type VerityBridge } from '../shared/ipc/contract';
import { WireServerMessageSchema, type WireClientMessage } from '../shared/ipc/wire';

/** The part of a browser WebSocket the bridge uses (so tests can pass `ws`). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
}

/** What the bridge wants to hear from a socket; `connect` wires these up. */
export interface SocketHandlers {
  open(): void;
  message(data: unknown): void;
  close(): void;
}

export interface WebBridgeOptions {
  /** Opens a new socket to the web host; called again on every reconnect. */
  connect: (handlers: SocketHandlers) => SocketLike;
  /** A call with no answer after this long fails as `unavailable` (default 30 s). */
  callTimeoutMs?: number;
  /** First reconnect delay; doubles up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

export interface WebBridge extends VerityBridge {
  /** Stops reconnecting and fails what is still waiting. */
  dispose(): void;
}

const OPEN = 1;

interface Pending {
  resolve: (result: IpcResult<unknown>) => void;
  timer: ReturnType<typeof setTimeout>;
  /** The serialized call while it waits for the socket to open; null once sent. */
  queued: string | null;
}

const unavailable = (message: string): IpcResult<never> => ({ ok: false, error: { code: 'unavailable', message } });

/**
 * `window.verity` over the web host's WebSocket: queues calls until the socket
 * is open, reconnects with backoff, and times calls out. Results are envelopes,
 * never thrown errors.
 */
export function createWebBridge(options: WebBridgeOptions): WebBridge {
  const callTimeoutMs = options.callTimeoutMs ?? 30_000;
  const backoffMs = options.backoffMs ?? 250;
  const maxBackoffMs = options.maxBackoffMs ?? 10_000;
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let nextId = 1;
  let socket: SocketLike | null = null;
  let attempt = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;

  const settle = (id: number, result: IpcResult<unknown>): void => {
    const call = pending.get(id);
    if (!call) return;
    pending.delete(id);
    clearTimeout(call.timer);
    call.resolve(result);
  };

  const flush = (): void => {
    if (!socket || socket.readyState !== OPEN) return;
    for (const call of pending.values()) {
      if (call.queued === null) continue;
      socket.send(call.queued);
      call.queued = null;
    }
  };

  const onMessage = (data: unknown): void => {
    if (typeof data !== 'string') return;
    let raw: unknown;
    try {
      raw = JSON.parse(data);
    } catch {
      return;
    }
    const message = WireServerMessageSchema.safeParse(raw);
    if (!message.success) return;
    if (message.data.t === 'result') {
      settle(message.data.id, message.data.result as IpcResult<unknown>);
    } else {
      for (const listener of [...(listeners.get(message.data.event) ?? [])]) {
        try {
          listener(message.data.payload);
        } catch (error) {
          console.error('verity event listener failed', error);
        }
      }
    }
  };

  const scheduleReconnect = (): void => {
    if (disposed || reconnectTimer) return;
    const delay = Math.min(maxBackoffMs, backoffMs * 2 ** attempt);
    attempt += 1;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      open();
    }, delay);
  };

  function open(): void {
    if (disposed) return;
    let s: SocketLike | null = null;
    const handlers: SocketHandlers = {
      open: () => {
        if (socket !== s) return;
        attempt = 0;
        flush();
      },
      message: (data) => {
        if (socket === s) onMessage(data);
      },
      close: () => {
        if (socket !== s) return;
        socket = null;
        // Calls already sent will not be answered on a new socket.
        for (const [id, call] of [...pending]) {
          if (call.queued === null) settle(id, unavailable('Connection to the cockpit was lost'));
        }
        scheduleReconnect();
      },
    };
    try {
      s = options.connect(handlers);
    } catch {
      scheduleReconnect();
      return;
    }
    socket = s;
  }

  open();

  return {
    invoke(call, request) {
      if (!isIpcCall(call)) {
        return Promise.resolve({ ok: false, error: { code: 'bad_request', message: `Unknown call: ${String(call).slice(0, 100)}` } });
      }
      if (disposed) return Promise.resolve(unavailable('The cockpit bridge is closed'));
      const id = nextId++;
      const message: WireClientMessage = { t: 'call', id, call, request: request ?? {} };
      return new Promise<IpcResult<unknown>>((resolve) => {
        const timer = setTimeout(
          () => settle(id, unavailable(`No answer from the cockpit for ${call} within ${Math.round(callTimeoutMs / 1000)} s`)),
          callTimeoutMs,
        );
        pending.set(id, { resolve, timer, queued: JSON.stringify(message) });
        flush();
      });
    },
    on(event, listener) {
      if (!isIpcEvent(event)) return () => {};
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
    dispose() {
      disposed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      for (const id of [...pending.keys()]) settle(id, unavailable('The cockpit bridge is closed'));
      socket?.close();
      socket = null;
    },
  };
}
