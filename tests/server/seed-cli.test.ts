import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProgressReporter } from '../../server/seed/progress-reporter';

const root = join(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

function runSeed(args: string[], env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const { DATABASE_URL: _ignored, ...base } = process.env;
  const result = spawnSync(tsx, ['server/seed/cli.ts', ...args], { cwd: root, env: { ...base, ...env }, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run seed', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'verity-seed-cli-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('names the bad flag and exits 2', () => {
    const bad = runSeed(['--leads', 'lots'], { VERITY_DATA_DIR: dataDir });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--leads');
    const unknown = runSeed(['--leeds', '5'], { VERITY_DATA_DIR: dataDir });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('--leeds');
  }, 60_000);

  it('seeds an empty PGlite store, prints the sign-ins, and refuses a second run', () => {
    const first = runSeed(['--leads', '300', '--seed', '4'], { VERITY_DATA_DIR: dataDir });
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('leads 300');
    expect(first.stdout).toMatch(/rep01@demo\.example\.com\s+verity-demo-2026/);
    // Not a TTY here: plain lines, no carriage returns.
    expect(first.stderr).toMatch(/^leads\s+300 \/ 300/m);
    expect(first.stderr).not.toContain('\r');
    const second = runSeed(['--leads', '300'], { VERITY_DATA_DIR: dataDir });
    expect(second.status).toBe(1);
    expect(second.stderr).toContain('already has 16 users');
  }, 180_000);
});

describe('createProgressReporter', () => {
  const sink = (isTTY: boolean) => {
    const chunks: string[] = [];
    return { chunks, stream: { isTTY, write: (c: string) => chunks.push(c) > 0 } };
  };

  it('rewrites one line per phase on a terminal', () => {
    let t = 0;
    const { chunks, stream } = sink(true);
    const r = createProgressReporter(stream, { now: () => t });
    r.update({ phase: 'leads', done: 0, total: 100 });
    t = 500;
    r.update({ phase: 'leads', done: 50, total: 100 });
    t = 1000;
    r.update({ phase: 'leads', done: 100, total: 100 });
    r.update({ phase: 'tasks', done: 0, total: 10 });
    r.finish();
    const out = chunks.join('');
    expect(out.split('\n')).toHaveLength(3); // two phases, each ended once
    const ERASE = '\r\x1b[2K';
    expect(out.split(ERASE).map((l) => l.replace(/\s+/g, ' '))).toContain('leads 50 / 100 100 rows/s');
    expect(out).toMatch(/leads\s+100 \/ 100\s+100 rows\/s\n/);
  });

  it('prints plain lines, throttled, elsewhere', () => {
    let t = 0;
    const { chunks, stream } = sink(false);
    const r = createProgressReporter(stream, { now: () => t, intervalMs: 1000 });
    for (let done = 0; done <= 100; done += 10) {
      r.update({ phase: 'activities', done, total: 100 });
      t += 250;
    }
    r.finish();
    expect(chunks.every((c) => c.endsWith('\n') && !c.includes('\r'))).toBe(true);
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    expect(chunks.length).toBeLessThanOrEqual(4);
    expect(chunks.at(-1)).toMatch(/^activities\s+100 \/ 100/);
  });
});
