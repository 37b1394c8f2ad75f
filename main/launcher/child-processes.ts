import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Children started by a launcher, stopped together on Ctrl-C or when one of them ends. */
export class ChildGroup {
  readonly #children = new Set<ChildProcess>();

  /** Starts a child in its own process group (so its own children stop with it), relaying output per line. */
  start(label: string, command: string, args: string[], options: SpawnOptions & { onLine?: (line: string) => void } = {}): ChildProcess {
    const child = spawn(command, args, {
      ...options,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
    });
    this.#children.add(child);
    child.once('exit', () => this.#children.delete(child));
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      const lines = createInterface({ input: stream });
      lines.on('line', (line) => {
        const target = stream === child.stderr ? process.stderr : process.stdout;
        target.write(`[${label}] ${line}\n`);
        options.onLine?.(line);
      });
    }
    return child;
  }

  /** Runs a command to completion with inherited output; resolves with its exit code. */
  run(command: string, args: string[], options: SpawnOptions = {}): Promise<number> {
    return new Promise((resolve) => {
      const child = spawn(command, args, { ...options, stdio: 'inherit', detached: process.platform !== 'win32' });
      this.#children.add(child);
      child.once('error', () => resolve(1));
      child.once('exit', (code, signal) => {
        this.#children.delete(child);
        resolve(code ?? (signal ? 1 : 0));
      });
    });
  }

  /** SIGTERM to every child's group, SIGKILL to whatever is left after `graceMs`. */
  async stopAll(graceMs = 5_000): Promise<void> {
    const running = [...this.#children].filter((c) => c.exitCode === null && c.signalCode === null);
    await Promise.all(
      running.map(
        (child) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              signal(child, 'SIGKILL');
              resolve();
            }, graceMs);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            signal(child, 'SIGTERM');
          }),
      ),
    );
  }
}

function signal(child: ChildProcess, sig: NodeJS.Signals): void {
  try {
    if (child.pid && process.platform !== 'win32') process.kill(-child.pid, sig);
    else child.kill(sig);
  } catch {
    // already gone
  }
}
