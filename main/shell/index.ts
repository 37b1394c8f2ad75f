import { app, BrowserWindow, dialog, nativeTheme, powerMonitor, session as electronSession, type Tray } from 'electron';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Settings } from '../../shared/ipc/contract';
import { createDispatcher } from '../ipc/dispatch';
import { createAppServices, type AppServices } from '../services/app-services';
import { resolveDataDir } from '../services/data-dir';
import { consoleLogger as log } from '../services/logger';
import { checkForUpdates } from './auto-update';
import { forwardEvents, mainFrameOf, registerIpcBridge } from './ipc-bridge';
import { resolveNativeBinding } from './native-binding';
import { installNavigationGuards } from './navigation-guard';
import { safeStorageCodec } from './safe-token-codec';
import { claimSingleInstance, focusWindow } from './single-instance';
import { loadWindowState, trackWindowState, windowStateFile } from './window-state';
import { createTray } from './tray';

/**
 * The Electron shell: the only code that touches Electron. It runs the same
 * services as the web host and carries the IPC contract over ipcMain.
 */

const here = fileURLToPath(new URL('.', import.meta.url));
// electron-vite serves the renderer from a dev server in `electron-vite dev`.
const appUrl = process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(join(here, '../renderer/index.html')).toString();
const preloadFile = join(here, '../preload/index.cjs');

let mainWindow: BrowserWindow | null = null;
// Held here: a Tray only referenced locally is garbage-collected and vanishes.
let tray: Tray | null = null;
let services: AppServices | null = null;
let quitting = false;

app.setName('Verity');
const dataDir = resolveDataDir(process.argv);
// Chromium's own files live beside ours, in the one data folder.
app.setPath('userData', dataDir);

if (claimSingleInstance(() => mainWindow)) {
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('before-quit', (event) => {
    if (quitting || !services) return;
    // Close the store cleanly (WAL checkpoint) before Electron exits.
    event.preventDefault();
    quitting = true;
    void services.close().finally(() => app.quit());
  });
  app.on('web-contents-created', (_event, contents) => {
    installNavigationGuards(contents, appUrl);
  });
  app.whenReady().then(start, fail);
}

function fail(error: unknown): void {
  log.error('Verity could not start', error);
  dialog.showErrorBox('Verity could not start', error instanceof Error ? error.message : String(error));
  app.exit(1);
}

function applyAppearance(settings: Settings): void {
  nativeTheme.themeSource = settings.theme === 'auto' ? 'system' : settings.theme;
  // Registering the dev binary as a login item would start Electron, not Verity.
  if (app.isPackaged) app.setLoginItemSettings({ openAtLogin: settings.launchAtLogin });
}

function createWindow(): BrowserWindow {
  const stateFile = windowStateFile(dataDir);
  const state = loadWindowState(stateFile);
  const win = new BrowserWindow({
    x: state.x,
    y: state.y,
    width: state.width,
    height: state.height,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Verity',
    icon: join(app.getAppPath(), 'resources', 'icon.png'),
    webPreferences: {
      preload: preloadFile,
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
      spellcheck: false,
    },
  });
  if (state.maximized) win.maximize();
  trackWindowState(win, stateFile, (error) => log.warn('could not save the window position', error));
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  // The renderer opens on its default route, the Agenda.
  void win.loadURL(appUrl);
  return win;
}

async function start(): Promise<void> {
  // The renderer needs no camera, microphone, notifications prompt or the like.
  electronSession.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));

  services = await createAppServices({
    dataDir,
    nativeBinding: resolveNativeBinding(app.getAppPath()),
    osLocale: app.getPreferredSystemLanguages()[0] ?? app.getLocale(),
    transport: 'electron',
    version: app.getVersion(),
    serverUrl: process.env.VERITY_SERVER_URL,
    tokenCodec: safeStorageCodec((message) => log.warn(message)),
    log,
  });
  const dispatch = createDispatcher(services.handlers, log);
  registerIpcBridge(dispatch, mainFrameOf(() => mainWindow, appUrl));
  forwardEvents(services.events, () => mainWindow);

  applyAppearance(await services.settings.get());
  services.settings.onChange((settings) => applyAppearance(settings));

  mainWindow = createWindow();
  tray = createTray(join(app.getAppPath(), 'resources', 'tray-icon.png'), {
    open: () => {
      if (!mainWindow) mainWindow = createWindow();
      focusWindow(mainWindow);
    },
    quit: () => app.quit(),
  });
  app.on('will-quit', () => tray?.destroy());
  app.on('activate', () => {
    if (!mainWindow) mainWindow = createWindow();
  });
  // Catch up at once after sleep or when the screen unlocks (the network may have changed meanwhile).
  powerMonitor.on('resume', () => void services?.sync.now());
  powerMonitor.on('unlock-screen', () => void services?.sync.now());
  void checkForUpdates(app.isPackaged, log);
}
