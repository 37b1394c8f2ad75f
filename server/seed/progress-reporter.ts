import type { SeedProgress } from './seed';

export interface ProgressStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/**
 * Shows seeding progress: on a terminal a single line per phase that updates
 * in place; elsewhere (CI logs, pipes) a plain line at most every few seconds
 * and one when the phase ends, so logs stay short.
 */
export function createProgressReporter(
  stream: ProgressStream,
  options: { now?: () => number; intervalMs?: number } = {},
): { update(p: SeedProgress): void; finish(): void } {
  const now = options.now ?? (() => performance.now());
  const interval = options.intervalMs ?? 2000;
  const tty = stream.isTTY === true;
  let phase: string | null = null;
  let phaseStart = 0;
  let lastPrinted = 0;
  let lastLine = '';
  let open = false;

  const describe = (p: SeedProgress, elapsedMs: number): string => {
    const base = `${p.phase.padEnd(14)} ${fmt(p.done).padStart(11)} / ${fmt(p.total).padEnd(11)}`;
    if (p.phase === 'generate' || elapsedMs <= 0) return base.trimEnd();
    return `${base}  ${fmt((p.done / elapsedMs) * 1000)} rows/s`;
  };

  const endLine = (): void => {
    if (tty && open) stream.write('\n');
    else if (!tty && lastLine) stream.write(`${lastLine}\n`);
    open = false;
    lastLine = '';
  };

  return {
    update(p) {
      const t = now();
      if (p.phase !== phase) {
        endLine();
        phase = p.phase;
        phaseStart = t;
        lastPrinted = t;
      }
      const line = describe(p, t - phaseStart);
      if (tty) {
        stream.write(`\r\x1b[2K${line}`);
        open = true;
      } else if (t - lastPrinted >= interval) {
        stream.write(`${line}\n`);
        lastPrinted = t;
        lastLine = '';
        return;
      }
      // Non-TTY: remembered and printed once the phase ends.
      lastLine = tty ? '' : line;
    },
    finish() {
      endLine();
      phase = null;
    },
  };
}
