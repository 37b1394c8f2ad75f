import type { ChildGroup } from './child-processes';
import { bin, REPO_ROOT } from './repo-paths';

/** Builds main, preload and renderer with electron-vite, then runs the Electron binary on the build. */
export async function launchDesktop(
  children: ChildGroup,
  electronBinary: string,
  env: NodeJS.ProcessEnv,
): Promise<{ exited: Promise<number> }> {
  const built = await children.run(process.execPath, [bin('electron-vite', 'bin/electron-vite.js'), 'build'], { cwd: REPO_ROOT });
  if (built !== 0) throw new Error(`electron-vite build failed (exit ${built})`);
  const app = children.start('cockpit', electronBinary, ['.'], { cwd: REPO_ROOT, env: { ...process.env, ...env } });
  const exited = new Promise<number>((resolve) => {
    app.once('error', () => resolve(1));
    app.once('exit', (code) => resolve(code ?? 0));
  });
  return { exited };
}
