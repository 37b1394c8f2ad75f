import { expect, test, type Page } from '@playwright/test';
import { choose, MANAGER_EMAIL, nav, openSignedOut, openView, REP_EMAIL, screenshot, signInAs, syncStatus } from './app-helpers';
import { e2eEnv } from './env';
import { cutNetwork, restoreNetwork } from './relay-control';
import { openSlowRelay } from './slow-relay';
import { TeamServerUser } from './team-server';

test.afterEach(async () => {
  // Whatever happened, the next test starts with the network up.
  await restoreNetwork();
});

/** Each chunk the server sends over the slow line waits this long. */
const SLOW_LINE_DELAY_MS = 400;

interface ShownLead {
  id: string;
  name: string;
  city: string;
}

/** The n-th lead in the My leads table that has a city, as the table shows it. */
async function leadWithCity(page: Page, n: number): Promise<ShownLead> {
  const rows = page.locator('[data-testid^="lead-row-"]');
  await expect(rows.first()).toBeVisible();
  let seen = 0;
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    const city = (await row.getByTestId('lead-city').innerText()).trim();
    if (city === '—' || seen++ < n) continue;
    const id = (await row.getAttribute('data-testid'))?.replace('lead-row-', '') ?? '';
    const name = (await row.getByRole('button').first().innerText()).trim();
    return { id, name, city };
  }
  throw new Error(`fewer than ${n + 1} leads with a city in My leads`);
}

/**
 * Records, in the page, every state the first-sync notice shows (phase and
 * step text), from before the sign-in: nothing between two polls is missed.
 */
async function recordFirstSyncSteps(page: Page): Promise<void> {
  await page.evaluate(() => {
    const steps: string[] = [];
    (window as unknown as { firstSyncSteps: string[] }).firstSyncSteps = steps;
    const look = (): void => {
      const notice = document.querySelector('[data-testid="first-sync-notice"]');
      if (!notice) return;
      const bar = notice.querySelector('[data-testid="first-sync-progress"]');
      const step = notice.querySelector('[data-testid="first-sync-step"]')?.textContent ?? '';
      const seen = bar ? `${bar.getAttribute('data-phase') ?? ''}: ${step}` : `no progress: ${notice.textContent ?? ''}`;
      if (steps[steps.length - 1] !== seen) steps.push(seen);
    };
    new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
}

async function firstSyncSteps(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { firstSyncSteps: string[] }).firstSyncSteps);
}

/** A city different from the ones given. */
function otherCity(...taken: string[]): string {
  const city = ['绍兴', '温州', '嘉兴', '台州', '湖州'].find((c) => !taken.includes(c));
  if (!city) throw new Error('no city left');
  return city;
}

test('an edit made offline that conflicts with a manager’s change waits in Needs attention with the rep’s input, until fixed and sent again', async ({ page }) => {
  await openSignedOut(page);
  await signInAs(page, REP_EMAIL);
  await expect(syncStatus(page)).toHaveAttribute('data-state', 'online');
  await expect(nav(page).getByRole('button', { name: 'Needs attention' })).toBeVisible();
  await expect(nav(page).getByTestId('nav-count-needs-attention')).toHaveCount(0);
  await openView(page, 'My leads', 'My leads');
  const lead = await leadWithCity(page, 0);
  const row = page.getByTestId(`lead-row-${lead.id}`);
  const repCity = otherCity(lead.city);
  const managerCity = otherCity(lead.city, repCity);

  // The network goes down; the next sync finds out and the status bar says so.
  await cutNetwork();
  await page.getByTestId('sync-now').click();
  await expect(syncStatus(page)).toHaveAttribute('data-state', 'offline');
  await expect(page.getByTestId('sync-banner')).toContainText('Working offline');

  // The rep edits the city offline: the list shows it at once, one write waits.
  await row.getByRole('button', { name: lead.name }).click();
  const drawer = page.getByRole('dialog', { name: lead.name });
  await expect(drawer.getByLabel('City')).toHaveValue(lead.city);
  await drawer.getByLabel('City').fill(repCity);
  await screenshot(page, 'en-lead-drawer', { fullPage: false });
  await drawer.getByRole('button', { name: 'Save changes' }).click();
  await expect(drawer.getByTestId('lead-saved')).toContainText('Saved on this computer');
  await expect(row.getByTestId('lead-city')).toHaveText(repCity);
  await expect(page.getByTestId('sync-pending')).toHaveText('1 pending');
  await expect(syncStatus(page)).toHaveAttribute('data-state', 'offline');
  await page.keyboard.press('Escape');
  await expect(drawer).toHaveCount(0);
  await screenshot(page, 'en-status-offline');

  // Meanwhile manager01 changes the same city on the server.
  const manager = await TeamServerUser.signIn(MANAGER_EMAIL);
  const applied = await manager.mutate('lead.update@1', { leadId: lead.id, patch: { city: managerCity }, base: { city: lead.city } });
  expect(applied.status).toBe('applied');

  // Back online: the rep's write is refused as a conflict and kept for them.
  await restoreNetwork();
  await page.getByTestId('sync-now').click();
  await expect(page.getByTestId('sync-attention')).toHaveText('1 need attention');
  await expect(page.getByTestId('toast')).toContainText('Changes refused by the team server: 1');
  await expect(nav(page).getByTestId('nav-count-needs-attention')).toHaveText('1');
  await expect(syncStatus(page)).toHaveAttribute('data-state', 'online');
  await expect(page.getByTestId('sync-pending')).toHaveCount(0);
  await expect(row.getByTestId('lead-city')).toHaveText(managerCity);
  await expect(row.getByTestId('row-attention')).toBeVisible();
  await screenshot(page, 'en-my-leads-refused');

  await page.getByTestId('sync-attention').click();
  await expect(page.getByRole('heading', { level: 2, name: 'Needs attention' })).toBeVisible();
  const card = page.getByTestId('attention-card');
  await expect(card).toHaveCount(1);
  await expect(card).toContainText(`Lead edit · ${lead.name}`);
  await expect(card.getByTestId('attention-reason')).toContainText('Someone else changed this field');
  const compare = card.getByTestId('compare-city');
  await expect(compare.getByTestId('compare-mine')).toHaveText(repCity);
  await expect(compare.getByTestId('compare-theirs')).toHaveText(managerCity);
  await screenshot(page, 'en-needs-attention');

  await card.getByRole('button', { name: 'Fix and send again' }).click();
  const fix = page.getByRole('dialog', { name: `Fix and send again: ${lead.name}` });
  await expect(fix.getByLabel('City')).toHaveValue(repCity);
  await expect(fix).toContainText(`On the server now: ${managerCity}`);
  await screenshot(page, 'en-needs-attention-fix', { fullPage: false });
  await fix.getByRole('button', { name: 'Cancel' }).click();
  await expect(fix).toHaveCount(0);

  // The same screen in Chinese; the fix is sent from there.
  await openView(page, 'Settings', 'Settings');
  await choose(page, 'settings-language', '中文');
  await openView(page, '待处理修改', '待处理修改');
  await expect(card).toContainText(`编辑线索 · ${lead.name}`);
  await expect(compare.getByTestId('compare-mine')).toHaveText(repCity);
  await screenshot(page, 'zh-needs-attention');
  await card.getByRole('button', { name: '修改后重新提交' }).click();
  const fixZh = page.getByRole('dialog', { name: `修改后重新提交：${lead.name}` });
  await expect(fixZh.getByLabel('城市')).toHaveValue(repCity);
  await screenshot(page, 'zh-needs-attention-fix', { fullPage: false });
  await fixZh.getByRole('button', { name: '重新提交', exact: true }).click();
  await expect(fixZh).toHaveCount(0);

  await expect(page.getByTestId('sync-attention')).toHaveCount(0);
  await expect(card).toHaveCount(0);
  await expect(page.getByTestId('empty-state')).toContainText('没有需要处理的修改');
  await screenshot(page, 'zh-needs-attention-empty');
  await expect(nav(page).getByTestId('nav-count-needs-attention')).toHaveCount(0);
  await expect(page.getByTestId('sync-pending')).toHaveCount(0);
  await openView(page, '我的线索', '我的线索');
  await expect(row.getByTestId('lead-city')).toHaveText(repCity);
  await expect(row.getByTestId('row-attention')).toHaveCount(0);
  // The team server has the rep's city now.
  expect((await manager.latestRow('lead', lead.id))?.city).toBe(repCity);
});

test('discarding a refused change needs a confirmation, and then the server’s value stays', async ({ page }) => {
  // Another rep of manager01's team, so this test's sign-in does not count against rep01's rate limit.
  await openSignedOut(page);
  await signInAs(page, 'rep04@demo.example.com');
  await expect(syncStatus(page)).toHaveAttribute('data-state', 'online');
  await openView(page, 'My leads', 'My leads');
  const lead = await leadWithCity(page, 0);
  const row = page.getByTestId(`lead-row-${lead.id}`);
  const repCity = otherCity(lead.city);
  const managerCity = otherCity(lead.city, repCity);

  await cutNetwork();
  await page.getByTestId('sync-now').click();
  await expect(syncStatus(page)).toHaveAttribute('data-state', 'offline');
  await row.getByRole('button', { name: lead.name }).click();
  const drawer = page.getByRole('dialog', { name: lead.name });
  await drawer.getByLabel('City').fill(repCity);
  await drawer.getByRole('button', { name: 'Save changes' }).click();
  await expect(row.getByTestId('lead-city')).toHaveText(repCity);
  await page.keyboard.press('Escape');

  const manager = await TeamServerUser.signIn(MANAGER_EMAIL);
  expect((await manager.mutate('lead.update@1', { leadId: lead.id, patch: { city: managerCity }, base: { city: lead.city } })).status).toBe('applied');
  await restoreNetwork();
  await page.getByTestId('sync-now').click();
  await expect(page.getByTestId('sync-attention')).toHaveText('1 need attention');

  await openView(page, 'Needs attention', 'Needs attention');
  const card = page.getByTestId('attention-card');
  await card.getByRole('button', { name: 'Discard' }).click();
  const confirm = page.getByRole('dialog', { name: 'Discard this change?' });
  await expect(confirm).toContainText(`Lead edit`);
  await expect(confirm).toContainText(lead.name);
  await screenshot(page, 'en-needs-attention-discard', { fullPage: false });
  // "Keep it" keeps it.
  await confirm.getByRole('button', { name: 'Keep it' }).click();
  await expect(confirm).toHaveCount(0);
  await expect(card).toHaveCount(1);
  await expect(page.getByTestId('sync-attention')).toHaveText('1 need attention');

  await card.getByRole('button', { name: 'Discard' }).click();
  await confirm.getByRole('button', { name: 'Discard my change' }).click();
  await expect(card).toHaveCount(0);
  await expect(page.getByTestId('sync-attention')).toHaveCount(0);
  await openView(page, 'My leads', 'My leads');
  await expect(row.getByTestId('lead-city')).toHaveText(managerCity);
  await expect(row.getByTestId('row-attention')).toHaveCount(0);
  await expect(page.getByTestId('sync-pending')).toHaveCount(0);
});

test('a rep’s edit made online reaches the server and survives a reload; bad input is named beside its field (中文)', async ({ page }) => {
  await openSignedOut(page, 'zh-CN');
  await signInAs(page, REP_EMAIL);
  await expect(syncStatus(page)).toHaveAttribute('data-state', 'online');
  await openView(page, '我的线索', '我的线索');
  const lead = await leadWithCity(page, 1);
  const row = page.getByTestId(`lead-row-${lead.id}`);
  const city = otherCity(lead.city);

  await row.getByRole('button', { name: lead.name }).click();
  const drawer = page.getByRole('dialog', { name: lead.name });
  // An empty name is refused by the shared rule before anything is queued.
  await drawer.getByLabel('姓名').fill('');
  await drawer.getByRole('button', { name: '保存修改' }).click();
  await expect(drawer.getByText('请输入姓名（最多 100 个字符）。')).toBeVisible();
  await expect(page.getByTestId('sync-pending')).toHaveCount(0);
  await drawer.getByLabel('姓名').fill(lead.name);
  // So is a mobile that is no phone number, by the same shared rule the server applies.
  const mobile = await drawer.getByLabel('手机').inputValue();
  await drawer.getByLabel('手机').fill('abc');
  await drawer.getByRole('button', { name: '保存修改' }).click();
  await expect(drawer.getByText('请输入电话号码：5–15 位数字，中间可用空格或短横线，可以 + 开头。')).toBeVisible();
  await expect(page.getByTestId('sync-pending')).toHaveCount(0);
  await drawer.getByLabel('手机').fill(mobile);

  await drawer.getByLabel('城市').fill(city);
  await screenshot(page, 'zh-lead-drawer', { fullPage: false });
  await drawer.getByRole('button', { name: '保存修改' }).click();
  await expect(row.getByTestId('lead-city')).toHaveText(city);
  await expect(drawer.getByTestId('lead-saved')).toContainText('已保存并上传到团队服务器');
  await expect(page.getByTestId('sync-pending')).toHaveCount(0);
  const manager = await TeamServerUser.signIn(MANAGER_EMAIL);
  expect((await manager.latestRow('lead', lead.id))?.city).toBe(city);

  await page.reload();
  await expect(page.getByRole('heading', { level: 2, name: '我的线索' })).toBeVisible();
  await expect(row.getByTestId('lead-city')).toHaveText(city);
  await expect(syncStatus(page)).toHaveAttribute('data-state', 'online');
  await expect(page.getByTestId('sync-pending')).toHaveCount(0);

  // The offline status bar in Chinese.
  await cutNetwork();
  await page.getByTestId('sync-now').click();
  await expect(syncStatus(page)).toHaveAttribute('data-state', 'offline');
  await expect(page.getByTestId('sync-banner')).toContainText('离线工作中');
  await screenshot(page, 'zh-status-offline');
});

test('the first sync shows its progress in parts and records, then the lists fill in', async ({ page }) => {
  const serverPort = Number(new URL(e2eEnv('realServerUrl')).port);
  for (const run of [
    { locale: 'en', shot: 'en-first-sync', done: 'Today' },
    { locale: 'zh-CN', shot: 'zh-first-sync', done: '今日待办' },
  ] as const) {
    // A slow line on a new address: the cockpit keeps one cache per server address and user,
    // so this user has never synced here, and the snapshot takes a few seconds.
    const slow = await openSlowRelay(serverPort, SLOW_LINE_DELAY_MS);
    try {
      await openSignedOut(page, run.locale);
      await recordFirstSyncSteps(page);
      await signInAs(page, 'rep02@demo.example.com', slow.url);
      const notice = page.getByTestId('first-sync-notice');
      const progress = page.getByTestId('first-sync-progress');
      await expect(progress).toBeVisible();
      await expect(page.getByTestId('sync-state')).toContainText(run.locale === 'en' ? 'First sync' : '首次同步');
      // Caught half-way: some parts loaded, not all.
      const parts = run.locale === 'en' ? /Part (\d+) of (\d+)/ : /第 (\d+)\/(\d+) 部分/;
      await expect
        .poll(
          async () => {
            const text = (await notice.count()) > 0 ? await notice.innerText() : 'gone';
            const [, done, total] = parts.exec(text) ?? [];
            return Number(done) > 0 && Number(done) < Number(total) ? 'half-way' : text;
          },
          { intervals: [50] },
        )
        .toBe('half-way');
      await screenshot(page, run.shot);
      await expect(notice).toHaveCount(0, { timeout: 60_000 });
      // From the first moment (while the manifest is on its way) a moving bar says what is happening;
      // the notice never sat there without progress.
      const steps = await firstSyncSteps(page);
      expect(steps[0]).toMatch(run.locale === 'en' ? /^preparing: Preparing/ : /^preparing: 准备中/);
      expect(steps.filter((s) => s.startsWith('no progress'))).toEqual([]);
      expect(steps.some((s) => s.startsWith('loading: '))).toBe(true);
      // Once parts arrive it never says "preparing" again (the swap and the catch-up pull are "finishing").
      expect(steps.slice(steps.findIndex((s) => s.startsWith('loading: '))).filter((s) => s.startsWith('preparing'))).toEqual([]);
      await expect(syncStatus(page)).toHaveAttribute('data-state', 'online');
      await expect(page.getByRole('heading', { level: 2, name: run.done })).toBeVisible();
      await expect(page.getByRole('region', { name: run.locale === 'en' ? 'Tasks due' : '到期任务' })).toBeVisible();
    } finally {
      await slow.close();
    }
  }
});
