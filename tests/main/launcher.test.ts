import { spawn, execFileSync, type ChildProcessByStdio } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SERVER_PORT, serverPortRequest } from '../../main/launcher/server-port';
import { makeTempDirs } from './temp-dir';

const ROOT = resolve(import.meta.dirname, '../..');
// Node, TypeScript and a PGlite demo store on disk: a slow start on a busy machine.
const SPAWN_TEST_TIMEOUT = 180_000;
const dirs = makeTempDirs();
let launcher: ChildProcessByStdio<null, Readable, Readable> | null = null;

afterEach(() => {
  if (launcher && launcher.exitCode === null && launcher.pid) {
    // The launcher stops its own children (the server's process group) on SIGTERM.
    launcher.kill('SIGTERM');
  }
  launcher = null;
  dirs.cleanup();
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

describe('npm start: the server port', () => {
  it('takes --server-port, else PORT, else 4310', () => {
    expect(serverPortRequest([], {})).toEqual({ port: DEFAULT_SERVER_PORT, explicit: false });
    expect(serverPortRequest([], { PORT: '4411' })).toEqual({ port: 4411, explicit: true });
    expect(serverPortRequest(['--server-port', '4500'], { PORT: '4411' })).toEqual({ port: 4500, explicit: true });
    expect(serverPortRequest(['--server-port=4501'], {})).toEqual({ port: 4501, explicit: true });
    expect(serverPortRequest([], { PORT: '' })).toEqual({ port: DEFAULT_SERVER_PORT, explicit: false });
    expect(() => serverPortRequest([], { PORT: 'http' })).toThrow(/PORT must be a port number/);
    expect(() => serverPortRequest(['--server-port', '70000'], {})).toThrow(/PORT must be a port number/);
  });
});

describe('npm start', () => {
  it(
    'starts the server on PORT, and keeps the cockpit up (offline) when the server stops',
    async () => {
      const port = await freePort();
      const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), VERITY_DATA_DIR: dirs.make('verity-server-'), LOG_LEVEL: 'warn' };
      delete env.DATABASE_URL;
      const child = spawn(process.execPath, ['--import', 'tsx', 'main/launcher/start.ts', '--web', '--no-build', '--data-dir', dirs.make()], {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      launcher = child;
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
      const waitFor = async (pattern: RegExp, text: () => string): Promise<RegExpExecArray> => {
        for (;;) {
          const match = pattern.exec(text());
          if (match) return match;
          if (child.exitCode !== null) throw new Error(`the launcher exited (${child.exitCode}):\n${stdout}\n${stderr}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      };

      const serverLine = await waitFor(/Verity team server: (http:\/\/\S+)/, () => stdout);
      expect(new URL(serverLine[1] ?? '').port).toBe(String(port));
      const webUrl = (await waitFor(/Verity web shell: (http:\/\/\S+)/, () => stdout))[1] ?? '';
      expect((await fetch(webUrl, { redirect: 'manual' })).status).toBe(302);

      // Stop the team server (its process group), as a user closing it would.
      const children = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(child.pid)], { encoding: 'utf8' }).split('\n');
      const serverPid = Number(children.find((line) => line.includes('server/cli.ts'))?.trim().split(/\s+/)[0]);
      expect(serverPid).toBeGreaterThan(0);
      process.kill(-serverPid, 'SIGTERM');
      await waitFor(/The team server stopped .*keeps working offline/, () => stderr);

      // The cockpit is still there, and says what is true: it cannot reach the server.
      expect(child.exitCode).toBeNull();
      expect((await fetch(webUrl, { redirect: 'manual' })).status).toBe(302);
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();

      child.kill('SIGINT');
      expect(await exited).toBe(0);
    },
    SPAWN_TEST_TIMEOUT,
  );
});
