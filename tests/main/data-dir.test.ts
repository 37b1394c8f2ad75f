import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claimDataDir, defaultDataDir, localDbFile, readFlag, resolveDataDir } from '../../main/services/data-dir';
import { FolderLockedError, LOCK_FILE } from '../../platform/folder-lock';
import { silentLogger } from '../../main/services/logger';
import { syncFiles } from '../../main/sync/sync-store';
import { makeTempDirs } from './temp-dir';

const ROOT = resolve(import.meta.dirname, '../..');

describe('data folder', () => {
  it('defaults to the OS user-data folder, like Electron would', () => {
    expect(defaultDataDir({ platform: 'linux', home: '/home/li', env: {} })).toBe(join('/home/li', '.config', 'Verity'));
    expect(defaultDataDir({ platform: 'linux', home: '/home/li', env: { XDG_CONFIG_HOME: '/xdg' } })).toBe(join('/xdg', 'Verity'));
    expect(defaultDataDir({ platform: 'darwin', home: '/Users/li', env: {} })).toBe(
      join('/Users/li', 'Library', 'Application Support', 'Verity'),
    );
    expect(defaultDataDir({ platform: 'win32', home: 'C:/Users/li', env: { APPDATA: 'C:/Users/li/AppData/Roaming' } })).toBe(
      join('C:/Users/li/AppData/Roaming', 'Verity'),
    );
  });

  it('prefers --data-dir, then VERITY_COCKPIT_DATA_DIR', () => {
    expect(resolveDataDir(['node', 'x', '--data-dir', '/tmp/a'], { VERITY_COCKPIT_DATA_DIR: '/tmp/b' })).toBe(resolve('/tmp/a'));
    expect(resolveDataDir(['node', 'x', '--data-dir=/tmp/c'], {})).toBe(resolve('/tmp/c'));
    expect(resolveDataDir(['node', 'x'], { VERITY_COCKPIT_DATA_DIR: 'rel/dir' })).toBe(resolve('rel/dir'));
    expect(localDbFile('/data')).toBe(join('/data', 'cockpit.sqlite'));
  });

  it('reads flags in both spellings and ignores look-alikes', () => {
    expect(readFlag(['--port', '8080'], 'port')).toBe('8080');
    expect(readFlag(['--port=9090'], 'port')).toBe('9090');
    expect(readFlag(['--portal', '1'], 'port')).toBeUndefined();
  });
});

describe('claiming the data folder', () => {
  const dirs = makeTempDirs();
  afterEach(() => dirs.cleanup());

  it('tightens an existing folder to owner-only (links and what they point at untouched) and holds it for this engine alone', () => {
    const outside = join(dirs.make(), 'elsewhere.txt');
    writeFileSync(outside, 'not ours', { mode: 0o644 });
    chmodSync(outside, 0o644);
    const dataDir = dirs.make();
    chmodSync(dataDir, 0o755);
    writeFileSync(join(dataDir, 'cockpit.sqlite'), '');
    chmodSync(join(dataDir, 'cockpit.sqlite'), 0o644);
    mkdirSync(join(dataDir, 'Cache'));
    chmodSync(join(dataDir, 'Cache'), 0o777);
    writeFileSync(join(dataDir, 'Cache', 'entry'), '');
    chmodSync(join(dataDir, 'Cache', 'entry'), 0o666);
    symlinkSync(outside, join(dataDir, 'link'));

    const lock = claimDataDir(dataDir, 'the Verity cockpit (test)', silentLogger);
    try {
      const mode = (p: string): number => lstatSync(p).mode & 0o777;
      expect(mode(dataDir)).toBe(0o700);
      expect(mode(join(dataDir, 'cockpit.sqlite'))).toBe(0o600);
      expect(mode(join(dataDir, 'Cache'))).toBe(0o700);
      expect(mode(join(dataDir, 'Cache', 'entry'))).toBe(0o600);
      expect(mode(join(dataDir, LOCK_FILE))).toBe(0o600);
      expect(mode(outside)).toBe(0o644);
      expect(() => claimDataDir(dataDir, 'a second engine', silentLogger)).toThrow(FolderLockedError);
      expect(() => claimDataDir(dataDir, 'a second engine', silentLogger)).toThrow(
        `The data folder ${dataDir} is in use by another process: pid ${process.pid} (the Verity cockpit (test):`,
      );
    } finally {
      lock.release();
    }
    claimDataDir(dataDir, 'the next engine', silentLogger).release();
  });

  it('with umask 022, the engine creates the folder 0700 and every SQLite file in it (-wal and -shm included) 0600', () => {
    const dataDir = join(dirs.make(), 'nested', 'Verity');
    const main = (file: string): string => JSON.stringify(join(ROOT, file));
    const script = `
      import { readdirSync, lstatSync } from 'node:fs';
      import { join } from 'node:path';
      import { claimDataDir, localDbFile } from ${main('main/services/data-dir.ts')};
      import { openLocalDb } from ${main('main/db/local-db.ts')};
      import { SyncStore, syncFiles } from ${main('main/sync/sync-store.ts')};
      import { silentLogger } from ${main('main/services/logger.ts')};
      process.umask(0o022);
      const dir = ${JSON.stringify(dataDir)};
      const entries = () => readdirSync(dir).map((name) => name + ' ' + (lstatSync(join(dir, name)).mode & 0o777).toString(8)).sort();
      const lock = claimDataDir(dir, 'test', silentLogger);
      const local = await openLocalDb({ file: localDbFile(dir) });
      const store = new SyncStore(local.sqlite, syncFiles(dir, 'http://server', 'u1'));
      store.clientId();
      local.sqlite.exec("INSERT INTO cache.cache_meta (key, value_json) VALUES ('k', '1')");
      store.resetCache();
      local.sqlite.exec("INSERT INTO cache.cache_meta (key, value_json) VALUES ('k', '2')");
      const open = entries();
      await local.close();
      lock.release();
      process.stdout.write(JSON.stringify({ root: (lstatSync(dir).mode & 0o777).toString(8), open, closed: entries() }));
    `;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as { root: string; open: string[]; closed: string[] };
    const key = syncFiles(dataDir, 'http://server', 'u1').key;
    expect(report.root).toBe('700');
    // Every file is there, and none is readable by anyone else.
    expect(report.open).toEqual(
      [
        'cockpit.sqlite 600',
        'cockpit.sqlite-shm 600',
        'cockpit.sqlite-wal 600',
        `cache-${key}.sqlite 600`,
        `cache-${key}.sqlite-shm 600`,
        `cache-${key}.sqlite-wal 600`,
        `outbox-${key}.sqlite 600`,
        `outbox-${key}.sqlite-shm 600`,
        `outbox-${key}.sqlite-wal 600`,
        `${LOCK_FILE} 600`,
      ].sort(),
    );
    expect(report.closed.every((entry) => entry.endsWith(' 600'))).toBe(true);
  });
});
