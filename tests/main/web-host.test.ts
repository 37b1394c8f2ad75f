import { mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { WireServerMessage } from '../../shared/ipc/wire';
import { WEB_SOCKET_PATH, WEB_TOKEN_COOKIE } from '../../shared/ipc/wire';
import { startWebHost, type WebHost } from '../../main/web/web-host';
import { REP, REP_PASSWORD, startFakeTeamServer, type FakeTeamServer } from './fake-team-server';
import { makeTempDirs } from './temp-dir';

const dirs = makeTempDirs();
let host: WebHost;
let team: FakeTeamServer;
let origin: string;
let cookie: string;
const sockets: WebSocket[] = [];

function fakeRenderer(): string {
  const dir = dirs.make('verity-renderer-');
  mkdirSync(join(dir, 'assets'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html>\n<html lang="en">\n  <head>\n    <meta charset="UTF-8" />\n    <script type="module" crossorigin src="/assets/app.js"></script>\n  </head>\n  <body><div id="root"></div></body>\n</html>\n',
  );
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log("app")');
  writeFileSync(join(dir, 'web-bridge.js'), 'console.log("bridge")');
  return dir;
}

beforeEach(async () => {
  team = await startFakeTeamServer();
  host = await startWebHost({ dataDir: dirs.make(), port: 0, rendererDir: fakeRenderer(), serverUrl: team.url, osLocale: 'en-US' });
  origin = new URL(host.url).origin;
  cookie = `${WEB_TOKEN_COOKIE}=${host.token}`;
});

afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await host.close();
  await team.close();
  dirs.cleanup();
});

function connect(headers: Record<string, string> = { cookie }): WebSocket {
  const ws = new WebSocket(`${origin.replace('http', 'ws')}${WEB_SOCKET_PATH}`, { headers });
  sockets.push(ws);
  return ws;
}

/** Resolves with the HTTP status that refused the upgrade, or 101 when it opened. */
function upgradeStatus(ws: WebSocket): Promise<number> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(101));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
}

/** Collects server messages and lets a test wait for the one it needs. */
function inbox(ws: WebSocket): { next(match: (m: WireServerMessage) => boolean): Promise<WireServerMessage>; all: WireServerMessage[] } {
  const all: WireServerMessage[] = [];
  const waiters: { match: (m: WireServerMessage) => boolean; resolve: (m: WireServerMessage) => void }[] = [];
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString()) as WireServerMessage;
    all.push(message);
    for (const w of [...waiters]) {
      if (w.match(message)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(message);
      }
    }
  });
  return {
    all,
    next: (match) =>
      new Promise((resolve) => {
        const seen = all.find(match);
        if (seen) resolve(seen);
        else waiters.push({ match, resolve });
      }),
  };
}

/** A GET with a raw path and Host header, which fetch would normalise or refuse to send. */
function rawGet(path: string, headers: Record<string, string>): Promise<{ status: number; location: string | undefined; body: string }> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path, headers, setHost: !('host' in headers) }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('web host', () => {
  it('returns a loopback URL carrying a 32-byte base64url token', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    expect(host.url.endsWith(host.token)).toBe(true);
  });

  it('answers 401 with no data to requests without the token', async () => {
    for (const path of ['/', '/index.html', '/assets/app.js', '/web-bridge.js', '/leads', '/nope.js']) {
      const res = await fetch(`${origin}${path}`, { redirect: 'manual' });
      expect(res.status, path).toBe(401);
      expect(await res.text()).not.toContain('app');
    }
    const wrong = await fetch(`${origin}/?token=${'A'.repeat(43)}`, { redirect: 'manual' });
    expect(wrong.status).toBe(401);
    const wrongCookie = await fetch(`${origin}/assets/app.js`, { headers: { cookie: `${WEB_TOKEN_COOKIE}=nope` } });
    expect(wrongCookie.status).toBe(401);
  });

  it('refuses the socket without the token, or from another origin', async () => {
    expect(await upgradeStatus(connect({}))).toBe(401);
    expect(await upgradeStatus(connect({ cookie: `${WEB_TOKEN_COOKIE}=wrong` }))).toBe(401);
    expect(await upgradeStatus(connect({ cookie, origin: 'http://evil.example' }))).toBe(403);
    expect(await upgradeStatus(connect({ cookie, origin }))).toBe(101);
  });

  it('trades ?token= for an HttpOnly SameSite=Strict cookie and redirects without it', async () => {
    const res = await fetch(`${origin}/leads?token=${host.token}&tab=pool`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/leads?tab=pool');
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toContain(`${WEB_TOKEN_COOKIE}=${host.token}`);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
  });

  it('keeps the token redirect on this host: a path that normalises to //other.host loses the extra slashes', async () => {
    for (const path of ['/.//evil.example/', '//evil.example/x', '/..//evil.example', '/%2e//evil.example/']) {
      const res = await rawGet(`${path}?token=${host.token}`, {});
      expect(res.status, path).toBe(302);
      const location = res.location ?? '';
      expect(location, path).toMatch(/^\/(?![/\\])/);
      expect(new URL(location, origin).origin, path).toBe(origin);
    }
  });

  it('refuses requests and sockets whose Host is not its own loopback address and port', async () => {
    const port = new URL(origin).port;
    for (const name of ['evil.example', `evil.example:${port}`, '127.0.0.1:1', `localhost.evil.example:${port}`]) {
      const res = await rawGet('/', { host: name, cookie });
      expect(res.status, name).toBe(421);
      expect(res.body, name).not.toContain('app');
      const token = await rawGet(`/?token=${host.token}`, { host: name });
      expect(token.status, name).toBe(421);
      expect(await upgradeStatus(connect({ cookie, host: name, origin: `http://${name}` })), name).toBe(421);
    }
    for (const name of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) {
      expect((await rawGet('/', { host: name, cookie })).status, name).toBe(200);
    }
    expect(await upgradeStatus(connect({ cookie, host: `localhost:${port}`, origin: `http://localhost:${port}` }))).toBe(101);
  });

  it('serves index.html with the web bridge injected before the app script, and the assets', async () => {
    const res = await fetch(`${origin}/`, { headers: { cookie } });
    expect(res.status).toBe(200);
    const html = await res.text();
    const bridgeAt = html.indexOf('<script type="module" src="/web-bridge.js"></script>');
    expect(bridgeAt).toBeGreaterThan(html.indexOf('<head>'));
    expect(bridgeAt).toBeLessThan(html.indexOf('/assets/app.js'));
    expect(await (await fetch(`${origin}/assets/app.js`, { headers: { cookie } })).text()).toContain('app');
    expect(await (await fetch(`${origin}/web-bridge.js`, { headers: { cookie } })).text()).toContain('bridge');
    // A client-side route gets the app; a missing asset does not.
    const route = await fetch(`${origin}/leads`, { headers: { cookie, accept: 'text/html' } });
    expect(await route.text()).toContain('/web-bridge.js');
    expect((await fetch(`${origin}/assets/missing.js`, { headers: { cookie } })).status).toBe(404);
  });

  it('carries a contract call over the socket and pushes events', async () => {
    const ws = connect();
    const box = inbox(ws);
    expect(await upgradeStatus(ws)).toBe(101);
    ws.send(JSON.stringify({ t: 'call', id: 1, call: 'app.info', request: {} }));
    expect(await box.next((m) => m.t === 'result' && m.id === 1)).toMatchObject({
      result: { ok: true, value: { transport: 'web', osLocale: 'en-US' } },
    });
    ws.send(JSON.stringify({ t: 'call', id: 2, call: 'session.get', request: {} }));
    expect(await box.next((m) => m.t === 'result' && m.id === 2)).toMatchObject({
      result: { ok: true, value: { status: 'signed_out', lastServerUrl: team.url } },
    });
    ws.send(JSON.stringify({ t: 'call', id: 3, call: 'session.signIn', request: { serverUrl: team.url, email: REP.email, password: REP_PASSWORD } }));
    expect(await box.next((m) => m.t === 'result' && m.id === 3)).toMatchObject({ result: { ok: true, value: { status: 'signed_in' } } });
    expect(await box.next((m) => m.t === 'event' && m.event === 'session.changed')).toMatchObject({
      payload: { status: 'signed_in', user: { id: REP.id } },
    });
  });

  it('answers a malformed message with a typed error when it has an id, drops it otherwise, and keeps serving', async () => {
    const ws = connect();
    const box = inbox(ws);
    expect(await upgradeStatus(ws)).toBe(101);
    ws.send('this is not json');
    ws.send(JSON.stringify({ hello: 'world' }));
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    ws.send(JSON.stringify({ t: 'call', id: 7, call: 42 }));
    expect(await box.next((m) => m.t === 'result' && m.id === 7)).toEqual({
      t: 'result',
      id: 7,
      result: { ok: false, error: { code: 'bad_request', message: expect.stringContaining('Malformed') } },
    });
    ws.send(JSON.stringify({ t: 'call', id: 8, call: 'no.such.call', request: {} }));
    expect(await box.next((m) => m.t === 'result' && m.id === 8)).toMatchObject({ result: { ok: false, error: { code: 'bad_request' } } });
    ws.send(JSON.stringify({ t: 'call', id: 9, call: 'settings.get' })); // no request field
    expect(await box.next((m) => m.t === 'result' && m.id === 9)).toMatchObject({ result: { ok: false, error: { code: 'bad_request' } } });
    ws.send(JSON.stringify({ t: 'call', id: 10, call: 'settings.get', request: {} }));
    expect(await box.next((m) => m.t === 'result' && m.id === 10)).toMatchObject({ result: { ok: true } });
    // Only the answers above: the id-less junk got none.
    expect(box.all.filter((m) => m.t === 'result').map((m) => (m.t === 'result' ? m.id : -1))).toEqual([7, 8, 9, 10]);
    // The host still serves pages too.
    expect((await fetch(`${origin}/`, { headers: { cookie } })).status).toBe(200);
  });
});
