import type { VerityBridge } from '../shared/ipc/contract';
import { WEB_SOCKET_PATH } from '../shared/ipc/wire';
import { createWebBridge } from './web-bridge-client';

/**
 * Entry of the browser build (emitted as /web-bridge.js and injected by the
 * web host before the app's script): provides `window.verity` over the web
 * host's WebSocket. It reads nothing from the URL; the HttpOnly cookie the
 * host set authenticates the socket.
 */
const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
const bridge: VerityBridge = createWebBridge({
  connect: (on) => {
    const ws = new WebSocket(`${scheme}://${location.host}${WEB_SOCKET_PATH}`);
    ws.onopen = () => on.open();
    ws.onmessage = (ev) => on.message(ev.data);
    // An error is always followed by close, which schedules the reconnect.
    ws.onclose = () => on.close();
    return ws;
  },
});
const { invoke, on } = bridge;

Object.defineProperty(window, 'verity', {
  value: Object.freeze({ invoke, on }),
  writable: false,
  configurable: false,
  enumerable: true,
});
