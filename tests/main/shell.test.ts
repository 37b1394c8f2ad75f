import { EventEmitter } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserWindow, WebContents } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ELECTRON_EVENT_CHANNEL, ELECTRON_INVOKE_CHANNEL } from '../../shared/ipc/contract';
import { AppEvents } from '../../main/services/app-events';
import { silentLogger } from '../../main/services/logger';
import { REP, REP_PASSWORD, startFakeTeamServer, type FakeTeamServer } from './fake-team-server';
import { makeTempDirs } from './temp-dir';

/** A minimal fake of the parts of `electron` the shell modules use. */
const fake = await vi.hoisted(async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  type Rect = { x: number; y: number; width: number; height: number };
  const state = {
    displays: [] as { workArea: Rect }[],
    primary: { x: 0, y: 0, width: 1920, height: 1040 } as Rect,
    handlers: new Map<string, (...args: unknown[]) => unknown>(),
    lock: true,
    encryption: true,
    children: [] as FakeUtilityProcess[],
  };
  const appEmitter = new Emitter();

  /** MessagePortMain: queues until started, delivers `{ data, ports }` events asynchronously, copies like structured clone. */
  class FakePortMain extends Emitter {
    other: FakePortMain | null = null;
    started = false;
    closed = false;
    readonly queue: unknown[] = [];
    postMessage(message: unknown): void {
      const target = this.other;
      const copy = structuredClone(message);
      setImmediate(() => target?.deliver(copy));
    }
    deliver(data: unknown): void {
      if (this.closed) return;
      if (!this.started) this.queue.push(data);
      else this.emit('message', { data, ports: [] });
    }
    start(): void {
      this.started = true;
      for (const data of this.queue.splice(0)) this.emit('message', { data, ports: [] });
    }
    close(): void {
      this.closed = true;
    }
  }
  /** A forked utility process: what it is sent arrives on `parent`, as on `process.parentPort` inside it. */
  class FakeUtilityProcess extends Emitter {
    pid: number | undefined = 4242;
    readonly parent = new Emitter();
    readonly posted: { message: unknown; ports: FakePortMain[] }[] = [];
    constructor(readonly modulePath: string, readonly options: unknown) {
      super();
    }
    postMessage(message: unknown, ports: FakePortMain[] = []): void {
      this.posted.push({ message, ports });
      const copy = structuredClone(message);
      setImmediate(() => this.parent.emit('message', { data: copy, ports }));
    }
    kill(): boolean {
      const pid = this.pid;
      this.pid = undefined;
      if (pid !== undefined) setImmediate(() => this.emit('exit', 0));
      return true;
    }
  }
  return {
    state,
    app: Object.assign(appEmitter, {
      requestSingleInstanceLock: vi.fn(() => state.lock),
      quit: vi.fn(),
    }),
    screen: {
      getAllDisplays: () => state.displays,
      getPrimaryDisplay: () => ({ workArea: state.primary }),
    },
    ipcMain: {
      handle: vi.fn((channel: string, fn: (...args: unknown[]) => unknown) => state.handlers.set(channel, fn)),
      removeHandler: vi.fn((channel: string) => state.handlers.delete(channel)),
    },
    shell: { openExternal: vi.fn(async () => {}) },
    safeStorage: {
      isEncryptionAvailable: () => state.encryption,
      encryptString: (s: string) => Buffer.from(`enc(${s})`),
      decryptString: (b: Buffer) => b.toString().replace(/^enc\((.*)\)$/, '$1'),
    },
    utilityProcess: {
      fork: vi.fn((modulePath: string, _args: string[], options: unknown) => {
        const child = new FakeUtilityProcess(modulePath, options);
        state.children.push(child);
        return child;
      }),
    },
    MessageChannelMain: class {
      readonly port1 = new FakePortMain();
      readonly port2 = new FakePortMain();
      constructor() {
        this.port1.other = this.port2;
        this.port2.other = this.port1;
      }
    },
  };
});

vi.mock('electron', () => ({
  app: fake.app,
  screen: fake.screen,
  ipcMain: fake.ipcMain,
  shell: fake.shell,
  safeStorage: fake.safeStorage,
  utilityProcess: fake.utilityProcess,
  MessageChannelMain: fake.MessageChannelMain,
}));

const { clampToDisplays, loadWindowState, saveWindowState, trackWindowState, windowStateFile } = await import('../../main/shell/window-state');
const { claimSingleInstance, focusWindow } = await import('../../main/shell/single-instance');
const { forwardEvents, mainFrameOf, registerIpcBridge } = await import('../../main/shell/ipc-bridge');
const { installNavigationGuards, isAppUrl } = await import('../../main/shell/navigation-guard');
const { safeStorageCodec } = await import('../../main/shell/safe-token-codec');
const { resolveNativeBinding, NATIVE_BINDING_ENV } = await import('../../main/shell/native-binding');
const { startEngineProcess } = await import('../../main/shell/engine-process');
const { serveParentPort } = await import('../../main/engine/parent-port');

type Rect = { x: number; y: number; width: number; height: number };
const dirs = makeTempDirs();
const PRIMARY: Rect = { x: 0, y: 0, width: 1920, height: 1040 };
const RIGHT: Rect = { x: 1920, y: 0, width: 2560, height: 1400 };
const APP_URL = 'file:///opt/verity/out/renderer/index.html';

/** A fake BrowserWindow with just enough behaviour for the shell modules. */
class FakeWindow extends EventEmitter {
  bounds: Rect = { x: 100, y: 80, width: 1280, height: 800 };
  maximized = false;
  minimized = false;
  visible = true;
  destroyed = false;
  focus = vi.fn();
  show = vi.fn(() => {
    this.visible = true;
  });
  restore = vi.fn(() => {
    this.minimized = false;
  });
  sent: unknown[][] = [];
  webContents = {
    mainFrame: { processId: 4, routingId: 1, url: APP_URL },
    isDestroyed: () => false,
    send: (...args: unknown[]) => this.sent.push(args),
  };
  getNormalBounds = () => this.bounds;
  isMaximized = () => this.maximized;
  isMinimized = () => this.minimized;
  isVisible = () => this.visible;
  isDestroyed = () => this.destroyed;
}
// The modules take BrowserWindow; the fake has every member they touch.
const asWindow = (w: FakeWindow) => w as unknown as BrowserWindow;

beforeEach(() => {
  fake.state.displays = [{ workArea: PRIMARY }, { workArea: RIGHT }];
  fake.state.primary = PRIMARY;
  fake.state.handlers.clear();
  fake.state.lock = true;
  fake.state.encryption = true;
  fake.state.children = [];
  fake.app.removeAllListeners();
  vi.clearAllMocks();
});
afterEach(() => dirs.cleanup());

describe('window state', () => {
  it('saves size, position and maximized, and restores them', () => {
    const file = windowStateFile(dirs.make());
    const win = new FakeWindow();
    win.bounds = { x: 2100, y: 120, width: 1500, height: 900 };
    win.maximized = true;
    saveWindowState(file, asWindow(win));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ x: 2100, y: 120, width: 1500, height: 900, maximized: true });
    expect(loadWindowState(file)).toEqual({ x: 2100, y: 120, width: 1500, height: 900, maximized: true });
  });

  it('centres a default window when nothing (or garbage) was saved', () => {
    const dir = dirs.make();
    expect(loadWindowState(windowStateFile(dir))).toEqual({ x: 320, y: 120, width: 1280, height: 800, maximized: false });
    writeFileSync(windowStateFile(dir), '{"width": "wide"}');
    expect(loadWindowState(windowStateFile(dir))).toMatchObject({ width: 1280, height: 800 });
  });

  it('moves a window saved on an unplugged display back onto the primary one', () => {
    const file = windowStateFile(dirs.make());
    writeFileSync(file, JSON.stringify({ x: 2500, y: 300, width: 1400, height: 900, maximized: false }));
    fake.state.displays = [{ workArea: PRIMARY }]; // the right-hand monitor is gone
    expect(loadWindowState(file)).toEqual({ x: 260, y: 70, width: 1400, height: 900, maximized: false });
  });

  it('shrinks a window larger than its display and keeps the title bar on screen', () => {
    expect(clampToDisplays({ x: 10, y: -300, width: 4000, height: 3000, maximized: false }, [PRIMARY], PRIMARY)).toEqual({
      x: 10,
      y: 0,
      width: 1920,
      height: 1040,
      maximized: false,
    });
  });

  it('saves when the window closes', () => {
    const file = windowStateFile(dirs.make());
    const win = new FakeWindow();
    trackWindowState(asWindow(win), file, () => {});
    win.bounds = { x: 50, y: 60, width: 1000, height: 700 };
    win.emit('close');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ x: 50, y: 60, width: 1000, height: 700 });
  });
});

describe('single instance', () => {
  it('the second launch quits and does not start', () => {
    fake.state.lock = false;
    expect(claimSingleInstance(() => null)).toBe(false);
    expect(fake.app.quit).toHaveBeenCalledOnce();
  });

  it('the first instance brings its window to the front when launched again', () => {
    const win = new FakeWindow();
    win.minimized = true;
    win.visible = false;
    expect(claimSingleInstance(() => asWindow(win))).toBe(true);
    expect(fake.app.quit).not.toHaveBeenCalled();
    fake.app.emit('second-instance', {}, ['verity'], '/');
    expect(win.restore).toHaveBeenCalled();
    expect(win.show).toHaveBeenCalled();
    expect(win.focus).toHaveBeenCalled();
  });

  it('focusWindow leaves a destroyed window alone', () => {
    const win = new FakeWindow();
    win.destroyed = true;
    focusWindow(asWindow(win));
    expect(win.focus).not.toHaveBeenCalled();
  });
});

describe('IPC bridge', () => {
  const call = (frame: unknown, ...args: unknown[]) => {
    const handler = fake.state.handlers.get(ELECTRON_INVOKE_CHANNEL);
    if (!handler) throw new Error('no handler registered');
    return handler({ senderFrame: frame }, ...args);
  };

  it('passes a call from the main frame through to the dispatcher', async () => {
    const win = new FakeWindow();
    const dispatch = vi.fn(async () => ({ ok: true as const, value: { theme: 'dark' } }));
    registerIpcBridge(dispatch, mainFrameOf(() => asWindow(win), APP_URL));
    const result = await call({ processId: 4, routingId: 1, url: `${APP_URL}#/agenda` }, 'settings.get', {});
    expect(result).toEqual({ ok: true, value: { theme: 'dark' } });
    expect(dispatch).toHaveBeenCalledWith('settings.get', {});
  });

  it('refuses a foreign sender without calling the dispatcher', async () => {
    const win = new FakeWindow();
    const dispatch = vi.fn(async () => ({ ok: true as const, value: null }));
    registerIpcBridge(dispatch, mainFrameOf(() => asWindow(win), APP_URL));
    const foreign = [
      { processId: 4, routingId: 9, url: APP_URL }, // an iframe in our page
      { processId: 4, routingId: 1, url: 'https://evil.example/' }, // our frame, navigated away
      { processId: 7, routingId: 1, url: APP_URL }, // another renderer process
      null, // frame already gone
    ];
    for (const frame of foreign) {
      expect(await call(frame, 'settings.get', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('pushes app events to the window on the event channel', () => {
    const win = new FakeWindow();
    const events = new AppEvents(silentLogger);
    forwardEvents(events, () => asWindow(win));
    const status = { state: 'online' as const, pendingWrites: 0, needsAttention: 0, lastSyncedAt: null, message: null, bootstrap: null };
    events.emit('sync.status', status);
    expect(win.sent).toEqual([[ELECTRON_EVENT_CHANNEL, { event: 'sync.status', payload: status }]]);
  });
});

describe('navigation guard', () => {
  class FakeContents extends EventEmitter {
    openHandler: ((d: { url: string }) => { action: string }) | null = null;
    setWindowOpenHandler(fn: (d: { url: string }) => { action: string }) {
      this.openHandler = fn;
    }
  }
  const navigate = (contents: FakeContents, url: string, kind = 'will-navigate') => {
    const event = { preventDefault: vi.fn() };
    contents.emit(kind, event, url);
    return event.preventDefault.mock.calls.length > 0;
  };

  it('recognises only the app page as the app', () => {
    expect(isAppUrl(`${APP_URL}#/leads`, APP_URL)).toBe(true);
    expect(isAppUrl('file:///etc/passwd', APP_URL)).toBe(false);
    expect(isAppUrl('http://localhost:5173/leads', 'http://localhost:5173/')).toBe(true);
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
    expect(isAppUrl('not a url', APP_URL)).toBe(false);
  });

  it('blocks navigation away from the app and keeps in-app navigation', () => {
    const contents = new FakeContents();
    installNavigationGuards(contents as unknown as WebContents, APP_URL);
    expect(navigate(contents, 'https://evil.example/phish')).toBe(true);
    expect(navigate(contents, 'file:///home/me/.ssh/id_rsa')).toBe(true);
    expect(navigate(contents, 'https://evil.example/', 'will-redirect')).toBe(true);
    expect(navigate(contents, `${APP_URL}#/pipeline`)).toBe(false);
  });

  it('denies every new window, opening only web links in the browser', () => {
    const contents = new FakeContents();
    installNavigationGuards(contents as unknown as WebContents, APP_URL);
    expect(contents.openHandler?.({ url: 'https://example.com/docs' })).toEqual({ action: 'deny' });
    expect(fake.shell.openExternal).toHaveBeenCalledWith('https://example.com/docs');
    expect(contents.openHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(contents.openHandler?.({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(fake.shell.openExternal).toHaveBeenCalledOnce();
    const webview = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', webview);
    expect(webview.preventDefault).toHaveBeenCalled();
  });
});

describe('token codec and native binding', () => {
  it('encrypts the token with safeStorage, and reads both encrypted and plain files', () => {
    const codec = safeStorageCodec(() => {});
    const stored = codec.encode('secret-token');
    expect(stored).not.toContain('secret-token');
    expect(codec.decode(stored)).toBe('secret-token');
    fake.state.encryption = false;
    const warn = vi.fn();
    expect(safeStorageCodec(warn).encode('secret-token')).toBe('secret-token');
    expect(warn).toHaveBeenCalled();
    expect(codec.decode('secret-token')).toBe('secret-token');
  });

  it('finds the Electron build of better-sqlite3 from env or .native/electron', () => {
    const root = dirs.make();
    expect(resolveNativeBinding(root, {})).toBeUndefined();
    mkdirSync(join(root, '.native', 'electron'), { recursive: true });
    writeFileSync(join(root, '.native', 'electron', 'better_sqlite3.node'), '');
    expect(resolveNativeBinding(root, {})).toBe(join(root, '.native', 'electron', 'better_sqlite3.node'));
    expect(() => resolveNativeBinding(root, { [NATIVE_BINDING_ENV]: join(root, 'missing.node') })).toThrow(/does not exist/);
  });
});

describe('engine in a utility process', () => {
  let server: FakeTeamServer;
  beforeEach(async () => {
    server = await startFakeTeamServer();
  });
  afterEach(async () => {
    await server.close();
  });

  const ENTRY = '/opt/verity/out/main/engine.js';
  const init = (dataDir: string) => ({
    dataDir,
    osLocale: 'zh-CN',
    transport: 'electron' as const,
    version: '0.1.0-test',
    tokenCodec: 'host' as const,
  });

  it('forks the engine, bridges calls and events over its MessagePort, and encrypts the token in main', async () => {
    const dataDir = dirs.make();
    const onUnexpectedExit = vi.fn();
    const engine = startEngineProcess({ entryFile: ENTRY, init: init(dataDir), codec: safeStorageCodec(() => {}), log: silentLogger, onUnexpectedExit });
    expect(fake.utilityProcess.fork).toHaveBeenCalledWith(ENTRY, [], expect.objectContaining({ serviceName: 'Verity engine' }));
    const child = fake.state.children[0];
    if (!child) throw new Error('nothing was forked');
    expect(child.posted).toHaveLength(1);
    expect(child.posted[0]?.message).toEqual({ t: 'start', init: init(dataDir) });
    expect(child.posted[0]?.ports).toHaveLength(1);

    // Inside the utility process: the real engine entry, on the port it was handed.
    const engineDone = serveParentPort(child.parent as unknown as Parameters<typeof serveParentPort>[0], silentLogger, { syncPollMs: 3_600_000 });
    await engine.ready;

    const win = new FakeWindow();
    registerIpcBridge(engine.dispatch, mainFrameOf(() => asWindow(win), APP_URL));
    forwardEvents(engine, () => asWindow(win));
    const frame = { processId: 4, routingId: 1, url: APP_URL };
    const invoke = (...args: unknown[]) => fake.state.handlers.get(ELECTRON_INVOKE_CHANNEL)?.({ senderFrame: frame }, ...args);

    expect(await invoke('app.info', {})).toMatchObject({ ok: true, value: { transport: 'electron', dataDir } });
    expect(await invoke('session.signIn', { serverUrl: server.url, email: REP.email, password: REP_PASSWORD })).toMatchObject({
      ok: true,
      value: { status: 'signed_in', user: { id: REP.id } },
    });
    for (let i = 0; i < 200 && !win.sent.some(([, m]) => (m as { event: string }).event === 'session.changed'); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(win.sent).toContainEqual([ELECTRON_EVENT_CHANNEL, expect.objectContaining({ event: 'session.changed' })]);
    // safeStorage ran here, in main; the engine wrote what it was given.
    const stored = readFileSync(join(dataDir, 'session.token'), 'utf8');
    expect(stored).toMatch(/^safe:v1:/);
    expect(Buffer.from(stored.slice('safe:v1:'.length), 'base64').toString()).toMatch(/^enc\(tok-/);

    await engine.close();
    await engineDone;
    expect(onUnexpectedExit).not.toHaveBeenCalled();
  });

  it('fails waiting calls and reports it when the engine process dies', async () => {
    const onUnexpectedExit = vi.fn();
    const engine = startEngineProcess({ entryFile: ENTRY, init: init(dirs.make()), codec: safeStorageCodec(() => {}), log: silentLogger, onUnexpectedExit });
    const child = fake.state.children[0];
    if (!child) throw new Error('nothing was forked');
    const waiting = engine.dispatch('app.info', {});
    child.emit('exit', 9);
    expect(await waiting).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(await engine.dispatch('app.info', {})).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    await expect(engine.ready).rejects.toThrow(/exit 9/);
    expect(onUnexpectedExit).toHaveBeenCalledWith(9);
  });
});
