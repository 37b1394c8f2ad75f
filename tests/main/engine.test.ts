import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IpcEvent, SessionState, Settings } from '../../shared/ipc/contract';
import { connectEngine, type EngineClient } from '../../main/engine/engine-client';
import { runEngine } from '../../main/engine/engine-endpoint';
import { nodeStylePort } from '../../main/engine/engine-port';
import type { EngineInit } from '../../main/engine/engine-protocol';
import { startInProcessEngine } from '../../main/engine/in-process';
import { TOKEN_FILE } from '../../main/services/app-services';
import { silentLogger } from '../../main/services/logger';
import { REP, REP_PASSWORD, startFakeTeamServer, type FakeTeamServer } from './fake-team-server';
import { makeTempDirs } from './temp-dir';

const dirs = makeTempDirs();
let server: FakeTeamServer;
const open: { close(): Promise<void> }[] = [];

beforeEach(async () => {
  server = await startFakeTeamServer();
});
afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
  await server.close();
  dirs.cleanup();
});

const init = (dataDir: string): EngineInit => ({
  dataDir,
  osLocale: 'en-US',
  transport: 'electron',
  version: '0.1.0-test',
  serverUrl: 'http://127.0.0.1:4310',
  tokenCodec: 'host',
});

/** The engine entry on one end of a real MessageChannel, and the host's client on the other. */
function overChannel(dataDir: string, codec?: { encode(t: string): string; decode(s: string): string }) {
  const { port1, port2 } = new MessageChannel();
  const running = runEngine(nodeStylePort(port1), init(dataDir), silentLogger, { syncPollMs: 3_600_000 });
  const client = connectEngine(nodeStylePort(port2), { codec, log: silentLogger });
  const handle = {
    client,
    raw: port2,
    running,
    close: async () => {
      await client.close();
      await running;
      port1.close();
    },
  };
  open.push(handle);
  return handle;
}

function recorded(client: EngineClient): [IpcEvent, unknown][] {
  const events: [IpcEvent, unknown][] = [];
  client.subscribe((event, payload) => events.push([event, payload]));
  return events;
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

describe('the engine entry over a port', () => {
  it('answers contract calls, pushes events and settings, and routes the token codec to the host', async () => {
    const dataDir = dirs.make();
    const codec = { encode: (t: string) => `sealed(${t})`, decode: (s: string) => s.replace(/^sealed\((.*)\)$/, '$1') };
    const { client } = overChannel(dataDir, codec);
    const events = recorded(client);
    const settings: Settings[] = [];
    client.onSettings((s) => settings.push(s));
    await client.ready;
    expect(settings).toHaveLength(1);

    expect(await client.dispatch('app.info', {})).toEqual({
      ok: true,
      value: { version: '0.1.0-test', transport: 'electron', dataDir, osLocale: 'en-US' },
    });
    // The engine's dispatcher still validates what crosses the port.
    expect(await client.dispatch('leads.list', { scope: 'everything' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await client.dispatch('no.such.call', {})).toMatchObject({ ok: false, error: { code: 'bad_request' } });

    const signedIn = await client.dispatch('session.signIn', { serverUrl: server.url, email: REP.email, password: REP_PASSWORD });
    expect(signedIn).toMatchObject({ ok: true, value: { status: 'signed_in', user: { id: REP.id } } });
    await until(() => events.some(([e, p]) => e === 'session.changed' && (p as SessionState).status === 'signed_in'));
    // Encrypted by the host's codec, on the engine's side of the port.
    expect(readFileSync(join(dataDir, TOKEN_FILE), 'utf8')).toMatch(/^sealed\(tok-/);

    expect(await client.dispatch('settings.update', { theme: 'dark' })).toMatchObject({ ok: true, value: { theme: 'dark' } });
    await until(() => settings.at(-1)?.theme === 'dark');
  });

  it('reads the encrypted token back through the host after a restart', async () => {
    const dataDir = dirs.make();
    const codec = { encode: (t: string) => `sealed(${t})`, decode: (s: string) => s.replace(/^sealed\((.*)\)$/, '$1') };
    const first = overChannel(dataDir, codec);
    await first.client.ready;
    await first.client.dispatch('session.signIn', { serverUrl: server.url, email: REP.email, password: REP_PASSWORD });
    await first.close();

    const second = overChannel(dataDir, codec);
    await second.client.ready;
    expect(await second.client.dispatch('session.get', {})).toMatchObject({ ok: true, value: { status: 'signed_in' } });
    // A host that cannot decrypt (another keychain) means signing in again, not a crash.
    await second.close();
    const third = overChannel(dataDir, { encode: codec.encode, decode: () => { throw new Error('keychain locked'); } });
    await third.client.ready;
    expect(await third.client.dispatch('session.get', {})).toMatchObject({ ok: true, value: { status: 'signed_out' } });
  });

  it('answers a malformed call instead of leaving it waiting, and ignores other noise', async () => {
    const { client, raw } = overChannel(dirs.make());
    await client.ready;
    const answers: unknown[] = [];
    raw.on('message', (m: unknown) => answers.push(m));
    raw.postMessage({ t: 'call', id: 77, call: 'x'.repeat(500), request: {} });
    raw.postMessage({ t: 'nonsense' });
    await until(() => answers.some((m) => (m as { id?: number }).id === 77));
    expect(answers.find((m) => (m as { id?: number }).id === 77)).toMatchObject({ t: 'result', id: 77, result: { ok: false, error: { code: 'bad_request' } } });
    expect(await client.dispatch('app.info', {})).toMatchObject({ ok: true });
  });

  it('closes the store when asked, and fails later calls instead of hanging', async () => {
    const handle = overChannel(dirs.make());
    await handle.client.ready;
    await handle.client.close();
    await handle.running;
    expect(await handle.client.dispatch('app.info', {})).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('reports an engine that cannot open its store', async () => {
    const file = join(dirs.make(), 'not-a-folder');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, 'x');
    const { client } = overChannel(file);
    await expect(client.ready).rejects.toThrow();
    expect(await client.dispatch('app.info', {})).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });
});

describe('the in-process engine (web host)', () => {
  it('serves the same calls and events, keeping the token as is', async () => {
    const dataDir = dirs.make();
    const engine = await startInProcessEngine({ dataDir, osLocale: 'zh-CN', version: 'test' }, silentLogger, { syncPollMs: 3_600_000 });
    open.push(engine);
    const events = recorded(engine);
    expect(await engine.dispatch('app.info', {})).toMatchObject({ ok: true, value: { transport: 'web', osLocale: 'zh-CN' } });
    await engine.dispatch('session.signIn', { serverUrl: server.url, email: REP.email, password: REP_PASSWORD });
    await until(() => events.some(([e]) => e === 'session.changed'));
    expect(readFileSync(join(dataDir, TOKEN_FILE), 'utf8')).toMatch(/^tok-/);
  });
});
