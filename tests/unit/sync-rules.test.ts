import { describe, expect, it } from 'vitest';
import type { Lead, Opportunity, Task } from '../../shared/domain/entities';
import { mutators, type MutatorContext } from '../../shared/sync/mutations';
import { rejectionMessage, REJECTION_MESSAGES } from '../../shared/sync/rejections';
import { canSee, visibilityChange, type Viewer } from '../../shared/sync/visibility';

const at = '2026-11-20T09:00:00.000+08:00';
const rep: MutatorContext = { userId: 'u_rep1', role: 'rep', regionId: 'r_east', managedRegionIds: [], at };
const otherRep: MutatorContext = { ...rep, userId: 'u_rep2' };
const manager: MutatorContext = { userId: 'u_mgr', role: 'manager', regionId: 'r_east', managedRegionIds: ['r_east'], at };

const lead: Lead = {
  id: 'lead_1',
  name: '王芳',
  mobile: '13800138000',
  company: '杭州明康医疗器械有限公司',
  city: '杭州',
  source: 'baidu_sem',
  need: 'quote',
  status: 'assigned',
  ownerId: 'u_rep1',
  regionId: 'r_east',
  createdAt: '2026-11-19T09:00:00.000+08:00',
  assignedAt: '2026-11-19T09:05:00.000+08:00',
  firstTouchAt: null,
  updatedAt: '2026-11-19T09:05:00.000+08:00',
};

const deal: Opportunity = {
  id: 'opp_1',
  accountId: 'acc_1',
  leadId: 'lead_1',
  name: '高清电子胃镜 ×2',
  stage: 'needs_confirmed',
  outcome: 'open',
  amount: 480000,
  currency: 'CNY',
  ownerId: 'u_rep1',
  regionId: 'r_east',
  stageEnteredAt: '2026-11-10T09:00:00.000+08:00',
  expectedCloseOn: '2026-12-31',
  createdAt: '2026-11-01T09:00:00.000+08:00',
  updatedAt: '2026-11-10T09:00:00.000+08:00',
};

const task = (over: Partial<Task>): Task => ({
  id: 'task_1',
  title: '首次联系：王芳',
  kind: 'first_contact',
  leadId: 'lead_1',
  opportunityId: null,
  ownerId: 'u_rep1',
  dueAt: '2026-11-20T09:05:00.000+08:00',
  status: 'open',
  createdAt: '2026-11-19T09:05:00.000+08:00',
  updatedAt: '2026-11-19T09:05:00.000+08:00',
  ...over,
});

describe('lead.logTouch@1', () => {
  const m = mutators['lead.logTouch@1'];
  const stated = '2026-11-19T15:00:00.000+08:00';
  const args = m.args.parse({
    leadId: 'lead_1',
    activityId: 'act_1',
    type: 'call',
    subject: '首次电话沟通',
    occurredAt: stated,
  });

  it('stops the first-response clock at the time it applies and keeps the stated time on the activity', () => {
    const result = m.plan(rep, args, { lead });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const written = result.writes.find((w) => w.entity === 'lead');
    expect(written?.row).toMatchObject({ firstTouchAt: at, status: 'contacted', updatedAt: at });
    expect(result.writes.find((w) => w.entity === 'activity')?.row).toMatchObject({ leadId: 'lead_1', ownerId: 'u_rep1', occurredAt: stated, createdAt: at });
  });

  it('refuses a stated time outside the window: long ago, or ahead of now beyond clock skew', () => {
    for (const occurredAt of ['1999-01-01T00:00:00.000Z', '2026-11-12T08:59:00.000+08:00', '2026-11-20T09:06:00.000+08:00']) {
      const result = m.plan(rep, m.args.parse({ ...args, occurredAt }), { lead });
      expect(result).toEqual({ ok: false, rejection: { code: 'validation', reason: 'occurred_out_of_window', fields: ['occurredAt'] } });
    }
    expect(m.plan(rep, m.args.parse({ ...args, occurredAt: '2026-11-20T09:04:00.000+08:00' }), { lead }).ok).toBe(true);
    expect(m.plan(rep, m.args.parse({ ...args, occurredAt: '2026-11-13T09:01:00.000+08:00' }), { lead }).ok).toBe(true);
  });

  it("closes the lead's open first-contact tasks, whoever holds them, and leaves other tasks alone", () => {
    const first = task({});
    const custom = task({ id: 'task_2', kind: 'custom', title: '寄样品' });
    const result = m.plan(rep, args, { lead, leadTasks: [first, custom] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const tasks = result.writes.filter((w) => w.entity === 'task');
    expect(tasks.map((w) => w.row)).toEqual([{ ...first, status: 'done', updatedAt: at }]);
  });

  it('keeps the first touch time on later touches', () => {
    const earlier = '2026-11-19T10:00:00.000+08:00';
    const result = m.plan(rep, args, { lead: { ...lead, firstTouchAt: earlier, status: 'contacted' } });
    expect(result.ok && result.writes[0]?.row).toMatchObject({ firstTouchAt: earlier });
  });

  it("refuses another rep's lead and a missing lead", () => {
    const forbidden = m.plan(otherRep, args, { lead });
    expect(forbidden).toMatchObject({ ok: false, rejection: { code: 'forbidden', fields: ['leadId'] } });
    expect(m.plan(rep, args, { lead: null })).toMatchObject({ ok: false, rejection: { code: 'not_found' } });
    expect(m.plan(manager, args, { lead }).ok).toBe(true);
  });
});

describe('lead.assign@1', () => {
  const m = mutators['lead.assign@1'];
  const args = m.args.parse({ leadId: 'lead_1', ownerId: 'u_rep2' });
  const rep2 = { id: 'u_rep2', role: 'rep' as const, regionId: 'r_east', active: true };

  it('lets a manager hand a lead to a rep of their region', () => {
    const result = m.plan(manager, args, { lead, user: rep2 });
    expect(result.ok && result.writes[0]?.row).toMatchObject({ ownerId: 'u_rep2', status: 'assigned', assignedAt: at });
  });
  it("moves the previous owner's open tasks on the lead to the new owner, and no one else's", () => {
    const theirs = task({});
    const managers = task({ id: 'task_m', kind: 'custom', ownerId: 'u_mgr' });
    const result = m.plan(manager, args, { lead, user: rep2, leadTasks: [theirs, managers] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.writes.filter((w) => w.entity === 'task').map((w) => w.row)).toEqual([{ ...theirs, ownerId: 'u_rep2', updatedAt: at }]);
  });
  it('refuses reps, inactive or foreign-region assignees', () => {
    expect(m.plan(rep, args, { lead, user: rep2 })).toMatchObject({ ok: false, rejection: { reason: 'managers_assign' } });
    expect(m.plan(manager, args, { lead, user: { ...rep2, active: false } })).toMatchObject({ ok: false, rejection: { reason: 'assignee_not_a_rep' } });
    expect(m.plan(manager, args, { lead, user: { ...rep2, regionId: 'r_north' } })).toMatchObject({
      ok: false,
      rejection: { code: 'forbidden', reason: 'assignee_outside_regions' },
    });
  });
});

describe('lead.update@1 field conflicts', () => {
  const m = mutators['lead.update@1'];

  it('applies when the base still matches', () => {
    const args = m.args.parse({ leadId: 'lead_1', patch: { city: '宁波' }, base: { city: '杭州' } });
    const result = m.plan(rep, args, { lead });
    expect(result.ok && result.writes[0]?.row).toMatchObject({ city: '宁波', company: lead.company });
  });

  it('lets different fields edited by two people both win', () => {
    const changedByOther = { ...lead, company: '宁波新公司' };
    const args = m.args.parse({ leadId: 'lead_1', patch: { city: '宁波' }, base: { city: '杭州' } });
    const result = m.plan(rep, args, { lead: changedByOther });
    expect(result.ok && result.writes[0]?.row).toMatchObject({ city: '宁波', company: '宁波新公司' });
  });

  it('rejects the same field changed since the user saw it, with both values', () => {
    const changedByOther = { ...lead, city: '苏州' };
    const args = m.args.parse({ leadId: 'lead_1', patch: { city: '宁波' }, base: { city: '杭州' } });
    const result = m.plan(rep, args, { lead: changedByOther });
    expect(result).toEqual({
      ok: false,
      rejection: { code: 'conflict', reason: 'changed_by_someone_else', fields: ['city'], serverValues: { city: '苏州' } },
    });
  });

  it('holds the mobile number to the same phone rule as lead.create@1', () => {
    const update = (mobile: string | null) => m.args.safeParse({ leadId: 'lead_1', patch: { mobile }, base: {} });
    const create = (mobile: string | null) => mutators['lead.create@1'].args.safeParse({ id: 'l9', name: '李雷', mobile, need: 'quote' });
    for (const bad of ['abc', '12', '139-abc-5678', '++8613912345678', '1234567890123456']) {
      expect(update(bad).success).toBe(false);
      expect(create(bad).success).toBe(false);
    }
    for (const good of ['13912345678', '+86 139 1234 5678', '021-6543-2100', null]) {
      expect(update(good).success).toBe(true);
      expect(create(good).success).toBe(true);
    }
    // The value the user saw may be anything the lead holds; only what they write is held to the rule.
    const fixing = m.args.safeParse({ leadId: 'lead_1', patch: { mobile: '13912345678' }, base: { mobile: 'abc' } });
    expect(fixing.success).toBe(true);
  });

  it('rejects unknown fields at the schema', () => {
    expect(m.args.safeParse({ leadId: 'lead_1', patch: { ownerId: 'x' }, base: {} }).success).toBe(false);
  });
});

describe('deal.moveStage@1', () => {
  const m = mutators['deal.moveStage@1'];
  it('moves and writes history', () => {
    // A client-stated time is not an argument: the stage is dated by the time the move applies.
    const args = m.args.parse({ opportunityId: 'opp_1', historyId: 'h1', fromStage: 'needs_confirmed', toStage: 'quote_sent', at: '9999-01-01T00:00:00Z' });
    expect(args).not.toHaveProperty('at');
    const result = m.plan(rep, args, { opportunity: deal });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.writes.map((w) => w.entity)).toEqual(['opportunity', 'stage_history']);
    expect(result.writes[0]?.row).toMatchObject({ stage: 'quote_sent', stageEnteredAt: at });
  });
  it('rejects when the stage changed meanwhile', () => {
    const args = m.args.parse({ opportunityId: 'opp_1', historyId: 'h1', fromStage: 'lead', toStage: 'quote_sent' });
    expect(m.plan(rep, args, { opportunity: deal })).toMatchObject({
      ok: false,
      rejection: { code: 'conflict', serverValues: { stage: 'needs_confirmed' } },
    });
  });
});

describe('visibility', () => {
  const repViewer: Viewer = { userId: 'u_rep1', role: 'rep', regionId: 'r_east', managedRegionIds: [] };
  const mgrViewer: Viewer = { userId: 'u_mgr', role: 'manager', regionId: 'r_east', managedRegionIds: ['r_east', 'r_south'] };
  const execViewer: Viewer = { userId: 'u_exec', role: 'executive', regionId: null, managedRegionIds: [] };
  const mine = { ownerId: 'u_rep1', regionId: 'r_east', pool: false };
  const theirs = { ownerId: 'u_rep2', regionId: 'r_east', pool: false };
  const north = { ownerId: 'u_rep9', regionId: 'r_north', pool: false };
  const pool = { ownerId: null, regionId: 'r_east', pool: true };

  it('gives a rep their own rows and their region’s pool only', () => {
    expect(canSee(repViewer, mine)).toBe(true);
    expect(canSee(repViewer, theirs)).toBe(false);
    expect(canSee(repViewer, pool)).toBe(true);
    expect(canSee(repViewer, { ...pool, regionId: 'r_north' })).toBe(false);
  });
  it('gives a manager their regions and an executive everything', () => {
    expect(canSee(mgrViewer, theirs)).toBe(true);
    expect(canSee(mgrViewer, north)).toBe(false);
    expect(canSee(execViewer, north)).toBe(true);
  });
  it('turns a reassignment into evict for the old owner and grant for the new', () => {
    const rep2: Viewer = { ...repViewer, userId: 'u_rep2' };
    expect(visibilityChange(repViewer, mine, theirs)).toBe('evict');
    expect(visibilityChange(rep2, mine, theirs)).toBe('grant');
    expect(visibilityChange(repViewer, mine, mine)).toBe('upsert');
    expect(visibilityChange(repViewer, north, north)).toBe('none');
  });
});

describe('rejection messages', () => {
  it('exist in both languages and follow the locale', () => {
    for (const texts of Object.values(REJECTION_MESSAGES)) {
      expect(texts.en.length).toBeGreaterThan(0);
      expect(texts['zh-CN'].length).toBeGreaterThan(0);
    }
    expect(rejectionMessage('deal_closed', 'zh-CN')).toBe('该商机已关闭。');
    expect(rejectionMessage('deal_closed', 'en-US')).toBe('This deal is already closed.');
  });
});
