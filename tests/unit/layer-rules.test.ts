import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Proves each layer rule in eslint.config.js fires where it should and stays
 * quiet where the import is allowed, by linting small snippets as if they
 * lived at a given path.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function restrictedImports(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport {};\n`, { filePath: `${root}${filePath}` });
  if (!result) throw new Error('no lint result');
  const fatal = result.messages.filter((m) => m.fatal);
  if (fatal.length > 0) throw new Error(`could not lint ${filePath}: ${fatal[0]?.message}`);
  return result.messages
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals')
    .map((m) => m.message);
}

describe('layer rules', () => {
  it('shared/ uses no Node API and imports no other layer', async () => {
    expect(await restrictedImports("import fs from 'node:fs';\nvoid fs;", 'shared/x.ts')).toEqual([
      expect.stringContaining('no Node API'),
    ]);
    expect(await restrictedImports("import '../main/x';", 'shared/x.ts')).toEqual([expect.stringContaining('main/')]);
    expect(await restrictedImports("import { app } from 'electron';\nvoid app;", 'shared/x.ts')).toHaveLength(1);
    expect(await restrictedImports('void process.env;', 'shared/x.ts')).toHaveLength(1);
    expect(await restrictedImports("import { z } from 'zod';\nvoid z;", 'shared/x.ts')).toEqual([]);
  });

  it('only main/shell/ may import electron', async () => {
    const code = "import { app } from 'electron';\nvoid app;";
    expect(await restrictedImports(code, 'main/services/x.ts')).toEqual([expect.stringContaining('only main/shell/')]);
    expect(await restrictedImports("import updater from 'electron-updater';\nvoid updater;", 'main/web/x.ts')).toHaveLength(1);
    expect(await restrictedImports(code, 'main/shell/x.ts')).toEqual([]);
    // Services may use Node and the store.
    expect(await restrictedImports("import Database from 'better-sqlite3';\nvoid Database;", 'main/db/x.ts')).toEqual([]);
  });

  it('main/ never imports the server, the renderer or the preload', async () => {
    expect(await restrictedImports("import '../../server/db/schema';", 'main/services/x.ts')).toEqual([
      expect.stringContaining('server/'),
    ]);
    expect(await restrictedImports("import '../../renderer/src/x';", 'main/shell/x.ts')).toHaveLength(1);
    expect(await restrictedImports("import '../shell/index';", 'main/services/x.ts')).toEqual([expect.stringContaining('shell/')]);
  });

  it('the renderer reaches data only through the contract', async () => {
    expect(await restrictedImports("import '../main/x';", 'renderer/src/x.ts')).toEqual([expect.stringContaining('main/')]);
    expect(await restrictedImports("import fs from 'node:fs';\nvoid fs;", 'renderer/src/x.ts')).toHaveLength(1);
    expect(await restrictedImports("import { ipcRenderer } from 'electron';\nvoid ipcRenderer;", 'renderer/src/x.ts')).toHaveLength(1);
    expect(await restrictedImports("import '../../shared/ipc/contract';", 'renderer/src/x.ts')).toEqual([]);
  });

  it('the server never imports the cockpit', async () => {
    expect(await restrictedImports("import '../main/x';", 'server/x.ts')).toEqual([expect.stringContaining('main/')]);
    expect(await restrictedImports("import Database from 'better-sqlite3';\nvoid Database;", 'server/x.ts')).toHaveLength(1);
    expect(await restrictedImports("import { readFile } from 'node:fs/promises';\nvoid readFile;", 'server/x.ts')).toEqual([]);
  });

  it('the sandboxed preload imports only shared/ and electron', async () => {
    expect(await restrictedImports("import fs from 'node:fs';\nvoid fs;", 'preload/x.ts')).toHaveLength(1);
    expect(await restrictedImports("import '../main/ipc/dispatch';", 'preload/x.ts')).toHaveLength(1);
    expect(await restrictedImports("import { contextBridge } from 'electron';\nvoid contextBridge;", 'preload/x.ts')).toEqual([]);
  });
});
