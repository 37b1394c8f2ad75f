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

async function ruleMessages(code: string, filePath: string, ruleId: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport {};\n`, { filePath: `${root}${filePath}` });
  if (!result) throw new Error('no lint result');
  return result.messages.filter((m) => m.ruleId === ruleId).map((m) => m.message);
}

async function restrictedImports(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport {};\n`, { filePath: `${root}${filePath}` });
  if (!result) throw new Error('no lint result');
  const fatal = result.messages.filter((m) => m.fatal);
  if (fatal.length > 0) throw new Error(`could not lint ${filePath}: ${fatal[0]?.message}`);
  return result.messages
    .filter((m) => m.ruleId === 'layers/allowed-imports' || m.ruleId === 'no-restricted-globals')
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

  it('platform/ serves main/ and server/ with Node helpers and imports no layer above it', async () => {
    expect(await restrictedImports("import '../../platform/folder-lock';", 'main/services/x.ts')).toEqual([]);
    expect(await restrictedImports("import '../../platform/folder-lock';", 'server/db/x.ts')).toEqual([]);
    expect(await restrictedImports("import '../platform/folder-lock';", 'renderer/x.ts')).toHaveLength(1);
    expect(await restrictedImports("import '../server/db/schema';", 'platform/x.ts')).toEqual([expect.stringContaining('platform/')]);
    expect(await restrictedImports("import '../main/services/logger';", 'platform/x.ts')).toHaveLength(1);
    expect(await restrictedImports("import '../shared/domain/roles';", 'platform/x.ts')).toHaveLength(1);
    expect(await restrictedImports("import Database from 'better-sqlite3';\nvoid Database;", 'platform/x.ts')).toHaveLength(1);
    expect(await restrictedImports("import { join } from 'node:path';\nvoid join;", 'platform/x.ts')).toEqual([]);
  });

  it('the renderer reaches data only through the contract', async () => {
    expect(await restrictedImports("import '../../main/x';", 'renderer/src/x.ts')).toEqual([expect.stringContaining('main/')]);
    // A folder of the renderer's own that happens to be called "main" is the renderer's.
    expect(await restrictedImports("import '../main/x';", 'renderer/src/x.ts')).toEqual([]);
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

  // Bypasses the old denylist let through: subpaths, dynamic import() and require().
  it('a package covers its subpaths', async () => {
    expect(await restrictedImports("import Database from 'better-sqlite3/lib/database';\nvoid Database;", 'renderer/src/x.ts')).toHaveLength(1);
    expect(await restrictedImports("import Database from 'better-sqlite3/lib/database';\nvoid Database;", 'server/x.ts')).toHaveLength(1);
    expect(await restrictedImports("import Client from 'pg/lib/client';\nvoid Client;", 'renderer/src/x.ts')).toHaveLength(1);
    expect(await restrictedImports("import Client from 'pg/lib/client';\nvoid Client;", 'shared/x.ts')).toHaveLength(1);
    expect(await restrictedImports("import { ipcRenderer } from 'electron/renderer';\nvoid ipcRenderer;", 'main/sync/x.ts')).toHaveLength(1);
    expect(await restrictedImports("import '@fastify/websocket';", 'renderer/src/x.ts')).toHaveLength(1);
    // Allowed packages keep their subpaths.
    expect(await restrictedImports("import '@mantine/core/styles.css';", 'renderer/src/x.ts')).toEqual([]);
    expect(await restrictedImports("import { z } from 'zod/v4';\nvoid z;", 'shared/x.ts')).toEqual([]);
  });

  it('a layer imports only the packages on its allowlist', async () => {
    // Not a storage package anyone thought to deny, but not the renderer's either.
    expect(await restrictedImports("import 'left-pad';", 'renderer/src/x.ts')).toEqual([expect.stringContaining('allowlist')]);
    expect(await restrictedImports("import 'kysely-pglite';", 'shared/x.ts')).toHaveLength(1);
    expect(await restrictedImports("import 'fs';", 'renderer/src/x.ts')).toEqual([expect.stringContaining('Node API')]);
    expect(await restrictedImports("import 'fs/promises';", 'preload/x.ts')).toHaveLength(1);
    expect(await restrictedImports("import '@electric-sql/pglite';", 'main/sync/x.ts')).toHaveLength(1);
    expect(await restrictedImports("import 'react';", 'server/x.ts')).toHaveLength(1);
  });

  it('dynamic import() and require() are checked like static imports', async () => {
    expect(await restrictedImports("void import('../../../main/services/app-services');", 'renderer/src/features/x.ts')).toEqual([
      expect.stringContaining('main/'),
    ]);
    expect(await restrictedImports('void import(`../../../main/x`);', 'renderer/src/features/x.ts')).toHaveLength(1);
    expect(await restrictedImports("void import('better-sqlite3');", 'renderer/src/x.ts')).toHaveLength(1);
    expect(await restrictedImports("void import('electron-updater');", 'main/services/x.ts')).toHaveLength(1);
    expect(await restrictedImports("void import('../main/x');", 'server/x.ts')).toHaveLength(1);
    expect(await restrictedImports("declare const require: (m: string) => unknown;\nvoid require('node:fs');", 'shared/x.ts')).toEqual(
      expect.arrayContaining([expect.stringContaining('Node API')]),
    );
    expect(await restrictedImports("declare const require: (m: string) => unknown;\nvoid require('../main/x');", 'preload/x.ts')).toEqual(
      expect.arrayContaining([expect.stringContaining('main/')]),
    );
    expect(await restrictedImports("import fs = require('node:fs');\nvoid fs;", 'renderer/src/x.ts')).toHaveLength(1);
    expect(await restrictedImports("type Db = import('better-sqlite3').Database;\nexport type { Db };", 'renderer/src/x.ts')).toHaveLength(1);
    expect(await restrictedImports("export * from '../../main/x';", 'renderer/src/x.ts')).toHaveLength(1);
    expect(await restrictedImports("export { x } from '../server/x';", 'shared/x.ts')).toHaveLength(1);
    // A computed name cannot be checked, so it is refused.
    expect(await restrictedImports("const where = '../../main/x';\nvoid import(where);", 'renderer/src/x.ts')).toEqual([
      expect.stringContaining('literal name'),
    ]);
    // Allowed targets stay allowed when loaded lazily.
    expect(await restrictedImports("void import('./features/x');", 'renderer/src/x.ts')).toEqual([]);
    expect(await restrictedImports("void import('electron-updater');", 'main/shell/x.ts')).toEqual([]);
    expect(await restrictedImports("void import('./start');", 'server/x.ts')).toEqual([]);
  });

  it('a relative path cannot climb out of the repository or into main/shell/ from services', async () => {
    expect(await restrictedImports("import '../../../elsewhere/x';", 'renderer/src/x.ts')).toEqual([expect.stringContaining('outside')]);
    expect(await restrictedImports("void import('../shell/window');", 'main/services/x.ts')).toEqual([expect.stringContaining('shell/')]);
  });

  it('the renderer and the preload use no Node globals', async () => {
    expect(await restrictedImports('void process.env;', 'renderer/src/x.ts')).toEqual([expect.stringContaining('no Node API')]);
    expect(await restrictedImports("void Buffer.from('x');", 'renderer/src/x.tsx')).toHaveLength(1);
    expect(await restrictedImports('void process.platform;', 'preload/x.ts')).toHaveLength(1);
    expect(await restrictedImports('void process.env;', 'main/services/x.ts')).toEqual([]);
  });

  it('tests are never focused or skipped', async () => {
    const focused = "import { describe, it } from 'vitest';\ndescribe.only('x', () => { it.skip('y', () => {}); });";
    expect(await ruleMessages(focused, 'tests/unit/x.test.ts', 'no-restricted-syntax')).toHaveLength(2);
    expect(await ruleMessages("import { test } from '@playwright/test';\ntest.describe.only('x', () => {});", 'tests/e2e/x.spec.ts', 'no-restricted-syntax')).toHaveLength(1);
    const conditional = "import { describe } from 'vitest';\ndescribe.runIf(process.env.DATABASE_URL)('x', () => {});";
    expect(await ruleMessages(conditional, 'tests/server/x.test.ts', 'no-restricted-syntax')).toEqual([]);
  });
});
