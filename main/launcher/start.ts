import { readFlag, resolveDataDir } from '../services/data-dir';
import { startWebHost, type WebHost } from '../web/web-host';
import { ChildGroup } from './child-processes';
import { launchDesktop } from './desktop-app';
import { locateElectron, pickPort, REPO_ROOT } from './repo-paths';
import { serverPortRequest } from './server-port';
import { startDemoServer } from './team-server';

/**
 * `npm start`: the team server with demo data, then the cockpit pointed at it:
 * the Electron app where its binary is installed, otherwise the web shell.
 * Ctrl-C stops everything. `--no-build` serves the renderer as last built.
 *
 * If the team server stops, the cockpit stays: it is offline-first, so it
 * keeps working from its cache and sends queued changes once a server
 * answers at the same address again.
 */

const children = new ChildGroup();
let webHost: WebHost | null = null;
let stopping = false;

async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await webHost?.close().catch(() => {});
    await children.stopAll();
  }
  process.exit(code);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  const requested = serverPortRequest(argv, process.env);
  const port = requested.explicit ? requested.port : await pickPort(requested.port);
  const server = await startDemoServer(children, port);
  console.log(`Verity team server: ${server.url}`);
  void server.exited.then((code) => {
    if (stopping) return;
    console.error(
      `The team server stopped (exit ${code}). The cockpit keeps working offline; its changes wait until a server answers at ${server.url} again ` +
        `(\`npm run server -- --port ${port}\`). Press Ctrl-C to quit.`,
    );
  });

  const dataDir = resolveDataDir(argv);
  const electron = argv.includes('--web') ? { missing: '--web was given' } : locateElectron();
  if ('path' in electron) {
    const desktop = await launchDesktop(children, electron.path, {
      VERITY_SERVER_URL: server.url,
      VERITY_COCKPIT_DATA_DIR: dataDir,
    });
    const code = await desktop.exited;
    await stop(code);
    return;
  }

  console.log(`Electron is not available here (${electron.missing}); serving the cockpit in your browser instead.`);
  if (!argv.includes('--no-build')) {
    const built = await children.run('npm', ['run', 'build:renderer'], { cwd: REPO_ROOT });
    if (built !== 0) throw new Error(`npm run build:renderer failed (exit ${built})`);
  }
  const webPort = Number(readFlag(argv, 'port') ?? process.env.VERITY_WEB_PORT ?? 0);
  webHost = await startWebHost({ dataDir, serverUrl: server.url, port: Number.isInteger(webPort) ? webPort : 0 });
  console.log(`Verity web shell: ${webHost.url}`);
  console.log('Press Ctrl-C to stop.');
}

main().catch(async (error: unknown) => {
  console.error(`verity start: ${error instanceof Error ? error.message : String(error)}`);
  await stop(1);
});
