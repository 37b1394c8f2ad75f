import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { openServerDb, type StoreLogger } from '../../server/db/connection';
import { FolderLockedError, LOCK_FILE, lockFolder, type FolderHolder } from '../../platform/folder-lock';
import { createTestDatabase, storeKinds } from './store-harness';

const ROOT = resolve(import.meta.dirname, '../..');
// Each spawned server starts Node, loads TypeScript and opens PGlite (an initdb the first time).
const SPAWN_TEST_TIMEOUT = 120_000;

const made: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

type Child = ChildProcessByStdio<null, Readable, Readable>;

interface ServerRun {
  child: Child;
  /** Resolves with the URL once listening, or rejects with the exit code and stderr. */
  listening: Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** `npm run server -- --port 0` on a PGlite folder, as a real second process. */
function startServerProcess(dataDir: string): ServerRun {
  const env: NodeJS.ProcessEnv = { ...process.env, VERITY_DATA_DIR: dataDir, LOG_LEVEL: 'info' };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', '--port', '0'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((done) => {
    child.on('exit', (code, signal) => done({ code, signal, stderr }));
  });
  const listening = new Promise<string>((done, fail) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const url = /"url":"(http:[^"]+)"[^\n]*"msg":"listening"/.exec(stdout)?.[1];
      if (url) done(url);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    void exited.then(({ code }) => fail(new Error(`server exited ${code}: ${stderr}`)));
  });
  listening.catch(() => undefined);
  return { child, listening, exited };
}

describe('one process per PGlite data folder', () => {
  const running: Child[] = [];
  afterEach(() => {
    for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it(
    'refuses a second server on the folder, naming the first; a SIGKILLed holder does not block the restart',
    async () => {
      const dataDir = tempDir('verity-store-lock-');
      const first = startServerProcess(dataDir);
      running.push(first.child);
      const url = await first.listening;
      expect((await fetch(`${url}/healthz`)).status).toBe(200);

      const second = startServerProcess(dataDir);
      running.push(second.child);
      // Old behaviour: the second one starts too (and the two corrupt the folder).
      const refused = await Promise.race([second.exited, second.listening.then((at) => ({ code: `listening at ${at}`, stderr: '' }))]);
      expect(refused.code).toBe(1);
      expect(refused.stderr.trim().split('\n')).toHaveLength(1);
      expect(refused.stderr).toContain(`The data folder ${dataDir} is in use by another process: pid ${first.child.pid} (Verity team server:`);
      expect(refused.stderr).toContain('server/cli.ts --port 0');
      // The first one never noticed.
      expect((await fetch(`${url}/healthz`)).status).toBe(200);

      first.child.kill('SIGKILL');
      await first.exited;
      expect(existsSync(join(dataDir, LOCK_FILE))).toBe(true);

      const restarted = startServerProcess(dataDir);
      running.push(restarted.child);
      const again = await restarted.listening;
      expect((await fetch(`${again}/healthz`)).status).toBe(200);
      restarted.child.kill('SIGTERM');
      expect((await restarted.exited).code).toBe(0);
      // A clean stop frees the folder.
      expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
    },
    SPAWN_TEST_TIMEOUT,
  );
});

describe('the folder lock', () => {
  const holder = (overrides: Partial<FolderHolder>): string =>
    JSON.stringify({
      pid: process.pid,
      host: hostname(),
      what: 'a test',
      command: 'node test',
      startedAt: new Date().toISOString(),
      bootId: null,
      startTicks: null,
      bootedAt: Date.now(),
      nonce: 'n',
      ...overrides,
    });

  it('refuses a second lock in the same process and frees the folder on release', () => {
    const dir = tempDir('verity-lock-');
    const lock = lockFolder(dir, 'the first');
    const refused = (() => {
      try {
        return lockFolder(dir, 'the second');
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(FolderLockedError);
    expect((refused as FolderLockedError).holder).toMatchObject({ pid: process.pid, what: 'the first' });
    expect((refused as FolderLockedError).message).toContain(`The data folder ${dir} is in use by another process: pid ${process.pid} (the first:`);
    lock.release();
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    lockFolder(dir, 'the second').release();
  });

  it('takes over the lock of a process that is gone', () => {
    const dir = tempDir('verity-lock-');
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(join(dir, LOCK_FILE), holder({ pid: Number(gone.stdout) }));
    const lock = lockFolder(dir, 'the heir');
    expect(() => lockFolder(dir, 'a third')).toThrow(/pid \d+ \(the heir:/);
    lock.release();
  });

  it('takes over a lock whose pid now belongs to another process, or to an earlier boot', () => {
    const dir = tempDir('verity-lock-');
    // Our own pid on this boot, but not our start time: the holder died and its pid was reused.
    const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    writeFileSync(join(dir, LOCK_FILE), holder({ startTicks: '1', bootId }));
    lockFolder(dir, 'after a pid reuse').release();
    writeFileSync(join(dir, LOCK_FILE), holder({ bootId: 'an earlier boot' }));
    lockFolder(dir, 'after a pid reuse').release();
    writeFileSync(join(dir, LOCK_FILE), holder({ bootedAt: Date.now() - 86_400_000 }));
    lockFolder(dir, 'after a reboot').release();
  });

  it('takes over a torn or foreign lock file, but never another host’s live-looking one', () => {
    const dir = tempDir('verity-lock-');
    writeFileSync(join(dir, LOCK_FILE), '');
    lockFolder(dir, 'after a torn write').release();
    writeFileSync(join(dir, LOCK_FILE), holder({ host: 'elsewhere.example', pid: 1 }));
    expect(() => lockFolder(dir, 'here')).toThrow(`pid 1 on elsewhere.example (a test: node test`);
    expect(() => lockFolder(dir, 'here')).toThrow(`If elsewhere.example no longer runs it, delete ${join(dir, LOCK_FILE)}.`);
  });

  it('names the holder by its command line, without the secrets on it', () => {
    const dir = tempDir('verity-lock-');
    const script = `
      import { readFileSync } from 'node:fs';
      import { lockFolder, LOCK_FILE } from ${JSON.stringify(join(ROOT, 'platform/folder-lock.ts'))};
      lockFolder(${JSON.stringify(dir)}, 'admin create');
      process.stdout.write(readFileSync(${JSON.stringify(join(dir, LOCK_FILE))}, 'utf8'));
    `;
    const args = ['admin', 'create', '--email', 'a@example.com', '--password', 'hunter2 pw', '--token=abc123'];
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, ...args], { cwd: ROOT, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const recorded = JSON.parse(run.stdout) as FolderHolder;
    expect(recorded.command).toBe(`${process.execPath} admin create --email a@example.com --password … --token=…`);
    expect(run.stdout).not.toMatch(/hunter2|abc123/);
    // The child exited without closing anything: the folder is free all the same.
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('release leaves a lock that is no longer its own', () => {
    const dir = tempDir('verity-lock-');
    const lock = lockFolder(dir, 'first');
    const foreign = holder({ host: 'elsewhere.example', pid: 1 });
    writeFileSync(join(dir, LOCK_FILE), foreign);
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
  });
});

/** Opens the store in a child with umask 022 and reports every entry that group or others may read, after open, a write and close. */
function looseAfterStoreRun(dataDir: string): Record<string, string[]> {
  const script = `
    import { readdirSync, lstatSync } from 'node:fs';
    import { join } from 'node:path';
    import { sql } from 'kysely';
    import { openServerDb } from ${JSON.stringify(join(ROOT, 'server/db/connection.ts'))};
    process.umask(0o022);
    const dir = ${JSON.stringify(dataDir)};
    const loose = (d, out = []) => {
      for (const name of readdirSync(d)) {
        const p = join(d, name);
        const s = lstatSync(p);
        const wanted = s.isDirectory() ? 0o700 : 0o600;
        if ((s.mode & 0o777) !== wanted) out.push(p.slice(dir.length) + ' ' + (s.mode & 0o777).toString(8));
        if (s.isDirectory()) loose(p, out);
      }
      return out;
    };
    const report = {};
    const store = await openServerDb({ dataDir: dir });
    report.root = [(lstatSync(dir).mode & 0o777).toString(8)];
    report.open = loose(dir);
    await sql\`CREATE TABLE IF NOT EXISTS bulk (id int PRIMARY KEY, v text)\`.execute(store.db);
    await sql\`INSERT INTO bulk SELECT g, md5(g::text) FROM generate_series(1, 20000) g ON CONFLICT DO NOTHING\`.execute(store.db);
    await sql\`CREATE INDEX IF NOT EXISTS bulk_v ON bulk (v)\`.execute(store.db);
    await sql\`CHECKPOINT\`.execute(store.db);
    report.written = loose(dir);
    await store.close();
    report.closed = loose(dir);
    process.stdout.write(JSON.stringify(report));
  `;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`store child failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, string[]>;
}

describe('the PGlite folder is private', () => {
  it(
    'with umask 022, the folder is 0700 and every file 0600 after open, writes and close; a loose existing folder is tightened at start',
    () => {
      const dataDir = join(tempDir('verity-store-modes-'), 'nested', 'server');
      expect(looseAfterStoreRun(dataDir)).toEqual({ root: ['700'], open: [], written: [], closed: [] });

      // A folder from an older build (or copied around) with world-writable files and open folders.
      const loosen = (d: string): void => {
        for (const name of readdirSync(d)) {
          const p = join(d, name);
          const isDir = lstatSync(p).isDirectory();
          chmodSync(p, isDir ? 0o755 : 0o666);
          if (isDir) loosen(p);
        }
      };
      loosen(dataDir);
      chmodSync(dataDir, 0o777);
      expect(lstatSync(join(dataDir, 'PG_VERSION')).mode & 0o777).toBe(0o666);
      expect(looseAfterStoreRun(dataDir)).toEqual({ root: ['700'], open: [], written: [], closed: [] });
    },
    SPAWN_TEST_TIMEOUT,
  );
});

describe.each(storeKinds().filter((kind) => kind === 'postgres'))('the %s pool', () => {
  it('logs an idle connection it drops instead of swallowing the error', async () => {
    const database = await createTestDatabase('postgres');
    const logged: { detail: Record<string, unknown>; message: string }[] = [];
    const log: StoreLogger = {
      warn: (detail, message) => logged.push({ detail, message }),
      error: (detail, message) => logged.push({ detail, message }),
    };
    const store = await openServerDb({ ...database.options, log, migrate: false });
    try {
      const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(store.db);
      const admin = new pg.Client({ connectionString: database.options.databaseUrl });
      await admin.connect();
      try {
        await admin.query('SELECT pg_terminate_backend($1)', [rows[0]?.pid]);
      } finally {
        await admin.end();
      }
      await vi.waitFor(() => expect(logged).toHaveLength(1));
      expect(logged[0]?.message).toBe('an idle Postgres connection failed and left the pool');
      expect(logged[0]?.detail.err).toBeInstanceOf(Error);
      // The pool carries on with a fresh connection.
      expect((await sql<{ one: number }>`SELECT 1 AS one`.execute(store.db)).rows).toEqual([{ one: 1 }]);
    } finally {
      await store.close();
      await database.drop();
    }
  });
});
