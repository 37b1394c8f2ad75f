import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the launcher runs from source with tsx). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function bin(pkg: string, relative: string): string {
  return join(REPO_ROOT, 'node_modules', pkg, relative);
}

/**
 * Where the Electron binary is, or why it is not there. Reads what
 * node_modules/electron records instead of `require('electron')`, which would
 * try to download the binary.
 */
export function locateElectron(root: string = REPO_ROOT): { path: string } | { missing: string } {
  const pkgDir = join(root, 'node_modules', 'electron');
  const pathFile = join(pkgDir, 'path.txt');
  if (!existsSync(pathFile)) return { missing: `no ${pathFile} (the Electron binary was never downloaded)` };
  const relative = readFileSync(pathFile, 'utf8').trim();
  const binary = join(pkgDir, 'dist', relative);
  if (!relative || !existsSync(binary)) return { missing: `${binary} does not exist` };
  return { path: binary };
}

export function electronVersion(root: string = REPO_ROOT): string {
  const pkg: unknown = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8'));
  if (typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string') return pkg.version;
  throw new Error('node_modules/electron/package.json has no version');
}

/** `preferred` when it is free on 127.0.0.1, otherwise any free port. */
export async function pickPort(preferred: number): Promise<number> {
  const tryListen = (port: number): Promise<number | null> =>
    new Promise((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(null));
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        const got = typeof address === 'object' && address ? address.port : null;
        server.close(() => resolve(got));
      });
    });
  return (await tryListen(preferred)) ?? (await tryListen(0)) ?? preferred;
}
