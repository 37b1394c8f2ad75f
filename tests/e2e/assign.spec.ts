import { expect, test, type Locator, type Page } from '@playwright/test';
import { choose, MANAGER_EMAIL, openSignedOut, openView, screenshot, signInAs, syncStatus } from './app-helpers';

/** A 华东 rep no other test signs in as, so the sign-in rate limit (10/min per email) is far away. */
const ASSIGNEE_EMAIL = 'rep03@demo.example.com';
const ASSIGNEE_NAME = '张伟';

/** The row of one lead in a paged lead list, turning pages until it shows. */
async function findRow(page: Page, leadId: string, nextLabel = 'Next page'): Promise<Locator> {
  const row = page.getByTestId(`lead-row-${leadId}`);
  const next = page.getByRole('button', { name: nextLabel });
  for (;;) {
    await expect(page.locator('[data-testid^="lead-row-"]').first()).toBeVisible();
    if ((await row.count()) > 0) return row;
    if ((await next.count()) === 0 || (await next.isDisabled())) throw new Error(`lead ${leadId} is not in this list`);
    const first = await page.locator('[data-testid^="lead-row-"]').first().getAttribute('data-testid');
    await next.click();
    await expect(page.locator('[data-testid^="lead-row-"]').first()).not.toHaveAttribute('data-testid', first ?? '');
  }
}

/** Opens the assign select of a drawer and waits for its list of reps. */
async function openAssignSelect(drawer: Locator, label: string): Promise<void> {
  await drawer.getByRole('combobox', { name: label }).click();
  await expect(drawer.page().getByRole('option', { name: ASSIGNEE_NAME })).toBeVisible();
}

test('a manager assigns a lead from the review queue to a 华东 rep, who finds it in My leads and sees a logged touch top its history', async ({ page }) => {
  await openSignedOut(page);
  await signInAs(page, MANAGER_EMAIL);
  await expect(syncStatus(page)).toHaveAttribute('data-state', 'online', { timeout: 60_000 });
  await openView(page, 'Review queue', 'Review queue');

  // Owners are shown by name, not id; pick a lead 张伟 does not own yet.
  const owners = page.getByTestId('lead-owner');
  await expect(owners.first()).not.toHaveText(/^user_|^$/);
  const row = page.locator('[data-testid^="lead-row-"]').filter({ has: page.getByTestId('lead-owner').filter({ hasNotText: ASSIGNEE_NAME }) }).first();
  const leadId = ((await row.getAttribute('data-testid')) ?? '').replace('lead-row-', '');
  const name = (await row.getByRole('button').first().innerText()).trim();
  const oldOwner = (await row.getByTestId('lead-owner').innerText()).trim();
  expect(leadId).not.toBe('');

  await row.getByRole('button', { name }).click();
  const drawer = page.getByRole('dialog', { name });
  await expect(drawer.getByTestId('lead-owner')).toHaveText(`Owner: ${oldOwner}`);
  // The current owner is preselected; a lead in review was never touched, so its history is empty.
  await expect(drawer.getByRole('combobox', { name: 'Assign to' })).toHaveValue(oldOwner);
  await expect(drawer.getByTestId('lead-history-empty')).toHaveText('Nothing logged on this lead yet.');
  await expect(drawer.getByRole('button', { name: 'Assign', exact: true })).toBeDisabled();

  await openAssignSelect(drawer, 'Assign to');
  await screenshot(page, 'en-lead-drawer-assign', { fullPage: false });
  await page.getByRole('option', { name: ASSIGNEE_NAME }).click();
  await expect(drawer.getByRole('combobox', { name: 'Assign to' })).toHaveValue(ASSIGNEE_NAME);
  await drawer.getByRole('button', { name: 'Assign', exact: true }).click();

  // The new owner shows at once, the write reaches the server, and the lead leaves the review queue.
  await expect(drawer.getByTestId('lead-owner')).toHaveText(`Owner: ${ASSIGNEE_NAME}`);
  await expect(drawer.getByTestId('lead-assigned')).toHaveText(`Assigned to ${ASSIGNEE_NAME}.`);
  await expect(drawer.getByRole('combobox', { name: 'Assign to' })).toHaveValue(ASSIGNEE_NAME);
  await expect(page.getByTestId('sync-pending')).toHaveCount(0);
  await expect(page.getByTestId('sync-attention')).toHaveCount(0);
  await expect(page.getByTestId(`lead-row-${leadId}`)).toHaveCount(0);
  await screenshot(page, 'en-lead-drawer-assigned', { fullPage: false });
  await page.keyboard.press('Escape');
  await expect(drawer).toHaveCount(0);

  // The same drawer in Chinese, on another lead of the queue.
  await openView(page, 'Settings', 'Settings');
  await choose(page, 'settings-language', '中文');
  await openView(page, '待复核', '待复核');
  const other = page.locator('[data-testid^="lead-row-"]').first();
  const otherName = (await other.getByRole('button').first().innerText()).trim();
  await other.getByRole('button', { name: otherName }).click();
  const zhDrawer = page.getByRole('dialog', { name: otherName });
  await expect(zhDrawer.getByTestId('lead-owner')).toContainText('负责人：');
  await expect(zhDrawer.getByTestId('lead-history-empty')).toHaveText('此线索还没有跟进记录。');
  await openAssignSelect(zhDrawer, '分配给');
  await screenshot(page, 'zh-lead-drawer-assign', { fullPage: false });
  await page.keyboard.press('Escape');

  // The rep gets the lead with their next sync.
  await openSignedOut(page);
  await signInAs(page, ASSIGNEE_EMAIL);
  await expect(syncStatus(page)).toHaveAttribute('data-state', 'online', { timeout: 60_000 });
  await page.getByTestId('sync-now').click();
  await expect(syncStatus(page)).toHaveAttribute('data-state', 'online');
  await openView(page, 'My leads', 'My leads');
  const mine = await findRow(page, leadId);
  await mine.getByRole('button', { name }).click();
  const repDrawer = page.getByRole('dialog', { name });
  await expect(repDrawer.getByTestId('lead-owner')).toHaveText(`Owner: ${ASSIGNEE_NAME}`);
  await expect(repDrawer.getByTestId('lead-assign')).toHaveCount(0);
  await expect(repDrawer.getByText('Awaiting first touch')).toBeVisible();

  // A touch logged by the rep tops the lead's history.
  const subject = 'Called after the reassignment; buyer wants a quote by Friday';
  await repDrawer.getByLabel('What happened').fill(subject);
  await repDrawer.getByRole('button', { name: 'Log touch' }).click();
  await expect(repDrawer.getByText('Touch logged')).toBeVisible();
  // The open drawer follows: the first-response clock has stopped.
  await expect(repDrawer.getByText(/^First touch /)).toBeVisible();
  await expect(repDrawer.getByText('Awaiting first touch')).toHaveCount(0);
  const top = repDrawer.getByTestId('history-item').first();
  await expect(top.getByTestId('history-subject')).toHaveText(subject);
  await expect(top.getByTestId('history-when')).toHaveText('now');
  await expect(top).toContainText(ASSIGNEE_NAME);
  await top.scrollIntoViewIfNeeded();
  await screenshot(page, 'en-lead-drawer-history', { fullPage: false });
  await expect(page.getByTestId('sync-pending')).toHaveCount(0);
  await page.keyboard.press('Escape');

  // The history in Chinese: relative times in Chinese, the exact time on hover.
  await openView(page, 'Settings', 'Settings');
  await choose(page, 'settings-language', '中文');
  await openView(page, '我的线索', '我的线索');
  await (await findRow(page, leadId, '下一页')).getByRole('button', { name }).click();
  const zhRepDrawer = page.getByRole('dialog', { name });
  const zhTop = zhRepDrawer.getByTestId('history-item').first();
  await expect(zhTop.getByTestId('history-subject')).toHaveText(subject);
  await expect(zhTop).toContainText('电话');
  await expect(zhTop.getByTestId('history-when')).toHaveText(/^(现在|\d+分钟前)$/);
  await zhTop.scrollIntoViewIfNeeded();
  await screenshot(page, 'zh-lead-drawer-history', { fullPage: false });
  await zhTop.getByTestId('history-when').hover();
  await expect(page.getByRole('tooltip')).toContainText(String(new Date().getFullYear()));
});
