import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  ELECTRON_EVENT_CHANNEL,
  ELECTRON_INVOKE_CHANNEL,
  isIpcCall,
  isIpcEvent,
  type IpcResult,
  type VerityBridge,
} from '../shared/ipc/contract';

/**
 * The sandboxed preload: exposes exactly `window.verity` (the contract's
 * VerityBridge) over Electron IPC, and nothing else — never raw ipcRenderer.
 */

function isEventMessage(message: unknown): message is { event: string; payload: unknown } {
  return typeof message === 'object' && message !== null && 'event' in message && typeof message.event === 'string';
}

const bridge = {
  async invoke(call, request) {
    if (!isIpcCall(call)) {
      return { ok: false, error: { code: 'bad_request', message: `Unknown call: ${String(call).slice(0, 100)}` } };
    }
    try {
      return (await ipcRenderer.invoke(ELECTRON_INVOKE_CHANNEL, call, request)) as IpcResult<unknown>;
    } catch {
      // Only when the main process itself is gone or refused the frame.
      return { ok: false, error: { code: 'unavailable', message: 'The cockpit did not answer' } };
    }
  },
  on(event, listener) {
    if (!isIpcEvent(event)) return () => {};
    const handler = (_e: IpcRendererEvent, message: unknown): void => {
      if (isEventMessage(message) && message.event === event) listener(message.payload);
    };
    ipcRenderer.on(ELECTRON_EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(ELECTRON_EVENT_CHANNEL, handler);
    };
  },
} satisfies VerityBridge;

contextBridge.exposeInMainWorld('verity', bridge);
