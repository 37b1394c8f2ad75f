import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateElectron, REPO_ROOT } from '../../main/launcher/repo-paths';
import { DEMO_PASSWORD } from '../../server/seed/demo-accounts';
import { startServer, type RunningServer } from '../../server/start';

const located = locateElectron();
let server: RunningServer;
let serverDir: string;
let dataDir: string;

test.beforeAll(async () => {
  // Said plainly instead of skipped: this suite exists to run where Electron does.
  if ('missing' in located) throw new Error(`Electron is not available: ${located.missing}`);
  serverDir = mkdtempSync(join(tmpdir(), 'verity-electron-server-'));
  dataDir = mkdtempSync(join(tmpdir(), 'verity-electron-cockpit-'));
  server = await startServer({ port: 0, dataDir: serverDir, demo: true, logLevel: 'silent', log: () => undefined });
});

test.afterAll(async () => {
  await server?.close();
  for (const dir of [serverDir, dataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

async function launch(): Promise<ElectronApplication> {
  if ('missing' in located) throw new Error(located.missing);
  return electron.launch({
    executablePath: located.path,
    args: ['.'],
    cwd: REPO_ROOT,
    env: { ...process.env, VERITY_SERVER_URL: server.url, VERITY_COCKPIT_DATA_DIR: dataDir },
  });
}

test('signs in, opens on the Agenda, and remembers the session and window across restarts', async () => {
  const app = await launch();
  const win = await app.firstWindow();
  // Same form as the web shell (tests/e2e/app-helpers.ts), whatever the OS language.
  await win.locator('input[autocomplete="url"]').fill(server.url);
  await win.locator('input[autocomplete="username"]').fill('rep01@demo.example.com');
  await win.locator('input[autocomplete="current-password"]').fill(DEMO_PASSWORD);
  await win.locator('button[type="submit"]').click();
  await expect(win.getByRole('heading', { level: 2, name: /^(Today|今日待办)$/ })).toBeVisible();
  const sandboxed = await win.evaluate(() => typeof (globalThis as { require?: unknown }).require === 'undefined');
  expect(sandboxed).toBe(true);
  // The store and sync run in the engine's utility process, not in main (main/shell/engine-process.ts).
  const engine = await app.evaluate(({ app: electronApp }) => electronApp.getAppMetrics().filter((m) => m.type === 'Utility').map((m) => m.name));
  expect(engine).toContain('Verity engine');
  await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.setBounds({ x: 40, y: 40, width: 1111, height: 777 }));
  await app.close();

  const again = await launch();
  const win2 = await again.firstWindow();
  await expect(win2.getByRole('heading', { level: 2, name: /^(Today|今日待办)$/ })).toBeVisible();
  const bounds = await again.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.getBounds());
  expect(bounds).toMatchObject({ width: 1111, height: 777 });
  await again.close();
});
