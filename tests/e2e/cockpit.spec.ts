import { expect, test } from '@playwright/test';
import { choose, deadServerUrl, DEMO_PASSWORD, MANAGER_EMAIL, nav, openSignedOut, openView, REP_EMAIL, screenshot, signIn } from './app-helpers';
import { e2eEnv } from './env';

const EN_VIEWS = [
  { key: 'my-leads', label: 'My leads', heading: 'My leads' },
  { key: 'lead-pool', label: 'Lead pool', heading: 'Lead pool' },
  { key: 'pipeline', label: 'Pipeline', heading: 'Pipeline' },
  { key: 'proposals', label: 'Proposals', heading: 'Proposals' },
  { key: 'reports', label: 'Reports', heading: 'Reports' },
  { key: 'settings', label: 'Settings', heading: 'Settings' },
  { key: 'agenda', label: 'Agenda', heading: 'Today' },
] as const;

const ZH_VIEWS = [
  { key: 'agenda', label: '今日待办', heading: '今日待办' },
  { key: 'my-leads', label: '我的线索', heading: '我的线索' },
  { key: 'lead-pool', label: '线索公海', heading: '线索公海' },
  { key: 'pipeline', label: '销售管道', heading: '销售管道' },
  { key: 'proposals', label: '方案追踪', heading: '方案追踪' },
  { key: 'reports', label: '报表', heading: '报表' },
] as const;

test.beforeEach(async ({ page }) => {
  await openSignedOut(page);
});

test('a wrong password shows the error, keeps the email and clears the password', async ({ page }) => {
  // The host hands the sign-in form its team server as the default.
  await expect(page.getByLabel('Team server URL')).toHaveValue(e2eEnv('serverUrl'));
  await screenshot(page, 'en-sign-in');

  await signIn(page, REP_EMAIL, 'not-the-password');
  await expect(page.getByRole('alert')).toContainText('The email or password is not correct.');
  await expect(page.getByLabel('Work email')).toHaveValue(REP_EMAIL);
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
  await expect(nav(page)).toHaveCount(0);
  await screenshot(page, 'en-sign-in-error');
});

test('an unreachable team server is named in the error, and nothing typed is lost', async ({ page }) => {
  const dead = await deadServerUrl();
  await signIn(page, REP_EMAIL, DEMO_PASSWORD, dead);
  await expect(page.getByRole('alert')).toContainText(`Cannot reach the team server at ${dead}`);
  await expect(page.getByLabel('Team server URL')).toHaveValue(dead);
  await expect(page.getByLabel('Work email')).toHaveValue(REP_EMAIL);
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue(DEMO_PASSWORD);
});

test('an empty form highlights the fields instead of calling the server', async ({ page }) => {
  await page.getByLabel('Team server URL').fill('not a url');
  // The form offers the last signed-in email (whichever spec ran before); empty it.
  await page.getByLabel('Work email').fill('');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('Please correct the highlighted fields.');
  await expect(page.getByText('Enter an address starting with http:// or https://')).toBeVisible();
  await expect(page.getByText('Enter a valid email address')).toBeVisible();
  await expect(page.getByText('Enter your password')).toBeVisible();
});

test('a rep signs in to the English shell, and every view shows data or explains itself', async ({ page }) => {
  await signIn(page, REP_EMAIL);
  await expect(page.getByRole('heading', { level: 2, name: 'Today' })).toBeVisible();
  await expect(page.getByTestId('user-name')).not.toBeEmpty();
  await expect(page.getByTestId('user-role')).toContainText('Sales rep');
  await expect(page.getByTestId('sync-status')).toBeVisible();
  for (const label of ['Agenda', 'My leads', 'Lead pool', 'Pipeline', 'Proposals', 'Reports', 'Settings']) {
    await expect(nav(page).getByRole('button', { name: label })).toBeVisible();
  }
  // Managers-only views stay hidden from reps.
  await expect(nav(page).getByRole('button', { name: 'Review queue' })).toHaveCount(0);
  await expect(nav(page).getByRole('button', { name: 'Team heat map' })).toHaveCount(0);

  // The agenda's four groups each show a count, with rows or a sentence saying what will appear.
  for (const group of ['First-response clocks', 'Tasks due', 'Stalling deals', "Today's meetings"]) {
    await expect(page.getByRole('region', { name: group })).toBeVisible();
  }
  await screenshot(page, 'en-agenda');

  for (const view of EN_VIEWS) {
    await openView(page, view.label, view.heading);
    // Every contract call answered and passed the renderer's own schema check.
    await expect(page.getByRole('main').getByRole('alert')).toHaveCount(0);
    await screenshot(page, `en-${view.key}`);
  }
  // Lists show rows once the cockpit's cache is synced, and say what will appear until then.
  await openView(page, 'My leads', 'My leads');
  await expect(page.getByRole('table', { name: 'Leads' }).or(page.getByTestId('empty-state'))).toBeVisible();
  // A view without a contract call explains what it is for.
  await openView(page, 'Proposals', 'Proposals');
  await expect(page.getByTestId('empty-state')).toContainText('action credibility');
});

test('switching to 中文 in Settings translates the shell, and sign out returns to sign-in', async ({ page }) => {
  await signIn(page, REP_EMAIL);
  await openView(page, 'Settings', 'Settings');
  await choose(page, 'settings-language', '中文');

  await expect(page.getByRole('heading', { level: 2, name: '设置' })).toBeVisible();
  for (const label of ['今日待办', '我的线索', '线索公海', '销售管道', '方案追踪', '报表', '设置']) {
    await expect(nav(page).getByRole('button', { name: label })).toBeVisible();
  }
  await expect(page.getByTestId('user-role')).toContainText('销售代表');
  await expect(page.getByText('语言和外观')).toBeVisible();
  await screenshot(page, 'zh-settings');

  for (const view of ZH_VIEWS) {
    await openView(page, view.label, view.heading);
    await screenshot(page, `zh-${view.key}`);
  }

  // Dark theme, kept by the same settings call path.
  await openView(page, '设置', '设置');
  await choose(page, 'settings-theme', '深色');
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark');
  await openView(page, '今日待办', '今日待办');
  await screenshot(page, 'zh-agenda-dark');
  await openView(page, '我的线索', '我的线索');
  await screenshot(page, 'zh-my-leads-dark');

  await openView(page, '设置', '设置');
  await page.getByRole('button', { name: '退出登录' }).click();
  await expect(page.getByRole('heading', { name: '登录团队' })).toBeVisible();
  await expect(nav(page)).toHaveCount(0);
  await expect(page.getByLabel('工作邮箱')).toHaveValue(REP_EMAIL);
  await screenshot(page, 'zh-sign-in-dark');
});

test('English dark theme keeps the agenda readable', async ({ page }) => {
  await signIn(page, REP_EMAIL);
  await openView(page, 'Settings', 'Settings');
  await choose(page, 'settings-theme', 'Dark');
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark');
  await screenshot(page, 'en-settings-dark');
  await openView(page, 'Agenda', 'Today');
  await screenshot(page, 'en-agenda-dark');
});

test('a manager sees the Review queue and the Team heat map', async ({ page }) => {
  await signIn(page, MANAGER_EMAIL);
  await expect(page.getByTestId('user-role')).toContainText('Manager');
  await openView(page, 'Review queue', 'Review queue');
  await screenshot(page, 'en-review-queue');
  await openView(page, 'Team heat map', 'Team heat map');
  await screenshot(page, 'en-team-heat-map');
  await openView(page, 'Pipeline', 'Pipeline');
  await screenshot(page, 'en-pipeline-manager');

  await openView(page, 'Settings', 'Settings');
  await choose(page, 'settings-language', '中文');
  await openView(page, '待复核', '待复核');
  await screenshot(page, 'zh-review-queue');
  await openView(page, '团队热力图', '团队热力图');
  await screenshot(page, 'zh-team-heat-map');
});

test('without the token the page and its socket get nothing (401)', async ({ browser }) => {
  // A fresh context has no cookie: nothing but the bare origin.
  const context = await browser.newContext();
  const page = await context.newPage();
  const origin = new URL(e2eEnv('appUrl')).origin;
  const response = await page.goto(`${origin}/`);
  expect(response?.status()).toBe(401);
  await expect(page.locator('#root')).toHaveCount(0);
  expect((await page.request.get(`${origin}/web-bridge.js`)).status()).toBe(401);

  const socket = await page.evaluate(
    (url) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(url);
        ws.onopen = () => resolve('open');
        ws.onclose = () => resolve('closed');
      }),
    `${origin.replace('http', 'ws')}/ipc`,
  );
  expect(socket).toBe('closed');
  await context.close();
});
