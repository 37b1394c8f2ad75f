import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readFlag } from '../services/data-dir';
import { ChildGroup } from './child-processes';
import { electronVersion, REPO_ROOT } from './repo-paths';

/**
 * Builds better-sqlite3 for Electron's ABI into .native/electron/, leaving the
 * Node build in node_modules untouched (tests and the web host use that one).
 * Needs Electron's headers: downloaded from --dist-url, or a local copy given
 * with --headers-dir. Run by hand; never from postinstall.
 */
const OUT_DIR = join(REPO_ROOT, '.native', 'electron');
const WORK_DIR = join(REPO_ROOT, '.native', 'build', 'better-sqlite3');

/** npm ships node-gyp; use that copy when it can be found, else let npx fetch it. */
function nodeGypCommand(): { command: string; args: string[] } {
  const candidates = [
    process.env.npm_execpath ? join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js') : null,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  const found = candidates.find((c): c is string => c !== null && existsSync(c));
  return found ? { command: process.execPath, args: [found] } : { command: 'npx', args: ['--yes', 'node-gyp'] };
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const version = readFlag(argv, 'electron-version') ?? electronVersion();
  const distUrl = readFlag(argv, 'dist-url') ?? 'https://electronjs.org/headers';
  const headersDir = readFlag(argv, 'headers-dir');

  const source = join(REPO_ROOT, 'node_modules', 'better-sqlite3');
  if (!existsSync(source)) throw new Error('node_modules/better-sqlite3 is missing; run npm install first');
  rmSync(WORK_DIR, { recursive: true, force: true });
  mkdirSync(WORK_DIR, { recursive: true });
  // Build a copy: node-gyp rebuild in place would replace the Node build.
  cpSync(source, WORK_DIR, { recursive: true, filter: (path) => !path.includes(`${join('better-sqlite3', 'build')}`) });

  const gyp = nodeGypCommand();
  const args = [...gyp.args, 'rebuild', '--release', `--target=${version}`, '--runtime=electron', `--arch=${process.arch}`];
  args.push(headersDir ? `--nodedir=${headersDir}` : `--dist-url=${distUrl}`);
  console.log(`Building better-sqlite3 for Electron ${version} (${process.arch})…`);
  // A user-level npm `nodedir` (Node's headers) must not leak in: they have the wrong ABI.
  const env = { ...process.env };
  delete env.npm_config_nodedir;
  delete env.NPM_CONFIG_NODEDIR;
  const code = await new ChildGroup().run(gyp.command, args, { cwd: WORK_DIR, env });
  const built = join(WORK_DIR, 'build', 'Release', 'better_sqlite3.node');
  if (code !== 0 || !existsSync(built)) {
    console.error(
      [
        `Could not build better-sqlite3 for Electron ${version} (node-gyp exit ${code}).`,
        headersDir
          ? `Check that ${headersDir} holds Electron ${version}'s headers (include/node/node.h).`
          : `node-gyp needs Electron's headers from ${distUrl}; that host may be unreachable from here.`,
        'Give a local copy with --headers-dir DIR, or point VERITY_SQLITE_NATIVE_BINDING at a prebuilt better_sqlite3.node.',
      ].join('\n'),
    );
    return 1;
  }
  mkdirSync(OUT_DIR, { recursive: true });
  cpSync(built, join(OUT_DIR, 'better_sqlite3.node'));
  console.log(`Wrote ${join(OUT_DIR, 'better_sqlite3.node')}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`build-native: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
