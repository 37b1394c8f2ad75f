import { consoleLogger as log } from '../services/logger';
import { isParentPort, serveParentPort } from './parent-port';

/**
 * Entry of the Electron utility process that runs the cockpit's engine, so
 * SQLite work (index builds, first-sync loads) never blocks the windows.
 * Built to out/main/engine.js (electron.vite.config.ts); main/shell forks it.
 */
const parent: unknown = Reflect.get(process, 'parentPort');
if (!isParentPort(parent)) {
  log.error('main/engine/utility-entry.ts runs only as an Electron utility process');
  process.exit(1);
} else {
  serveParentPort(parent, log).then(
    () => process.exit(0),
    (error: unknown) => {
      log.error('the engine stopped', error);
      process.exit(1);
    },
  );
}
