import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent, type WebFrameMain } from 'electron';
import { ELECTRON_EVENT_CHANNEL, ELECTRON_INVOKE_CHANNEL, type IpcResult } from '../../shared/ipc/contract';
import type { Dispatch } from '../ipc/dispatch';
import type { AppEventListener } from '../services/app-events';
import { isAppUrl } from './navigation-guard';

export type SenderCheck = (frame: WebFrameMain | null) => boolean;

/** Trusts only the main frame of our window, showing our own page (no iframes, no foreign pages). */
export function mainFrameOf(getWindow: () => BrowserWindow | null, appUrl: string): SenderCheck {
  return (frame) => {
    const win = getWindow();
    if (!frame || !win || win.isDestroyed()) return false;
    const main = win.webContents.mainFrame;
    return frame.processId === main.processId && frame.routingId === main.routingId && isAppUrl(frame.url, appUrl);
  };
}

const FORBIDDEN: IpcResult<never> = { ok: false, error: { code: 'forbidden', message: 'This frame may not call the cockpit' } };

/** Routes the preload's invoke channel to the dispatcher, after checking who is asking. */
export function registerIpcBridge(dispatch: Dispatch, isTrusted: SenderCheck): () => void {
  ipcMain.handle(ELECTRON_INVOKE_CHANNEL, async (event: IpcMainInvokeEvent, call: unknown, request: unknown) => {
    if (!isTrusted(event.senderFrame)) return FORBIDDEN;
    return dispatch(call, request);
  });
  return () => ipcMain.removeHandler(ELECTRON_INVOKE_CHANNEL);
}

/** Where the events come from: the engine's client (or AppEvents in-process). */
export interface EventSource {
  subscribe(listener: AppEventListener): () => void;
}

/** Pushes every app event to the window's renderer. */
export function forwardEvents(events: EventSource, getWindow: () => BrowserWindow | null): () => void {
  return events.subscribe((event, payload) => {
    const win = getWindow();
    if (!win || win.isDestroyed() || win.webContents.isDestroyed()) return;
    win.webContents.send(ELECTRON_EVENT_CHANNEL, { event, payload });
  });
}
