import { expect, test, type Page } from '@playwright/test';
import type { IpcCall, IpcRequest, VerityBridge } from '../../shared/ipc/contract';
import { MANAGER_EMAIL, nav, openSignedOut, openView, REP_EMAIL, screenshot, settled, signInAs, syncStatus } from './app-helpers';

async function signedIn(page: Page, email: string): Promise<void> {
  await openSignedOut(page);
  await signInAs(page, email);
  await expect(syncStatus(page)).toHaveAttribute('data-state', 'online');
  await settled(page);
}

/** One call through the page's own bridge, as the renderer makes it. */
async function invoke<T>(page: Page, call: IpcCall, request: IpcRequest<IpcCall>): Promise<T> {
  return page.evaluate(
    async ([c, r]) => {
      const result = await (window as unknown as { verity: VerityBridge }).verity.invoke(c, r);
      if (!result.ok) throw new Error(`${c}: ${result.error.message}`);
      return result.value as T;
    },
    [call, request] as const,
  );
}

const rows = (page: Page, card: string) => page.getByTestId(`${card}-rows`).locator(':scope > *');

test('agenda cards show true totals that agree with the navigation; each card shows all of its items; rows open their lead or deal', async ({ page }) => {
  await signedIn(page, REP_EMAIL);
  // Enough follow-ups due today that the card must page: on one lead of hers and on her deal.
  const lead = (await invoke<{ leads: { id: string; name: string }[] }>(page, 'leads.list', { scope: 'mine', limit: 1 })).leads[0];
  const deal = (await invoke<{ opportunities: { id: string; name: string }[] }>(page, 'opportunities.list', { scope: 'mine', limit: 1 })).opportunities[0];
  expect(lead && deal).toBeTruthy();
  const stamp = Date.now();
  const dueAt = new Date().toISOString();
  for (let i = 0; i < 12; i++) {
    await invoke(page, 'sync.mutate', {
      name: 'task.create@1',
      args: {
        id: `e2e-agenda-${stamp}-${i}`,
        title: `E2E follow-up ${stamp} #${i}`,
        dueAt,
        leadId: i % 2 === 0 ? (lead?.id ?? null) : null,
        opportunityId: i % 2 === 1 ? (deal?.id ?? null) : null,
      },
    });
  }

  await openView(page, 'Agenda', 'Today');
  const count = page.getByTestId('agenda-tasks-count');
  await expect.poll(async () => Number(await count.innerText())).toBeGreaterThanOrEqual(12);
  const tasks = Number(await count.innerText());
  await expect(nav(page).getByTestId('nav-count-agenda')).toHaveText(String(tasks));
  await expect(rows(page, 'agenda-tasks')).toHaveCount(8);
  await page.getByTestId('agenda-tasks-all').click();
  await expect(rows(page, 'agenda-tasks')).toHaveCount(Math.min(tasks, 25));
  await screenshot(page, 'en-agenda-tasks-all');

  // Every other card lists as many rows as its total says, up to the preview.
  for (const card of ['agenda-first-response', 'agenda-stalling', 'agenda-meetings']) {
    const total = Number(await page.getByTestId(`${card}-count`).innerText());
    await expect(rows(page, card)).toHaveCount(Math.min(total, 8));
  }

  // A task on a lead opens the lead's drawer; one on a deal opens the deal.
  const taskCard = page.getByRole('region', { name: 'Tasks due' });
  await taskCard.getByRole('button', { name: `E2E follow-up ${stamp} #0`, exact: true }).click();
  await expect(page.getByRole('dialog', { name: lead?.name })).toBeVisible();
  await page.keyboard.press('Escape');
  await taskCard.getByRole('button', { name: `E2E follow-up ${stamp} #1`, exact: true }).click();
  await expect(page.getByTestId('deal-drawer-name')).toHaveText(deal?.name ?? '');
  await screenshot(page, 'en-deal-drawer');
  await page.keyboard.press('Escape');

  await page.getByTestId('agenda-tasks-fewer').click();
  await expect(rows(page, 'agenda-tasks')).toHaveCount(8);
  // Done with them: the agenda count drops back.
  for (let i = 0; i < 12; i++) await invoke(page, 'sync.mutate', { name: 'task.complete@1', args: { taskId: `e2e-agenda-${stamp}-${i}` } });
  await expect(count).toHaveText(String(tasks - 12));
  await expect(page.getByTestId('sync-pending')).toHaveCount(0);
});

test('pipeline stage cards count the whole scope on every page; the heat map judges each stage; a deal row opens the deal', async ({ page }) => {
  await signedIn(page, MANAGER_EMAIL);
  await openView(page, 'Pipeline', 'Pipeline');
  const cards = page.getByRole('list', { name: 'Deals per stage' });
  const before = await cards.innerText();
  const open = (await page.locator('[data-testid^="stage-"][data-testid$="-open"]').allInnerTexts()).reduce((n, s) => n + Number(s), 0);
  const summary = await invoke<{ stages: { open: number }[] }>(page, 'pipeline.summary', { scope: 'team' });
  expect(open).toBe(summary.stages.reduce((n, s) => n + s.open, 0));
  expect(open).toBeGreaterThan(0);
  const next = page.getByRole('button', { name: 'Next page' });
  if ((await next.count()) > 0) {
    await next.click();
    await settled(page);
    expect(await cards.innerText()).toBe(before);
  }
  await screenshot(page, 'en-pipeline-stage-cards');

  const row = page.locator('[data-testid^="deal-row-"]').first();
  const name = (await row.locator('[aria-haspopup="dialog"]').innerText()).trim();
  await row.locator('[aria-haspopup="dialog"]').click();
  await expect(page.getByTestId('deal-drawer-name')).toHaveText(name);
  await page.keyboard.press('Escape');

  await openView(page, 'Team heat map', 'Team heat map');
  const levels = await page.locator('[data-heat]').evaluateAll((els) => els.map((e) => e.getAttribute('data-heat')));
  expect(levels.length).toBeGreaterThan(0);
  for (const level of levels) expect(['cool', 'warm', 'hot']).toContain(level);
  await screenshot(page, 'en-team-heat-map-read-model');
});
