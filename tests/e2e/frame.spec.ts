import { expect, test, type Page } from '@playwright/test';
import { WireClientMessageSchema, WireServerMessageSchema } from '../../shared/ipc/wire';
import { choose, MANAGER_EMAIL, nav, openSignedOut, openView, REP_EMAIL, screenshot, signInAs, syncStatus } from './app-helpers';
import { TeamServerUser } from './team-server';

/**
 * The frame around the views: where a sign-in lands, what Settings says about
 * the user, and how often the open view asks the cockpit for data.
 */

/** Calls the page sends over the web bridge's socket, and which of them were answered. */
class BridgeTraffic {
  readonly sent: { id: number; call: string }[] = [];
  readonly answered = new Set<number>();

  constructor(page: Page) {
    // Registered before the page opens its socket (the reload in openSignedOut opens a new one).
    page.on('websocket', (socket) => {
      socket.on('framesent', ({ payload }) => {
        const parsed = WireClientMessageSchema.safeParse(safeJson(payload));
        if (parsed.success) this.sent.push({ id: parsed.data.id, call: parsed.data.call });
      });
      socket.on('framereceived', ({ payload }) => {
        const parsed = WireServerMessageSchema.safeParse(safeJson(payload));
        if (parsed.success && parsed.data.t === 'result') this.answered.add(parsed.data.id);
      });
    });
  }

  /** How many `call` requests were sent after `mark` (an index into `sent`). */
  count(call: string, mark = 0): number {
    return this.sent.slice(mark).filter((c) => c.call === call).length;
  }

  answeredCount(call: string, mark = 0): number {
    return this.sent.slice(mark).filter((c) => c.call === call && this.answered.has(c.id)).length;
  }
}

function safeJson(payload: string | Buffer): unknown {
  try {
    return JSON.parse(String(payload));
  } catch {
    return null;
  }
}

/** Lets the page handle what it has received: a render, its effects, and the calls they send. */
async function settle(page: Page): Promise<void> {
  for (let i = 0; i < 3; i++) await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0))));
}

test('a sign-in opens the Agenda, not the view the previous user left open; a reload keeps the view', async ({ page }) => {
  await openSignedOut(page);
  await signInAs(page, REP_EMAIL);
  await openView(page, 'Pipeline', 'Pipeline');
  await page.reload();
  await expect(page.getByRole('heading', { level: 2, name: 'Pipeline' })).toBeVisible();

  // Signed out from the menu: the address still says #/pipeline.
  await page.getByTestId('user-menu').click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to your team' })).toBeVisible();
  await signInAs(page, MANAGER_EMAIL);
  await expect(page.getByRole('heading', { level: 2, name: 'Today' })).toBeVisible();
  await expect(nav(page).getByRole('button', { name: 'Agenda' })).toHaveAttribute('aria-current', 'page');
  expect(new URL(page.url()).hash).toBe('#/agenda');
});

test('a manager’s Settings lists the teams he manages, in both languages', async ({ page }) => {
  await openSignedOut(page);
  await signInAs(page, MANAGER_EMAIL);
  await openView(page, 'Settings', 'Settings');
  const managed = page.getByTestId('settings-managed-teams');
  // manager01 runs 华东 and 华南 (the demo team).
  await expect(managed).toContainText('华东');
  await expect(managed).toContainText('华南');
  await expect(page.getByText('No team')).toHaveCount(0);
  // The header names them too, beside his role.
  await expect(page.getByTestId('user-role')).toContainText('Manager · 华东');
  await screenshot(page, 'en-settings-manager');
  await choose(page, 'settings-language', '中文');
  await expect(page.getByRole('row', { name: /管理的团队/ })).toBeVisible();
  await expect(page.getByText('无团队')).toHaveCount(0);
  await screenshot(page, 'zh-settings-manager');

  // A rep's Settings names her own team.
  await openSignedOut(page);
  await signInAs(page, REP_EMAIL);
  await openView(page, 'Settings', 'Settings');
  await expect(page.getByTestId('settings-team')).not.toContainText('No team');
  await expect(page.getByTestId('settings-managed-teams')).toHaveCount(0);
});

test('a change made on another cockpit reloads the open list once; a sync that finds nothing reloads nothing', async ({ page }) => {
  const traffic = new BridgeTraffic(page);
  await openSignedOut(page);
  await signInAs(page, REP_EMAIL);
  await expect(syncStatus(page)).toHaveAttribute('data-state', 'online');
  await openView(page, 'My leads', 'My leads');
  const row = page.locator('[data-testid^="lead-row-"]').first();
  await expect(row).toBeVisible();
  const leadId = ((await row.getAttribute('data-testid')) ?? '').replace('lead-row-', '');
  const before = (await row.getByTestId('lead-city').innerText()).trim();
  const city = ['绍兴', '温州', '嘉兴'].find((c) => c !== before) ?? '台州';
  await settle(page);

  // The manager edits the lead on his own cockpit (straight to the server); the rep's list shows it.
  const mark = traffic.sent.length;
  const manager = await TeamServerUser.signIn(MANAGER_EMAIL);
  const result = await manager.mutate('lead.update@1', { leadId, patch: { city }, base: { city: before === '—' ? null : before } });
  expect(result.status).toBe('applied');
  await expect(page.getByTestId(`lead-row-${leadId}`).getByTestId('lead-city')).toHaveText(city);

  // Then a sync that finds nothing new.
  await page.getByTestId('sync-now').click();
  await expect.poll(() => traffic.answeredCount('sync.now', mark)).toBe(1);
  await expect(syncStatus(page)).toHaveAttribute('data-state', 'online');
  await settle(page);

  // One change, one query per view: the sync's finishing status (a new lastSyncedAt) asks for nothing.
  expect(traffic.count('leads.list', mark)).toBe(1);
  expect(traffic.count('workspace.summary', mark)).toBe(1);
});

test('a session the server ended shows the sign-in form saying so, not "offline"', async ({ page }) => {
  const account = { email: 'rep12@demo.example.com', userId: 'user_rep12' };
  await openSignedOut(page);
  await signInAs(page, account.email);
  await expect(syncStatus(page)).toHaveAttribute('data-state', 'online');
  const admin = await TeamServerUser.signIn('admin@demo.example.com');
  await admin.patchUser(account.userId, { active: false });
  try {
    // The server closes the account's live socket; the sync that follows meets a 401, and the form says why.
    await expect(page.getByTestId('session-ended')).toContainText('Your session has ended: sign in again.');
    await expect(page.getByLabel('Work email')).toHaveValue(account.email);
    await screenshot(page, 'en-session-ended');
  } finally {
    await admin.patchUser(account.userId, { active: true });
  }
});
