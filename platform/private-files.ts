import { chmodSync, closeSync, fchmodSync, lstatSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/*
 * Owner-only data: a data folder holds customers' names and mobiles (the cockpit) or the whole
 * CRM (the server), so folders are 0700 and files 0600 whatever the umask. The process umask is
 * left alone (it is process-wide and other code relies on it); what is created here gets its
 * mode explicitly, and what others created (PGlite's initdb, older builds) is tightened.
 */

const OWNER_ONLY = 0o700;

/** Creates the folder (and missing parents) 0700. */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: OWNER_ONLY });
  if (process.platform !== 'win32') chmodSync(dir, OWNER_ONLY);
}

/**
 * Creates the file 0600 if missing, or tightens it to 0600 if present. SQLite gives the -wal,
 * -shm and -journal files it creates later the mode of their database file, so creating the
 * database file first keeps those private too.
 */
export function makePrivateFile(file: string): void {
  const fd = openSync(file, 'a', 0o600);
  try {
    if (process.platform !== 'win32') fchmodSync(fd, 0o600);
  } finally {
    closeSync(fd);
  }
}

export interface TightenResult {
  /** Entries whose mode was changed. */
  changed: number;
  /** Entries that could not be tightened (another account's files): for the caller to log. */
  failed: { path: string; error: Error }[];
}

/**
 * Folders become 0700 and files lose every group and other bit (0644 → 0600) under `dir`,
 * `dir` included. Symbolic links, sockets and the like are left alone (a link's target is not
 * ours to change); entries that vanish during the walk are skipped.
 */
export function tightenTree(dir: string): TightenResult {
  const result: TightenResult = { changed: 0, failed: [] };
  if (process.platform === 'win32') return result;
  const visit = (path: string): void => {
    let stat;
    try {
      stat = lstatSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') result.failed.push({ path, error: error as Error });
      return;
    }
    const mode = stat.mode & 0o777;
    const wanted = stat.isDirectory() ? OWNER_ONLY : stat.isFile() ? mode & OWNER_ONLY : mode;
    if (wanted !== mode) {
      try {
        chmodSync(path, wanted);
        result.changed += 1;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') result.failed.push({ path, error: error as Error });
      }
    }
    if (!stat.isDirectory()) return;
    let names: string[];
    try {
      names = readdirSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') result.failed.push({ path, error: error as Error });
      return;
    }
    for (const name of names) visit(join(path, name));
  };
  visit(dir);
  return result;
}
