import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { WEB_SOCKET_PATH, WEB_TOKEN_COOKIE } from '../../shared/ipc/wire';
import { startWebHost, type WebHost } from '../../main/web/web-host';
import { createWebBridge, type SocketHandlers, type SocketLike, type WebBridge } from '../../preload/web-bridge-client';
import { makeTempDirs } from './temp-dir';

const dirs = makeTempDirs();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  dirs.cleanup();
  vi.useRealTimers();
});

async function host(): Promise<WebHost> {
  const renderer = dirs.make();
  mkdirSync(join(renderer, 'assets'));
  writeFileSync(join(renderer, 'index.html'), '<html><head></head><body></body></html>');
  const h = await startWebHost({ dataDir: dirs.make(), rendererDir: renderer, osLocale: 'zh-CN' });
  cleanups.push(() => h.close());
  return h;
}

/** Connects the way a browser with the host's cookie would, using `ws`. */
function wsConnect(h: WebHost, opened: SocketLike[] = []): (on: SocketHandlers) => SocketLike {
  return (on) => {
    const origin = new URL(h.url).origin;
    const ws = new WebSocket(`${origin.replace('http', 'ws')}${WEB_SOCKET_PATH}`, {
      headers: { cookie: `${WEB_TOKEN_COOKIE}=${h.token}` },
    });
    ws.on('open', () => on.open());
    ws.on('message', (data) => on.message(data.toString()));
    ws.on('close', () => on.close());
    ws.on('error', () => {});
    opened.push(ws);
    return ws;
  };
}

function bridge(b: WebBridge): WebBridge {
  cleanups.push(() => b.dispose());
  return b;
}

describe('web bridge (window.verity over the web host socket)', () => {
  it('queues calls made before the socket opens and answers them', async () => {
    const h = await host();
    const b = bridge(createWebBridge({ connect: wsConnect(h) }));
    // Called synchronously, before the socket can be open.
    const [info, settings] = await Promise.all([b.invoke('app.info', {}), b.invoke('settings.get', {})]);
    expect(info).toMatchObject({ ok: true, value: { transport: 'web', osLocale: 'zh-CN' } });
    expect(settings).toEqual({ ok: true, value: { locale: null, theme: 'auto', launchAtLogin: false } });
  });

  it('refuses names outside the contract without sending them', async () => {
    const h = await host();
    const b = bridge(createWebBridge({ connect: wsConnect(h) }));
    // @ts-expect-error: not a contract call
    expect(await b.invoke('leads.delete', {})).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('reconnects after the connection drops and serves later calls', async () => {
    const h = await host();
    const opened: SocketLike[] = [];
    const b = bridge(createWebBridge({ connect: wsConnect(h, opened), backoffMs: 10 }));
    expect(await b.invoke('settings.get', {})).toMatchObject({ ok: true });
    opened[0]?.close();
    // The next call is queued until the new socket opens.
    await vi.waitFor(() => expect(opened.length).toBe(2));
    expect(await b.invoke('settings.update', { theme: 'dark' })).toMatchObject({ ok: true, value: { theme: 'dark' } });
  });

  it('fails a call already sent when its socket closes, and keeps queued ones for the next socket', async () => {
    const sockets: { on: SocketHandlers; socket: SocketLike & { readyState: number } }[] = [];
    const b = bridge(
      createWebBridge({
        backoffMs: 1,
        connect: (on) => {
          const socket = { readyState: 0, send: vi.fn(), close: vi.fn() };
          sockets.push({ on, socket });
          return socket;
        },
      }),
    );
    const first = sockets[0]!;
    first.socket.readyState = 1;
    first.on.open();
    const inFlight = b.invoke('session.get', {});
    expect(first.socket.send).toHaveBeenCalledOnce();
    first.socket.readyState = 3;
    first.on.close();
    expect(await inFlight).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    const queued = b.invoke('settings.get', {}); // no socket open right now
    await vi.waitFor(() => expect(sockets.length).toBe(2));
    const second = sockets[1]!;
    second.socket.readyState = 1;
    second.on.open();
    const sent = JSON.parse(String(vi.mocked(second.socket.send).mock.calls[0]?.[0])) as { id: number; call: string };
    expect(sent.call).toBe('settings.get');
    second.on.message(JSON.stringify({ t: 'result', id: sent.id, result: { ok: true, value: 'answered' } }));
    expect(await queued).toEqual({ ok: true, value: 'answered' });
  });

  it('times a call out as unavailable when nothing answers', async () => {
    vi.useFakeTimers();
    const silent: SocketLike = { readyState: 0, send: vi.fn(), close: vi.fn() };
    const b = bridge(createWebBridge({ connect: () => silent, callTimeoutMs: 30_000 }));
    const pending = b.invoke('session.get', {});
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await pending).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(silent.send).not.toHaveBeenCalled();
  });

  it('delivers events to subscribers of that event only, until they unsubscribe', async () => {
    let handlers: SocketHandlers | null = null;
    const socket: SocketLike = { readyState: 1, send: vi.fn(), close: vi.fn() };
    const b = bridge(createWebBridge({ connect: (on) => ((handlers = on), socket) }));
    const sync = vi.fn();
    const session = vi.fn();
    const off = b.on('sync.status', sync);
    b.on('session.changed', session);
    const status = { state: 'offline', pendingWrites: 0, needsAttention: 0, lastSyncedAt: null };
    handlers!.message(JSON.stringify({ t: 'event', event: 'sync.status', payload: status }));
    handlers!.message('garbage');
    off();
    handlers!.message(JSON.stringify({ t: 'event', event: 'sync.status', payload: status }));
    expect(sync).toHaveBeenCalledExactlyOnceWith(status);
    expect(session).not.toHaveBeenCalled();
  });
});
