import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { WEB_SOCKET_PATH } from '../../shared/ipc/wire';
import { startInProcessEngine } from '../engine/in-process';
import { consoleLogger, type Logger } from '../services/logger';
import { allowedHosts, hostAllowed } from './host-header';
import { checkRequestToken, newWebToken, tokenCookie, withoutToken } from './web-token';
import { send, serveSocket } from './socket-session';

export interface WebHostOptions {
  dataDir: string;
  port?: number;
  host?: string;
  rendererDir?: string;
  serverUrl?: string;
  osLocale?: string;
}

export interface WebHost {
  url: string;
  token: string;
  close(): Promise<void>;
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEFAULT_RENDERER_DIR = join(REPO_ROOT, 'renderer', 'dist');
export const WEB_BRIDGE_TAG = '<script type="module" src="/web-bridge.js"></script>';
const MAX_SOCKET_MESSAGE_BYTES = 1024 * 1024;

// The renderer talks only to this host; Mantine injects styles at run time.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

function appVersion(): string {
  try {
    const pkg: unknown = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
    if (typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string') return pkg.version;
  } catch {
    // fall through: the version is informative only
  }
  return '0.0.0';
}

/** Puts the web bridge into <head> so window.verity exists before the app's own script runs. */
export function injectWebBridge(html: string): string {
  const head = /<head(\s[^>]*)?>/i.exec(html);
  if (!head) return `${WEB_BRIDGE_TAG}\n${html}`;
  const at = head.index + head[0].length;
  return `${html.slice(0, at)}\n    ${WEB_BRIDGE_TAG}${html.slice(at)}`;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Runs the cockpit's services in plain Node and serves the built renderer to a
 * browser on loopback, with the IPC contract over a WebSocket. Every request
 * and the socket must carry the per-run token (query once, then the cookie).
 */
export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const log: Logger = consoleLogger;
  const host = opts.host ?? '127.0.0.1';
  const rendererDir = resolve(opts.rendererDir ?? DEFAULT_RENDERER_DIR);
  const token = newWebToken();

  // The same engine entry the Electron shell runs in its utility process (main/engine), here in-process.
  const services = await startInProcessEngine(
    { dataDir: opts.dataDir, osLocale: opts.osLocale ?? Intl.DateTimeFormat().resolvedOptions().locale, version: appVersion(), serverUrl: opts.serverUrl },
    log,
  );
  const dispatch = services.dispatch;

  const app = Fastify({ logger: false, bodyLimit: 16 * 1024, forceCloseConnections: true });
  // Known once listening (the port may be picked then); nothing is served before.
  let hosts: ReadonlySet<string> = new Set();

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!hostAllowed(hosts, req.headers.host)) {
      return reply.code(421).header('cache-control', 'no-store').type('text/plain').send('Misdirected request: unknown Host');
    }
    const check = checkRequestToken(token, req.raw);
    if (check === 'cookie') return;
    if (check === 'query') {
      // Trade the URL token for a cookie, and drop it from the address bar and history.
      return reply.code(302).header('set-cookie', tokenCookie(token)).header('location', withoutToken(req.url)).send();
    }
    return reply.code(401).header('cache-control', 'no-store').type('text/plain').send('Unauthorized');
  });

  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('content-security-policy', CSP);
    return payload;
  });

  const sendIndex = async (reply: FastifyReply): Promise<FastifyReply> => {
    const indexFile = join(rendererDir, 'index.html');
    if (!existsSync(indexFile)) {
      return reply
        .code(503)
        .type('text/plain')
        .send(`The renderer is not built (no ${indexFile}). Run: npm run build:renderer`);
    }
    const html = injectWebBridge(await readFile(indexFile, 'utf8'));
    return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
  };

  app.get('/', (_req, reply) => sendIndex(reply));
  app.get('/index.html', (_req, reply) => sendIndex(reply));
  if (isDirectory(rendererDir)) {
    await app.register(fastifyStatic, { root: rendererDir, index: false, wildcard: true, serveDotFiles: false });
  }
  // Client-side routes (e.g. /leads) get the app; missing assets stay 404.
  app.setNotFoundHandler((req, reply) => {
    const wantsPage = req.method === 'GET' && !/\.[a-z0-9]+$/i.test(req.url.split('?')[0] ?? '');
    if (wantsPage && (req.headers.accept ?? '').includes('text/html')) return sendIndex(reply);
    return reply.code(404).type('text/plain').send('Not found');
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_SOCKET_MESSAGE_BYTES });
  const sockets = new Set<WebSocket>();
  wss.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveSocket(socket, dispatch, log);
  });
  const unsubscribe = services.subscribe((event, payload) => {
    for (const socket of sockets) send(socket, { t: 'event', event, payload }, log);
  });

  const refuseUpgrade = (socket: Duplex, status: string): void => {
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    if (!hostAllowed(hosts, req.headers.host)) return refuseUpgrade(socket, '421 Misdirected Request');
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== WEB_SOCKET_PATH) return refuseUpgrade(socket, '404 Not Found');
    const check = checkRequestToken(token, req);
    if (check !== 'cookie' && check !== 'query') return refuseUpgrade(socket, '401 Unauthorized');
    // Another site's page cannot carry our cookie (SameSite=Strict) but may try the socket anyway.
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${req.headers.host ?? ''}`) return refuseUpgrade(socket, '403 Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };

  try {
    await app.listen({ port: opts.port ?? 0, host });
  } catch (error) {
    unsubscribe();
    await services.close();
    throw error;
  }
  app.server.on('upgrade', onUpgrade);

  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  hosts = allowedHosts(host, port);
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}/?token=${token}`;

  let closing: Promise<void> | null = null;
  return {
    url,
    token,
    close: () => {
      closing ??= (async () => {
        unsubscribe();
        app.server.off('upgrade', onUpgrade);
        for (const socket of sockets) socket.terminate();
        await new Promise<void>((done) => wss.close(() => done()));
        await app.close();
        await services.close();
      })();
      return closing;
    },
  };
}
