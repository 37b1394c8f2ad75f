import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname, uptime } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';

/*
 * One process per data folder: a lock file, created with O_EXCL, that names its holder.
 *
 * Why not a library: proper-lockfile and lockfile judge a lock stale by its age (proper-lockfile
 * refreshes an mtime on a timer, ≥ 2 s, default 10 s), so a killed holder blocks a restart for
 * that long, a long synchronous WASM or SQLite step can starve the refresh into a false
 * "compromised", and neither says who holds the folder. flock-style packages (fs-ext, os-lock)
 * are native addons to build for both Node and Electron. Here the kernel answers at once:
 * `process.kill(pid, 0)` fails with ESRCH when the holder is gone, and the holder's start
 * identity (boot id and process start time on Linux, boot time elsewhere) tells a reused pid
 * from the holder. It lives in platform/ because the team server and the cockpit both need it.
 */

export const LOCK_FILE = 'verity.lock';

const HolderSchema = z.object({
  pid: z.number().int().positive(),
  host: z.string(),
  /** What the holder is, in words ("Verity team server"). */
  what: z.string(),
  command: z.string(),
  startedAt: z.string(),
  /** Linux only: /proc/sys/kernel/random/boot_id and the process's start time in clock ticks. */
  bootId: z.string().nullable(),
  startTicks: z.string().nullable(),
  /** Epoch ms of the machine's boot, to the few seconds `uptime()` allows. */
  bootedAt: z.number(),
  nonce: z.string(),
});
export type FolderHolder = z.infer<typeof HolderSchema>;

export class FolderLockedError extends Error {
  readonly folder: string;
  readonly lockFile: string;
  readonly holder: FolderHolder;
  constructor(folder: string, lockFile: string, holder: FolderHolder) {
    const who = `pid ${holder.pid}${holder.host === hostname() ? '' : ` on ${holder.host}`} (${holder.what}: ${holder.command}, started ${holder.startedAt})`;
    const elsewhere = holder.host === hostname() ? '' : ` If ${holder.host} no longer runs it, delete ${lockFile}.`;
    super(`The data folder ${folder} is in use by another process: ${who}. One process at a time may open it: stop that one or use another folder.${elsewhere}`);
    this.name = 'FolderLockedError';
    this.folder = folder;
    this.lockFile = lockFile;
    this.holder = holder;
  }
}

export interface FolderLock {
  readonly folder: string;
  readonly file: string;
  /** Removes the lock file if it is still this holder's. Idempotent. */
  release(): void;
}

/** Takes the folder's lock or throws FolderLockedError naming the live holder; a dead holder's lock is taken over. */
export function lockFolder(dir: string, what: string): FolderLock {
  const folder = resolve(dir);
  const file = join(folder, LOCK_FILE);
  const me = currentHolder(what);
  const body = `${JSON.stringify(me)}\n`;
  // Each turn either takes the lock, refuses, or removes one stale lock; more turns only under a stampede.
  for (let turn = 0; turn < 20; turn++) {
    if (createExclusive(file, body)) return heldLock(folder, file, me.nonce);
    const seen = readLock(file);
    if (seen === null) continue;
    if (seen.holder && isAlive(seen.holder)) throw new FolderLockedError(folder, file, seen.holder);
    removeStale(file, seen.text, body);
  }
  throw new Error(`Could not lock the data folder ${folder}: its lock file ${file} keeps changing`);
}

function heldLock(folder: string, file: string, nonce: string): FolderLock {
  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    if (readLock(file)?.holder?.nonce === nonce) unlinkQuietly(file);
  };
  // process.exit() without close still frees the folder; a kill -9 is what isAlive() is for.
  process.on('exit', release);
  return { folder, file, release };
}

function currentHolder(what: string): FolderHolder {
  return {
    pid: process.pid,
    host: hostname(),
    what,
    command: commandLine(process.argv),
    startedAt: new Date(Date.now() - process.uptime() * 1000).toISOString(),
    bootId: readProc('/proc/sys/kernel/random/boot_id'),
    startTicks: startTicksOf(process.pid),
    bootedAt: Date.now() - uptime() * 1000,
    nonce: randomBytes(8).toString('hex'),
  };
}

/** The holder's command line for people to recognise it, without secrets (`admin create --password …`). */
function commandLine(argv: readonly string[]): string {
  const secret = /pass|token|secret|key/i;
  const shown = argv.map((arg, i) => {
    if (arg.startsWith('--') && arg.includes('=') && secret.test(arg.slice(0, arg.indexOf('=')))) return `${arg.slice(0, arg.indexOf('='))}=…`;
    const previous = argv[i - 1];
    return previous?.startsWith('--') && !previous.includes('=') && secret.test(previous) ? '…' : arg;
  });
  return shown.join(' ').slice(0, 300);
}

/** Whether the recorded holder still runs. Unknowable cases (another host) count as alive: refusing is safe, sharing is not. */
function isAlive(holder: FolderHolder): boolean {
  if (holder.host !== hostname()) return true;
  const bootId = readProc('/proc/sys/kernel/random/boot_id');
  if (holder.bootId !== null && bootId !== null) {
    if (holder.bootId !== bootId) return false;
  } else if (Math.abs(holder.bootedAt - (Date.now() - uptime() * 1000)) > 5 * 60_000) {
    // Without a boot id: a boot time this far off is an earlier boot (a clock step of minutes would be needed to fake it).
    return false;
  }
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: the pid runs under another account — alive.
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  // Same pid, another process (pid reuse): its start time differs from the holder's.
  const ticks = startTicksOf(holder.pid);
  return holder.startTicks === null || ticks === null || ticks === holder.startTicks;
}

/** Removes a lock judged stale, under a short-lived breaker lock so two newcomers cannot both remove and recreate it. */
function removeStale(file: string, staleText: string, body: string): void {
  const breaker = `${file}.break`;
  if (!createExclusive(breaker, body)) {
    const other = readLock(breaker);
    if (other?.holder && isAlive(other.holder)) {
      pause(20);
      return;
    }
    // A breaker whose process died mid-break (or unreadable): remove it and try again. (Two newcomers
    // racing over a dead breaker could both pass; that needs a crash inside this millisecond step.)
    if (other) unlinkQuietly(breaker);
    return;
  }
  try {
    if (readLock(file)?.text === staleText) unlinkQuietly(file);
  } finally {
    unlinkQuietly(breaker);
  }
}

/** The lock file's text and holder; null when there is no file. An unreadable holder is stale. */
function readLock(file: string): { text: string; holder: FolderHolder | null } | null {
  // A holder writes right after its O_EXCL create: an empty file is read again before it counts as garbage.
  for (let attempt = 0; ; attempt++) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const holder = parseHolder(text);
    if (holder || attempt >= 5) return { text, holder };
    pause(20);
  }
}

function parseHolder(text: string): FolderHolder | null {
  try {
    const parsed = HolderSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    // Not JSON (torn write or foreign content): the caller treats the lock as stale.
    return null;
  }
}

function createExclusive(file: string, body: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, body);
  } finally {
    closeSync(fd);
  }
  return true;
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Field 22 of /proc/<pid>/stat: start time since boot, fixed for the life of the process. */
function startTicksOf(pid: number): string | null {
  const stat = readProc(`/proc/${pid}/stat`);
  if (stat === null) return null;
  // The command name (field 2) may hold spaces and parentheses; fields after it follow its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19] ?? null;
}

function readProc(path: string): string | null {
  if (process.platform !== 'linux') return null;
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    // The process is gone or /proc is not mounted: the identity is unknown, and callers fall back.
    return null;
  }
}

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
