import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const NATIVE_BINDING_ENV = 'VERITY_SQLITE_NATIVE_BINDING';
export const ELECTRON_NATIVE_DIR = join('.native', 'electron');
export const NATIVE_BINDING_FILE = 'better_sqlite3.node';

/**
 * better-sqlite3 built for Electron's ABI (the one in node_modules is built for
 * Node). Env VERITY_SQLITE_NATIVE_BINDING wins; then `.native/electron/`
 * (made by `tsx main/launcher/build-native.ts`); else undefined, meaning the
 * package's own build (right only when it was rebuilt for Electron in place).
 */
export function resolveNativeBinding(appRoot: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env[NATIVE_BINDING_ENV];
  if (fromEnv) {
    const file = resolve(fromEnv);
    if (!existsSync(file)) throw new Error(`${NATIVE_BINDING_ENV} points at ${file}, which does not exist`);
    return file;
  }
  const built = join(appRoot, ELECTRON_NATIVE_DIR, NATIVE_BINDING_FILE);
  return existsSync(built) ? built : undefined;
}
