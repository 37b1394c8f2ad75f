import type { Logger } from '../services/logger';

/** Checks for a new release in the background; only packaged builds have a feed to ask. */
export async function checkForUpdates(isPackaged: boolean, log: Logger): Promise<void> {
  if (!isPackaged) return;
  try {
    // electron-updater is CommonJS; its named export lives on the default export under ESM.
    const { default: updater } = await import('electron-updater');
    updater.autoUpdater.logger = null;
    await updater.autoUpdater.checkForUpdatesAndNotify();
  } catch (error) {
    log.warn('update check failed', error instanceof Error ? error.message : error);
  }
}
