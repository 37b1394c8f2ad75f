import { expect, test } from '@playwright/test';
import { openSignedOut, openView, REP_EMAIL, screenshot, signInAs, syncStatus } from './app-helpers';

test.beforeEach(async ({ page }) => {
  await openSignedOut(page);
  await signInAs(page, REP_EMAIL);
  await expect(syncStatus(page)).toHaveAttribute('data-state', 'online');
});

test('a rep logs a visit on a lead, marks a task done and moves a deal forward; each shows at once and uploads', async ({ page }) => {
  // A touch: logged from the lead drawer; a visit today appears among today's meetings.
  await openView(page, 'My leads', 'My leads');
  const row = page.locator('[data-testid^="lead-row-"]').first();
  const name = (await row.getByRole('button').first().innerText()).trim();
  await row.getByRole('button', { name }).click();
  const drawer = page.getByRole('dialog', { name });
  await drawer.getByText('Visit', { exact: true }).click();
  await drawer.getByLabel('What happened').fill('');
  await drawer.getByRole('button', { name: 'Log touch' }).click();
  await expect(drawer.getByText('Say in a few words what happened')).toBeVisible();
  await drawer.getByLabel('What happened').fill('Visited the plant, met the buyer');
  await drawer.getByRole('button', { name: 'Log touch' }).click();
  await expect(drawer.getByText('Touch logged')).toBeVisible();
  await page.keyboard.press('Escape');
  await openView(page, 'Agenda', 'Today');
  await expect(page.getByRole('region', { name: "Today's meetings" })).toContainText('Visited the plant, met the buyer');

  // A task: marked done, it leaves the list and the count drops by one.
  const tasks = page.getByRole('region', { name: 'Tasks due' });
  const count = Number(await page.getByTestId('agenda-tasks-count').innerText());
  expect(count).toBeGreaterThan(0);
  const first = tasks.getByTestId('task-done').first();
  const label = (await first.getAttribute('aria-label')) ?? '';
  await first.click();
  await expect(page.getByTestId('agenda-tasks-count')).toHaveText(String(count - 1));
  await expect(tasks.getByRole('button', { name: label, exact: true })).toHaveCount(0);
  await screenshot(page, 'en-agenda-after-edits');

  // A deal: one stage forward.
  await openView(page, 'Pipeline', 'Pipeline');
  const movable = page.locator('[data-testid^="deal-row-"]:has([data-testid="deal-next"]:enabled)').first();
  // Pin the row by its id: once moved, it sorts to the top as the most recently updated.
  const deal = page.getByTestId((await movable.getAttribute('data-testid')) ?? '');
  const stageBefore = (await deal.locator('td').nth(1).innerText()).trim();
  const forward = deal.getByTestId('deal-next');
  const target = ((await forward.getAttribute('aria-label')) ?? '').replace('Forward to ', '');
  await forward.click();
  await expect(deal.locator('td').nth(1)).toHaveText(target);
  expect(target).not.toBe(stageBefore);
  await screenshot(page, 'en-pipeline-after-move');

  // A pool lead is not the rep's: its drawer shows it read-only and says why.
  await openView(page, 'Lead pool', 'Lead pool');
  const pooled = page.locator('[data-testid^="lead-row-"]').first();
  const pooledName = (await pooled.getByRole('button').first().innerText()).trim();
  await pooled.getByRole('button', { name: pooledName }).click();
  const poolDrawer = page.getByRole('dialog', { name: pooledName });
  await expect(poolDrawer).toContainText('Only the lead\'s owner or their manager can change it');
  await expect(poolDrawer.getByLabel('City')).toHaveAttribute('readonly', '');
  await expect(poolDrawer.getByRole('button', { name: 'Save changes' })).toHaveCount(0);
  await screenshot(page, 'en-lead-drawer-pool', { fullPage: false });
  await page.keyboard.press('Escape');

  // Everything reached the server.
  await expect(page.getByTestId('sync-pending')).toHaveCount(0);
  await expect(page.getByTestId('sync-attention')).toHaveCount(0);
});
