import type { WebSocket, RawData } from 'ws';
import { WireClientMessageSchema, type WireServerMessage } from '../../shared/ipc/wire';
import type { Dispatch } from '../ipc/dispatch';
import type { Logger } from '../services/logger';

/** Reads a usable call id from a message that failed validation, if it has one. */
function salvageId(raw: unknown): number | null {
  if (typeof raw !== 'object' || raw === null || !('id' in raw)) return null;
  const id = raw.id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : null;
}

export function send(socket: WebSocket, message: WireServerMessage, log: Logger): void {
  if (socket.readyState !== socket.OPEN) return;
  socket.send(JSON.stringify(message), (error) => {
    // A socket closing mid-send is normal when a tab goes away; the tab reloads what it needs.
    if (error) log.info('web socket: message not delivered', error.message);
  });
}

/** Serves contract calls arriving on one authenticated socket. Never throws. */
export function serveSocket(socket: WebSocket, dispatch: Dispatch, log: Logger): void {
  socket.on('error', (error) => log.warn('web socket error', error.message));
  socket.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary) {
      log.warn('web socket: binary message dropped');
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(data.toString());
    } catch {
      log.warn('web socket: message that is not JSON dropped (no id to answer to)');
      return;
    }
    const message = WireClientMessageSchema.safeParse(raw);
    if (!message.success) {
      const id = salvageId(raw);
      if (id === null) {
        log.warn('web socket: malformed message without an id dropped');
        return;
      }
      const error = { code: 'bad_request' as const, message: 'Malformed message: expected {t:"call", id, call, request}' };
      send(socket, { t: 'result', id, result: { ok: false, error } }, log);
      return;
    }
    const { id, call, request } = message.data;
    void dispatch(call, request).then(
      (result) => send(socket, { t: 'result', id, result }, log),
      // dispatch never rejects; this is belt and braces for the host's sake.
      (error: unknown) => {
        log.error('dispatch rejected', error);
        send(socket, { t: 'result', id, result: { ok: false, error: { code: 'internal', message: 'internal error' } } }, log);
      },
    );
  });
}
