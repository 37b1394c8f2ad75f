import { expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { VerityBridge } from '../../shared/ipc/contract';
import { e2eEnv } from './env';

/** Fixed demo sign-ins seeded by `startServer({ demo: true })`. */
export const DEMO_PASSWORD = 'verity-demo-2026';
export const REP_EMAIL = 'rep01@demo.example.com';
export const MANAGER_EMAIL = 'manager01@demo.example.com';

const SCREENSHOT_DIR = fileURLToPath(new URL('./screenshots/', import.meta.url));
mkdirSync(SCREENSHOT_DIR, { recursive: true });

/**
 * Opens the app through the tokened URL and resets what the web host keeps
 * between pages (one session and one settings file), so every test starts
 * signed out, in English (the host's OS locale is en-US) and in light theme.
 */
export async function openSignedOut(page: Page, locale: 'en' | 'zh-CN' = 'en'): Promise<void> {
  await page.goto(e2eEnv('appUrl'));
  await page.waitForFunction(() => 'verity' in window);
  await page.evaluate(async (chosen) => {
    const verity = (window as unknown as { verity: VerityBridge }).verity;
    const out = await verity.invoke('session.signOut', {});
    const settings = await verity.invoke('settings.update', { locale: chosen, theme: 'light' });
    if (!out.ok || !settings.ok) throw new Error('could not reset the cockpit state');
  }, locale === 'en' ? null : locale);
  await page.reload();
  await expect(page.getByRole('heading', { name: locale === 'en' ? 'Sign in to your team' : '登录团队' })).toBeVisible();
}

/** Signs in whatever the UI language (the inputs are found by their autocomplete purpose). */
export async function signInAs(page: Page, email: string, serverUrl = e2eEnv('serverUrl')): Promise<void> {
  await page.locator('input[autocomplete="url"]').fill(serverUrl);
  await page.locator('input[autocomplete="username"]').fill(email);
  await page.locator('input[autocomplete="current-password"]').fill(DEMO_PASSWORD);
  await page.locator('button[type="submit"]').click();
  await expect(nav(page)).toBeVisible();
}

/** The header's status bar. */
export function syncStatus(page: Page) {
  return page.getByTestId('sync-status');
}

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD, serverUrl = e2eEnv('serverUrl')): Promise<void> {
  await page.getByLabel('Team server URL').fill(serverUrl);
  await page.getByLabel('Work email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export function nav(page: Page) {
  return page.getByRole('navigation', { name: /Main navigation|主导航/ });
}

/** Opens a view from the navigation and waits until its data (or empty state) is on screen. */
export async function openView(page: Page, label: string, heading: string): Promise<void> {
  await nav(page).getByRole('button', { name: label }).click();
  await expect(page.getByRole('heading', { level: 2, name: heading })).toBeVisible();
  await settled(page);
}

export async function settled(page: Page): Promise<void> {
  await expect(page.getByTestId('view-loading')).toHaveCount(0);
}

/** Picks one option of a SegmentedControl (its radios are visually hidden behind their labels). */
export async function choose(page: Page, groupTestId: string, label: string): Promise<void> {
  const group = page.getByTestId(groupTestId);
  await group.getByText(label, { exact: true }).click();
  await expect(group.getByRole('radio', { name: label })).toBeChecked();
}

/**
 * Saves a screenshot to look at. Transitions are finished first and the mouse
 * moved off any tooltip; screens with a dialog are taken at window size, since
 * its overlay covers only the window.
 */
export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<void> {
  await settled(page);
  await page.mouse.move(1, 1);
  await page.screenshot({ path: `${SCREENSHOT_DIR}${name}.png`, fullPage: opts.fullPage ?? true, animations: 'disabled' });
}

/** An http:// URL on 127.0.0.1 where nothing listens (a port just released). */
export async function deadServerUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}
