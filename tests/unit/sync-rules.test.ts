import { describe, expect, it } from 'vitest';
import type { Lead, Opportunity } from '../../shared/domain/entities';
import { mutators, rejectionMessage, REJECTION_MESSAGES, type MutatorContext } from '../../shared/sync/mutations';
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

describe('lead.logTouch@1', () => {
  const m = mutators['lead.logTouch@1'];
  const args = m.args.parse({
    leadId: 'lead_1',
    activityId: 'act_1',
    type: 'call',
    subject: '首次电话沟通',
    occurredAt: at,
  });

  it('stops the first-response clock and records the activity', () => {
    const result = m.plan(rep, args, { lead });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const written = result.writes.find((w) => w.entity === 'lead');
    expect(written?.row).toMatchObject({ firstTouchAt: at, status: 'contacted' });
    expect(result.writes.find((w) => w.entity === 'activity')?.row).toMatchObject({ leadId: 'lead_1', ownerId: 'u_rep1' });
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

  it('rejects unknown fields at the schema', () => {
    expect(m.args.safeParse({ leadId: 'lead_1', patch: { ownerId: 'x' }, base: {} }).success).toBe(false);
  });
});

describe('deal.moveStage@1', () => {
  const m = mutators['deal.moveStage@1'];
  it('moves and writes history', () => {
    const args = m.args.parse({ opportunityId: 'opp_1', historyId: 'h1', fromStage: 'needs_confirmed', toStage: 'quote_sent' });
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
