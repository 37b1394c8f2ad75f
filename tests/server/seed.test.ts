import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServerDb, type ServerDb } from '../../server/db/connection';
import type { ServerDatabase } from '../../server/db/schema';
import { verifyPassword } from '../../server/modules/auth/password';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../../server/seed/demo-accounts';
import { DEMO_LEADS, DEMO_SEED, ensureDemoData } from '../../server/seed/demo';
import { generateDataset, type SeedDataset } from '../../server/seed/generate';
import { SeedRefusedError, seedDatabase } from '../../server/seed/seed';
import { isStalling, workingDaysBetween } from '../../shared/domain/clocks';
import { LEAD_SOURCES, STAGES, type Stage } from '../../shared/domain/enums';
import { openTestStore, storeKinds, type TestStore } from './store-harness';

// 10:00 on a Monday, China time: tasks "due today" have room after it.
const NOW = Date.parse('2026-03-02T02:00:00Z');
const DAY = 86_400_000;
const CHINA = 8 * 3_600_000;
const chinaDayStart = (ms: number): number => Math.floor((ms + CHINA) / DAY) * DAY - CHINA;
const HAN = /\p{Script=Han}/u;

const countBy = <T>(items: readonly T[], key: (item: T) => string): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
};

describe('generateDataset', () => {
  let data: SeedDataset;
  beforeAll(() => {
    data = generateDataset({ leads: 3000, seed: 7, now: NOW });
  });

  it('gives the same data for the same seed and different data for another seed', () => {
    expect(generateDataset({ leads: 3000, seed: 7, now: NOW })).toEqual(data);
    expect(JSON.stringify(generateDataset({ leads: 3000, seed: 7, now: NOW }))).toBe(JSON.stringify(data));
    const other = generateDataset({ leads: 3000, seed: 8, now: NOW });
    expect(other.leads.map((l) => l.name)).not.toEqual(data.leads.map((l) => l.name));
    expect(other.activities.length).not.toBe(data.activities.length);
  });

  it('builds the fixed team: 3 regions, 3 teams, 1 executive, 2 managers, 12 reps, 1 admin', () => {
    expect(data.regions.map((r) => r.name).sort()).toEqual(['华东', '华北', '华南'].sort());
    expect(data.teams).toHaveLength(3);
    expect(new Set(data.teams.map((t) => t.region_id)).size).toBe(3);
    expect(Object.fromEntries(countBy(data.users, (u) => u.role))).toEqual({ admin: 1, executive: 1, manager: 2, rep: 12 });
    const reps = data.users.filter((u) => u.role === 'rep');
    for (const team of data.teams) {
      const members = reps.filter((r) => r.team_id === team.id);
      expect(members).toHaveLength(4);
      for (const m of members) expect(m.region_id).toBe(team.region_id);
    }
    const regionName = (teamId: string): string | undefined => {
      const team = data.teams.find((t) => t.id === teamId);
      return data.regions.find((r) => r.id === team?.region_id)?.name;
    };
    const managed = (email: string): (string | undefined)[] => {
      const user = data.users.find((u) => u.email === email);
      return data.teamManagers.filter((m) => m.user_id === user?.id).map((m) => regionName(m.team_id)).sort();
    };
    expect(managed('manager01@demo.example.com')).toEqual(['华东', '华南'].sort());
    expect(managed('manager02@demo.example.com')).toEqual(['华北']);
    const rep01 = data.users.find((u) => u.email === 'rep01@demo.example.com');
    expect(data.regions.find((r) => r.id === rep01?.region_id)?.name).toBe('华东');
    expect(data.users.map((u) => u.email)).toEqual(DEMO_ACCOUNTS.map((a) => a.email));
    expect(reps.filter((r) => HAN.test(r.display_name)).length).toBeGreaterThanOrEqual(9);
    expect(reps.some((r) => /^[A-Za-z ]+$/.test(r.display_name))).toBe(true);
  });

  it('draws leads from the five channels, with Chinese and English names, phones, cities and owners in the lead region', () => {
    expect([...countBy(data.leads, (l) => l.source).keys()].sort()).toEqual(
      ['website_form', 'douyin', 'trade_show', 'baidu_sem', 'csv_import'].sort(),
    );
    for (const l of data.leads) expect(LEAD_SOURCES).toContain(l.source);
    const chinese = data.leads.filter((l) => HAN.test(l.name)).length;
    const english = data.leads.filter((l) => /^[A-Z][a-z]+ [A-Z]/.test(l.name)).length;
    expect(chinese).toBeGreaterThan(data.leads.length * 0.7);
    expect(english).toBeGreaterThan(data.leads.length * 0.05);
    for (const l of data.leads) if (l.mobile !== null) expect(l.mobile).toMatch(/^1[3-9]\d{9}$/);
    expect(data.leads.some((l) => l.city === null)).toBe(true);
    expect(data.leads.filter((l) => l.owner_id === null).length / data.leads.length).toBeGreaterThan(0.3);
    expect(data.leads.some((l) => l.owner_id !== null && l.first_touch_at === null)).toBe(true);
    const repRegion = new Map(data.users.map((u) => [u.id, u.region_id]));
    for (const l of data.leads) {
      if (l.owner_id) expect(repRegion.get(l.owner_id)).toBe(l.region_id);
      const created = Date.parse(l.created_at);
      expect(created).toBeLessThanOrEqual(NOW);
      expect(created).toBeGreaterThan(NOW - 183 * DAY);
      if (l.assigned_at) expect(Date.parse(l.assigned_at)).toBeGreaterThanOrEqual(created);
      if (l.first_touch_at) expect(Date.parse(l.first_touch_at)).toBeGreaterThanOrEqual(Date.parse(l.assigned_at ?? ''));
      expect(Date.parse(l.updated_at)).toBeGreaterThanOrEqual(created);
    }
    // Every rep has leads to work on.
    expect(countBy(data.leads.filter((l) => l.owner_id), (l) => l.owner_id ?? '').size).toBe(12);
  });

  it('walks every deal stage by stage in time order, ending at its current stage', () => {
    const history = new Map<string, typeof data.stageHistory>();
    for (const h of data.stageHistory) history.set(h.opportunity_id, [...(history.get(h.opportunity_id) ?? []), h]);
    expect(data.opportunities.length).toBeGreaterThanOrEqual(300);
    for (const opp of data.opportunities) {
      const steps = history.get(opp.id) ?? [];
      expect(steps.length).toBe(STAGES.indexOf(opp.stage) + 1);
      steps.forEach((step, i) => {
        expect(step.to_stage).toBe(STAGES[i]);
        expect(step.from_stage).toBe(i === 0 ? null : STAGES[i - 1]);
        if (i > 0) expect(Date.parse(step.changed_at)).toBeGreaterThan(Date.parse(steps[i - 1]?.changed_at ?? ''));
      });
      expect(steps.at(-1)?.changed_at).toBe(opp.stage_entered_at);
      expect(Date.parse(opp.stage_entered_at)).toBeLessThanOrEqual(NOW);
      expect(steps[0]?.changed_at).toBe(opp.created_at);
    }
    // Open deals sit before 签约, won ones at or after it, lost ones where they were lost.
    const signed = STAGES.indexOf('contract_signed');
    for (const o of data.opportunities) {
      if (o.outcome === 'won') expect(STAGES.indexOf(o.stage)).toBeGreaterThanOrEqual(signed);
      else expect(STAGES.indexOf(o.stage)).toBeLessThan(signed);
    }
    expect(countBy(data.opportunities, (o) => o.stage).size).toBe(8);
  });

  it('keeps time consistent: nothing after now, deals after their account and lead', () => {
    const stamps = [
      ...data.leads.flatMap((l) => [l.created_at, l.updated_at]),
      ...data.opportunities.flatMap((o) => [o.created_at, o.updated_at, o.stage_entered_at]),
      ...data.opportunities.flatMap((o) => (o.outcome === 'won' && o.expected_close_on ? [`${o.expected_close_on}T00:00:00+08:00`] : [])),
      ...data.stageHistory.map((h) => h.changed_at),
      ...data.activities.flatMap((a) => [a.occurred_at, a.created_at]),
      ...data.tasks.flatMap((t) => [t.created_at, t.updated_at]),
    ];
    for (const s of stamps) expect(Date.parse(s)).toBeLessThanOrEqual(NOW);
    const accountCreated = new Map(data.accounts.map((a) => [a.id, Date.parse(a.created_at)]));
    const leadTouched = new Map(data.leads.map((l) => [l.id, Date.parse(l.first_touch_at ?? l.created_at)]));
    for (const o of data.opportunities) {
      expect(Date.parse(o.created_at)).toBeGreaterThanOrEqual(accountCreated.get(o.account_id) ?? Infinity);
      if (o.lead_id) expect(Date.parse(o.created_at)).toBeGreaterThanOrEqual(leadTouched.get(o.lead_id) ?? Infinity);
    }
    for (const a of data.activities) expect(Date.parse(a.created_at)).toBeGreaterThanOrEqual(Date.parse(a.occurred_at));
  });

  it('gives every rep open tasks due today and overdue, and activities for touched leads', () => {
    const todayStart = chinaDayStart(NOW);
    for (const rep of data.users.filter((u) => u.role === 'rep')) {
      const open = data.tasks.filter((t) => t.owner_id === rep.id && t.status === 'open');
      expect(open.some((t) => Date.parse(t.due_at) >= NOW && Date.parse(t.due_at) < todayStart + DAY)).toBe(true);
      expect(open.some((t) => Date.parse(t.due_at) < todayStart)).toBe(true);
    }
    const touched = new Set(data.activities.map((a) => a.lead_id));
    for (const l of data.leads) if (l.first_touch_at) expect(touched.has(l.id)).toBe(true);
    expect(data.activities.length).toBeGreaterThan(data.leads.length);
  });
});

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const quantile = (values: readonly number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? Number.NaN;
};

/** Days each open deal has spent in its current stage at NOW, by stage. */
function openDaysByStage(data: SeedDataset): Map<Stage, number[]> {
  const out = new Map<Stage, number[]>();
  for (const o of data.opportunities) {
    if (o.outcome !== 'open') continue;
    out.set(o.stage, [...(out.get(o.stage) ?? []), (NOW - Date.parse(o.stage_entered_at)) / DAY]);
  }
  return out;
}

// The cockpit's dwell views (pipeline, heat map, stalled deals) read stage_entered_at:
// the seed must give them months of history, not a pipeline that all moved today.
describe.each([
  { name: '100,000-lead scale (sampled at 20,000)', leads: 20_000, seed: 1 },
  { name: 'small demo (npm start)', leads: DEMO_LEADS, seed: DEMO_SEED },
])('deal history over months: $name', ({ leads, seed }) => {
  let data: SeedDataset;
  beforeAll(() => {
    data = generateDataset({ leads, seed, now: NOW });
  });

  it('spreads leads and deals over the past half year', () => {
    const leadAges = data.leads.map((l) => (NOW - Date.parse(l.created_at)) / DAY);
    expect(Math.max(...leadAges)).toBeGreaterThan(150);
    expect(quantile(leadAges, 0.5)).toBeGreaterThan(30);
    const dealAges = data.opportunities.map((o) => (NOW - Date.parse(o.created_at)) / DAY);
    expect(Math.max(...dealAges)).toBeGreaterThan(120);
  });

  it('has days in stage from hours to weeks, not all near zero', () => {
    const days = [...openDaysByStage(data).values()].flat();
    expect(days.length).toBeGreaterThan(data.opportunities.length * 0.3);
    expect(Math.min(...days)).toBeLessThan(1);
    expect(quantile(days, 0.1)).toBeLessThan(3);
    expect(quantile(days, 0.9)).toBeGreaterThan(14);
    expect(Math.max(...days)).toBeGreaterThan(30);
    for (const d of days) expect(d).toBeGreaterThanOrEqual(0);
  });

  it('keeps 报价发送 and 样品交付 slower than the early stages', () => {
    const byStage = openDaysByStage(data);
    const med = (stage: Stage): number => median(byStage.get(stage) ?? []);
    for (const stage of ['lead', 'first_contact', 'needs_confirmed', 'quote_sent', 'sample_delivered'] as const) {
      expect(byStage.get(stage)?.length ?? 0).toBeGreaterThan(0);
    }
    // The slow stages sit past the 5-working-day stall mark at the median; the first one does not.
    expect(med('quote_sent')).toBeGreaterThan(7);
    expect(med('sample_delivered')).toBeGreaterThan(7);
    expect(med('lead')).toBeLessThan(5);
    expect(med('quote_sent')).toBeGreaterThan(2 * med('lead'));
    expect(med('sample_delivered')).toBeGreaterThan(2 * med('lead'));
  });

  it('leaves some open deals stalled well past 5 working days, and most not', () => {
    const open = data.opportunities.filter((o) => o.outcome === 'open');
    const now = new Date(NOW);
    const stalled = open.filter((o) => isStalling({ outcome: o.outcome, stageEnteredAt: o.stage_entered_at }, now));
    const longStalled = open.filter((o) => workingDaysBetween(new Date(o.stage_entered_at), now) >= 15);
    expect(longStalled.length).toBeGreaterThan(0);
    expect(stalled.length).toBeLessThan(open.length * 0.6);
    expect(stalled.length).toBeGreaterThan(open.length * 0.1);
  });

  it('dates every deal stage_entered_at at its last stage_history row, and closes won and lost deals in the past', () => {
    const last = new Map<string, string>();
    for (const h of data.stageHistory) {
      const seen = last.get(h.opportunity_id);
      if (!seen || Date.parse(h.changed_at) > Date.parse(seen)) last.set(h.opportunity_id, h.changed_at);
    }
    for (const o of data.opportunities) {
      expect(o.stage_entered_at).toBe(last.get(o.id));
      expect(Date.parse(o.updated_at)).toBeGreaterThanOrEqual(Date.parse(o.stage_entered_at));
      expect(Date.parse(o.updated_at)).toBeLessThanOrEqual(NOW);
    }
    for (const h of data.stageHistory) expect(Date.parse(h.changed_at)).toBeLessThanOrEqual(NOW);
    const closed = data.opportunities.filter((o) => o.outcome !== 'open');
    expect(new Set(closed.map((o) => o.outcome))).toEqual(new Set(['won', 'lost']));
    // Some closed long ago, not all in the last days.
    expect(closed.some((o) => NOW - Date.parse(o.updated_at) > 60 * DAY)).toBe(true);
    const today = new Date(NOW + CHINA).toISOString().slice(0, 10);
    for (const o of closed.filter((c) => c.outcome === 'won')) expect((o.expected_close_on ?? '') <= today).toBe(true);
  });

  it("marks each lead's 首次联系 task as the first-contact kind, and no other", () => {
    for (const t of data.tasks) {
      expect(t.kind).toBe(t.title.startsWith('首次联系：') && t.lead_id !== null ? 'first_contact' : 'custom');
    }
    expect(data.tasks.some((t) => t.kind === 'first_contact')).toBe(true);
  });
});

async function tableCounts(db: Kysely<ServerDatabase>): Promise<Record<string, number>> {
  const tables = ['users', 'leads', 'accounts', 'contacts', 'opportunities', 'stage_history', 'activities', 'tasks'] as const;
  const out: Record<string, number> = {};
  for (const t of tables) {
    const row = await db.selectFrom(t).select(sql<string | number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    out[t] = Number(row.n);
  }
  return out;
}

describe.each(storeKinds())('seedDatabase on %s', (kind) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(kind);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('rolls back everything when a table fails half-way', async () => {
    // A row that collides with the first generated account: leads go in first, then this fails.
    await store.db
      .insertInto('accounts')
      .values({ id: 'acct_000001', name: 'in the way', created_at: new Date(NOW), updated_at: new Date(NOW) })
      .execute();
    await expect(seedDatabase(store.db, { leads: 500, seed: 3, now: NOW, pglite: store.pglite })).rejects.toThrow();
    const counts = await tableCounts(store.db);
    expect(counts).toMatchObject({ users: 0, leads: 0, accounts: 1, opportunities: 0, activities: 0 });
    await store.db.deleteFrom('accounts').execute();
  });

  it('stores a few thousand leads with their deals, and the demo accounts sign in with the demo password', async () => {
    const phases = new Set<string>();
    const summary = await seedDatabase(store.db, {
      leads: 4000,
      seed: 11,
      now: NOW,
      pglite: store.pglite,
      onProgress: (p) => phases.add(p.phase),
    });
    const expected = generateDataset({ leads: 4000, seed: 11, now: NOW });
    expect(summary).toMatchObject({
      users: 16,
      leads: 4000,
      accounts: expected.accounts.length,
      opportunities: expected.opportunities.length,
      activities: expected.activities.length,
      tasks: expected.tasks.length,
    });
    expect(await tableCounts(store.db)).toEqual({
      users: 16,
      leads: 4000,
      accounts: expected.accounts.length,
      contacts: expected.contacts.length,
      opportunities: expected.opportunities.length,
      stage_history: expected.stageHistory.length,
      activities: expected.activities.length,
      tasks: expected.tasks.length,
    });
    expect([...phases]).toEqual(expect.arrayContaining(['generate', 'leads', 'activities', 'tasks']));

    const users = await store.db.selectFrom('users').select(['email', 'role', 'display_name', 'password_hash']).execute();
    for (const account of DEMO_ACCOUNTS) {
      const user = users.find((u) => u.email === account.email);
      expect(user?.role).toBe(account.role);
      expect(user?.display_name).toBe(account.displayName);
    }
    const rep01 = users.find((u) => u.email === 'rep01@demo.example.com');
    expect(await verifyPassword(DEMO_PASSWORD, rep01?.password_hash ?? '')).toBe(true);
    expect(await verifyPassword('wrong-password', rep01?.password_hash ?? '')).toBe(false);

    const managers = await store.db
      .selectFrom('team_managers')
      .innerJoin('users', 'users.id', 'team_managers.user_id')
      .innerJoin('teams', 'teams.id', 'team_managers.team_id')
      .innerJoin('regions', 'regions.id', 'teams.region_id')
      .select(['users.email', 'regions.name'])
      .orderBy('users.email')
      .orderBy('regions.name')
      .execute();
    expect(managers.map((m) => `${m.email}:${m.name}`).sort()).toEqual(
      ['manager01@demo.example.com:华东', 'manager01@demo.example.com:华南', 'manager02@demo.example.com:华北'].sort(),
    );

    // What is stored is exactly what was generated (nulls, quotes, commas, numbers, dates).
    const leads = await store.db.selectFrom('leads').selectAll().orderBy('id').limit(200).execute();
    expect(
      leads.map((l) => ({
        ...l,
        created_at: l.created_at.toISOString(),
        assigned_at: l.assigned_at?.toISOString() ?? null,
        first_touch_at: l.first_touch_at?.toISOString() ?? null,
        updated_at: l.updated_at.toISOString(),
        version: Number(l.version),
      })),
    ).toEqual(expected.leads.slice(0, 200).map((l) => ({ ...l, version: 0 })));
    const opps = await store.db.selectFrom('opportunities').select(['id', 'amount', 'expected_close_on', 'stage']).orderBy('id').execute();
    expect(opps.map((o) => ({ ...o, amount: Number(o.amount).toFixed(2) }))).toEqual(
      expected.opportunities.map((o) => ({ id: o.id, amount: o.amount, expected_close_on: o.expected_close_on, stage: o.stage })),
    );
    const kinds = await store.db.selectFrom('tasks').select(['id', 'kind']).where('kind', '=', 'first_contact').orderBy('id').execute();
    expect(kinds.map((t) => t.id)).toEqual(expected.tasks.filter((t) => t.kind === 'first_contact').map((t) => t.id));
    const lastStep = await sql<{ ok: boolean }>`
      select bool_and(o.stage_entered_at = h.changed_at and o.stage = h.to_stage) as ok
      from opportunities o
      join lateral (select * from stage_history s where s.opportunity_id = o.id order by s.changed_at desc limit 1) h on true`.execute(store.db);
    expect(lastStep.rows[0]?.ok).toBe(true);
  });

  it('refuses to seed a database that already has users, and changes nothing', async () => {
    const before = await tableCounts(store.db);
    await expect(seedDatabase(store.db, { leads: 100, seed: 2, now: NOW, pglite: store.pglite })).rejects.toThrow(SeedRefusedError);
    await expect(seedDatabase(store.db, { leads: 100, seed: 2, now: NOW, pglite: store.pglite })).rejects.toThrow(/already has 16 users/);
    expect(await tableCounts(store.db)).toEqual(before);
  });

  it('rejects a bad lead count with a clear error', async () => {
    await expect(seedDatabase(store.db, { leads: 0 })).rejects.toThrow(/leads must be a whole number/);
    await expect(seedDatabase(store.db, { leads: 10, seed: -1 })).rejects.toThrow(/seed must be/);
  });
});

describe('bulk paths on PGlite', () => {
  let viaCopy: ServerDb;
  let viaInsert: ServerDb;
  beforeAll(async () => {
    viaCopy = await openServerDb({ dataDir: 'memory://' });
    viaInsert = await openServerDb({ dataDir: 'memory://' });
  });
  afterAll(async () => {
    await viaCopy?.close();
    await viaInsert?.close();
  });

  it('stores the same rows through COPY as through INSERT … unnest', async () => {
    await seedDatabase(viaCopy.db, { leads: 800, seed: 5, now: NOW, pglite: viaCopy.pglite });
    await seedDatabase(viaInsert.db, { leads: 800, seed: 5, now: NOW });
    for (const table of ['leads', 'contacts', 'opportunities', 'activities', 'tasks'] as const) {
      const a = await viaCopy.db.selectFrom(table).selectAll().orderBy('id').execute();
      const b = await viaInsert.db.selectFrom(table).selectAll().orderBy('id').execute();
      expect(a.length).toBeGreaterThan(0);
      expect(a).toEqual(b);
    }
  });
});

describe('ensureDemoData', () => {
  let store: ServerDb;
  beforeAll(async () => {
    store = await openServerDb({ dataDir: 'memory://' });
  });
  afterAll(async () => {
    await store?.close();
  });

  it('seeds an empty store once and logs the sign-ins; then leaves it alone', async () => {
    const lines: string[] = [];
    await ensureDemoData(store.db, (line) => lines.push(line));
    const counts = await tableCounts(store.db);
    expect(counts).toMatchObject({ users: 16, leads: 600 });
    expect(counts.opportunities).toBeGreaterThan(0);
    const text = lines.join('\n');
    expect(text).toContain('rep01@demo.example.com');
    expect(text).toContain('manager01@demo.example.com');
    expect(text).toContain(DEMO_PASSWORD);

    const again: string[] = [];
    await ensureDemoData(store.db, (line) => again.push(line));
    expect(again).toEqual([]);
    expect(await tableCounts(store.db)).toEqual(counts);
  });
});
