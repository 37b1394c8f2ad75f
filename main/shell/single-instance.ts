import { app, type BrowserWindow } from 'electron';

/** Brings the window to the front, whatever state it is in. */
export function focusWindow(win: BrowserWindow): void {
  if (win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  if (!win.isVisible()) win.show();
  win.focus();
}

/**
 * One cockpit per user: a second launch quits at once and the first one
 * comes to the front. Returns false in the second instance.
 */
export function claimSingleInstance(getWindow: () => BrowserWindow | null): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', () => {
    const win = getWindow();
    if (win) focusWindow(win);
  });
  return true;
}
