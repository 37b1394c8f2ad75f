import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { makePrivateDir, tightenTree } from '../../platform/private-files';
import { lockFolder, type FolderLock } from '../../platform/folder-lock';
import type { Logger } from './logger';

export const APP_FOLDER_NAME = 'Verity';
export const DATA_DIR_ENV = 'VERITY_COCKPIT_DATA_DIR';
export const LOCAL_DB_FILE = 'cockpit.sqlite';

export interface PlatformPaths {
  platform: NodeJS.Platform;
  home: string;
  env: NodeJS.ProcessEnv;
}

/**
 * The OS user-data folder, computed in plain Node so services need not ask
 * Electron (it matches Electron's `app.getPath('userData')` for our app name).
 */
export function defaultDataDir(p: PlatformPaths = { platform: process.platform, home: homedir(), env: process.env }): string {
  switch (p.platform) {
    case 'win32':
      return join(p.env.APPDATA ?? join(p.home, 'AppData', 'Roaming'), APP_FOLDER_NAME);
    case 'darwin':
      return join(p.home, 'Library', 'Application Support', APP_FOLDER_NAME);
    default:
      return join(p.env.XDG_CONFIG_HOME || join(p.home, '.config'), APP_FOLDER_NAME);
  }
}

/** Value of `--name value` or `--name=value` in argv, if present. */
export function readFlag(argv: readonly string[], name: string): string | undefined {
  const flag = `--${name}`;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === flag) return argv[i + 1];
    if (arg?.startsWith(`${flag}=`)) return arg.slice(flag.length + 1);
  }
  return undefined;
}

/** The data folder: `--data-dir`, then env VERITY_COCKPIT_DATA_DIR, then the OS default. */
export function resolveDataDir(argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = readFlag(argv, 'data-dir') ?? env[DATA_DIR_ENV];
  return chosen ? resolve(chosen) : defaultDataDir({ platform: process.platform, home: homedir(), env });
}

export function localDbFile(dataDir: string): string {
  return join(dataDir, LOCAL_DB_FILE);
}

/**
 * Opens the data folder for this engine alone: created 0700, locked (a second engine on it is
 * refused with FolderLockedError naming the holder; SQLite would only answer SQLITE_BUSY), and
 * what is in it tightened to owner-only — it holds customers' names and mobiles.
 */
export function claimDataDir(dataDir: string, what: string, log: Logger): FolderLock {
  makePrivateDir(dataDir);
  const lock = lockFolder(dataDir, what);
  for (const { path, error } of tightenTree(dataDir).failed) log.warn(`cannot make ${path} private (owner-only)`, error);
  return lock;
}
