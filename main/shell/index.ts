import { app, BrowserWindow, dialog, nativeTheme, powerMonitor, session as electronSession, type Tray } from 'electron';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Settings } from '../../shared/ipc/contract';
import type { EngineClient } from '../engine/engine-client';
import type { AppEventListener } from '../services/app-events';
import { resolveDataDir } from '../services/data-dir';
import { consoleLogger as log } from '../services/logger';
import { checkForUpdates } from './auto-update';
import { startEngineProcess } from './engine-process';
import { forwardEvents, mainFrameOf, registerIpcBridge } from './ipc-bridge';
import { resolveNativeBinding } from './native-binding';
import { installNavigationGuards } from './navigation-guard';
import { safeStorageCodec } from './safe-token-codec';
import { claimSingleInstance, focusWindow } from './single-instance';
import { loadWindowState, MIN_SIZE, trackWindowState, windowStateFile } from './window-state';
import { createTray } from './tray';

/**
 * The Electron shell: the only code that touches Electron. It keeps windows,
 * tray and login item here, runs the cockpit's engine (the same one the web
 * host runs) in a utility process, and carries the IPC contract between them.
 */

const here = fileURLToPath(new URL('.', import.meta.url));
// electron-vite serves the renderer from a dev server in `electron-vite dev`.
const appUrl = process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(join(here, '../renderer/index.html')).toString();
const preloadFile = join(here, '../preload/index.cjs');
const engineFile = join(here, 'engine.js');
// An engine that keeps dying (a damaged store, a bad native build) is reported instead of restarted forever.
const MAX_ENGINE_RESTARTS = 3;

let mainWindow: BrowserWindow | null = null;
// Held here: a Tray only referenced locally is garbage-collected and vanishes.
let tray: Tray | null = null;
let engine: EngineClient | null = null;
let engineRestarts = 0;
const eventListeners = new Set<AppEventListener>();
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
    if (quitting || !engine) return;
    // Close the store cleanly (WAL checkpoint) before Electron exits.
    event.preventDefault();
    quitting = true;
    void engine.close().finally(() => app.quit());
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
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
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

/** Forks the engine; restarts it (and reloads the window) if it dies while the app runs. */
async function startEngine(): Promise<EngineClient> {
  const next = startEngineProcess({
    entryFile: engineFile,
    init: {
      dataDir,
      nativeBinding: resolveNativeBinding(app.getAppPath()),
      osLocale: app.getPreferredSystemLanguages()[0] ?? app.getLocale(),
      transport: 'electron',
      version: app.getVersion(),
      serverUrl: process.env.VERITY_SERVER_URL,
      tokenCodec: 'host',
    },
    codec: safeStorageCodec((message) => log.warn(message)),
    log,
    onUnexpectedExit: () => {
      if (quitting) return;
      if (engineRestarts++ >= MAX_ENGINE_RESTARTS) {
        fail(new Error('The cockpit engine keeps stopping; see the log for why.'));
        return;
      }
      startEngine().then(() => mainWindow?.webContents.reload(), fail);
    },
  });
  next.subscribe((event, payload) => {
    for (const listener of [...eventListeners]) listener(event, payload);
  });
  next.onSettings((settings) => applyAppearance(settings));
  engine = next;
  await next.ready;
  return next;
}

async function start(): Promise<void> {
  // The renderer needs no camera, microphone, notifications prompt or the like.
  electronSession.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));

  await startEngine();
  // Through whichever engine runs now (a restarted one included).
  registerIpcBridge(
    (call, request) => engine?.dispatch(call, request) ?? Promise.resolve({ ok: false, error: { code: 'unavailable', message: 'The cockpit engine is starting' } }),
    mainFrameOf(() => mainWindow, appUrl),
  );
  forwardEvents(
    {
      subscribe: (listener) => {
        eventListeners.add(listener);
        return () => eventListeners.delete(listener);
      },
    },
    () => mainWindow,
  );

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
  powerMonitor.on('resume', () => void engine?.dispatch('sync.now', {}));
  powerMonitor.on('unlock-screen', () => void engine?.dispatch('sync.now', {}));
  void checkForUpdates(app.isPackaged, log);
}
