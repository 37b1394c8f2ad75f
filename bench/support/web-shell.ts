import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * Cockpits for benchmarks that drive the real UI: the renderer built as
 * `npm run web` builds it, and web hosts (`main/web/cli.ts`), each in its own
 * process with its own data folder, as two computers would run them.
 */

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const WEB_CLI = join(REPO, 'main', 'web', 'cli.ts');

export interface WebShell {
  /** The tokened address a browser opens. */
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Builds the renderer from the working tree (vite), so the bench measures the code as it is; unminified for a readable profile. */
export async function buildRenderer(opts: { minify?: boolean } = {}): Promise<void> {
  const args = ['build', '--config', 'renderer/vite.config.ts', '--logLevel', 'error', ...(opts.minify === false ? ['--minify', 'false'] : [])];
  const child = spawn(process.execPath, [join(REPO, 'node_modules', 'vite', 'bin', 'vite.js'), ...args], {
    cwd: REPO,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the renderer build failed (exit ${code})`);
}

/** Starts a web host against `serverUrl` on a fresh data folder; resolves with its URL once it listens. */
export async function startWebShell(serverUrl: string, opts: { readyTimeoutMs?: number } = {}): Promise<WebShell> {
  const dataDir = mkdtempSync(join(tmpdir(), 'verity-bench-web-'));
  const child = spawn(process.execPath, ['--import', 'tsx', WEB_CLI, '--port', '0', '--data-dir', dataDir, '--server-url', serverUrl], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'inherit'],
    // A fixed OS locale: "follow the system" means English, so the scenario's labels are known.
    env: { ...process.env, LANG: 'en_US.UTF-8', LC_ALL: 'en_US.UTF-8' },
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const cleanup = async (): Promise<void> => {
    await stopChild(child, exited);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the web host did not start in time')), opts.readyTimeoutMs ?? 60_000);
      const lines = createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> });
      lines.on('line', (line) => {
        const found = /Verity web shell: (\S+)/.exec(line);
        if (!found?.[1]) return;
        clearTimeout(timer);
        resolve(found[1]);
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`the web host exited with ${code}`));
      });
    });
    return { url, pid: child.pid ?? 0, stop: cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** Debian's Chromium, as the e2e tests use it; a browser is never downloaded. */
export function chromiumPath(): string {
  return process.env.PLAYWRIGHT_CHROMIUM ?? '/usr/bin/chromium';
}
