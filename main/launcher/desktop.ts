import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { resolveDataDir } from '../services/data-dir';
import { ChildGroup } from './child-processes';
import { launchDesktop } from './desktop-app';
import { locateElectron, REPO_ROOT } from './repo-paths';

/** `npm run desktop`: the Electron cockpit alone, against VERITY_SERVER_URL (default http://127.0.0.1:4310). */
const children = new ChildGroup();

async function main(): Promise<void> {
  process.on('SIGINT', () => void children.stopAll().then(() => process.exit(0)));
  process.on('SIGTERM', () => void children.stopAll().then(() => process.exit(0)));
  const electron = locateElectron();
  if ('missing' in electron) {
    console.error(`Electron is not available here (${electron.missing}). Use \`npm run web\` for the browser cockpit.`);
    process.exit(1);
  }
  if (!process.env.VERITY_SQLITE_NATIVE_BINDING && !existsSync(join(REPO_ROOT, '.native', 'electron', 'better_sqlite3.node'))) {
    console.warn('No Electron build of better-sqlite3 in .native/electron/; if the app fails to open its store, run: npx tsx main/launcher/build-native.ts');
  }
  const desktop = await launchDesktop(children, electron.path, {
    VERITY_SERVER_URL: process.env.VERITY_SERVER_URL ?? 'http://127.0.0.1:4310',
    VERITY_COCKPIT_DATA_DIR: resolveDataDir(process.argv.slice(2)),
  });
  process.exit(await desktop.exited);
}

main().catch(async (error: unknown) => {
  console.error(`verity desktop: ${error instanceof Error ? error.message : String(error)}`);
  await children.stopAll();
  process.exit(1);
});
