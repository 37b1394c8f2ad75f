import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir, localDbFile, readFlag, resolveDataDir } from '../../main/services/data-dir';

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
