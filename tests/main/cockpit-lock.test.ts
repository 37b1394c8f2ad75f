import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../platform/folder-lock';
import { makeTempDirs } from './temp-dir';

const ROOT = resolve(import.meta.dirname, '../..');
// Each web host starts Node and loads TypeScript.
const SPAWN_TEST_TIMEOUT = 120_000;

type Child = ChildProcessByStdio<null, Readable, Readable>;

interface HostRun {
  child: Child;
  /** Resolves with the host's URL once it serves, or rejects when it exits first. */
  serving: Promise<string>;
  /** The exit code, or the signal that ended it. */
  exited: Promise<{ code: number | NodeJS.Signals | null; stderr: string }>;
}

/** `npm run web` on one cockpit data folder, as a real process (no team server needed to start). */
function startWebHostProcess(dataDir: string): HostRun {
  const args = ['--import', 'tsx', 'main/web/cli.ts', '--port', '0', '--data-dir', dataDir, '--server-url', 'http://127.0.0.1:9'];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<{ code: number | NodeJS.Signals | null; stderr: string }>((done) => {
    child.on('exit', (code, signal) => done({ code: code ?? signal, stderr }));
  });
  const serving = new Promise<string>((done, fail) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const url = /Verity web shell: (\S+)/.exec(stdout)?.[1];
      if (url) done(url);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    void exited.then(({ code }) => fail(new Error(`web host exited ${code}: ${stderr}`)));
  });
  serving.catch(() => undefined);
  return { child, serving, exited };
}

describe('one cockpit engine per data folder', () => {
  const dirs = makeTempDirs();
  const running: Child[] = [];
  afterEach(() => {
    for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    dirs.cleanup();
  });

  it(
    'refuses a second web host on the folder, naming the first; a SIGKILLed host does not block the restart',
    async () => {
      const dataDir = dirs.make('verity-cockpit-lock-');
      const first = startWebHostProcess(dataDir);
      running.push(first.child);
      await first.serving;

      const second = startWebHostProcess(dataDir);
      running.push(second.child);
      // Old behaviour: the second one serves too, and edits fail with SQLITE_BUSY.
      const refused = await Promise.race([second.exited, second.serving.then((at) => ({ code: `serving at ${at}`, stderr: '' }))]);
      expect(refused.code).toBe(1);
      expect(refused.stderr.trim().split('\n')).toHaveLength(1);
      expect(refused.stderr).toContain(
        `verity web: The data folder ${dataDir} is in use by another process: pid ${first.child.pid} (the Verity cockpit (web):`,
      );
      expect(refused.stderr).toContain(`main/web/cli.ts --port 0 --data-dir ${dataDir}`);

      first.child.kill('SIGKILL');
      await first.exited;
      expect(existsSync(join(dataDir, LOCK_FILE))).toBe(true);

      const restarted = startWebHostProcess(dataDir);
      running.push(restarted.child);
      await restarted.serving;
      restarted.child.kill('SIGTERM');
      expect((await restarted.exited).code).toBe(0);
      // A clean stop frees the folder.
      expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
    },
    SPAWN_TEST_TIMEOUT,
  );
});
