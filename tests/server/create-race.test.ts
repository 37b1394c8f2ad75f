import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { storeKinds } from './store-harness';
import { createLead, mutation, newCockpit, push, useSyncTeam } from './sync-harness';

/**
 * Two cockpits create a row with the same id at the same moment: exactly one
 * is applied and the other is told `conflict` (already_exists), decided
 * inside the transaction, and nothing is overwritten.
 */
describe.each(storeKinds())('racing creates on %s', (kind) => {
  const env = useSyncTeam(kind);

  it('applies one of two concurrent lead.create@1 with the same id and rejects the other as a conflict', async () => {
    for (let round = 0; round < 6; round++) {
      const id = `lead_${randomUUID()}`;
      const a = newCockpit();
      const b = newCockpit();
      const [ra, rb] = await Promise.all([
        push(env.team.app, env.team.tokens.rep1, a, [mutation(a, 'lead.create@1', { ...createLead('甲'), id })]),
        push(env.team.app, env.team.tokens.rep2, b, [mutation(b, 'lead.create@1', { ...createLead('乙'), id })]),
      ]);
      expect([ra.status, rb.status]).toEqual([200, 200]);
      const outcomes = [ra.body.results[0], rb.body.results[0]];
      const applied = outcomes.filter((r) => r?.status === 'applied');
      const rejected = outcomes.filter((r) => r?.status === 'rejected');
      expect(applied).toHaveLength(1);
      expect(rejected).toEqual([expect.objectContaining({ code: 'conflict', reason: 'already_exists', fields: ['id'] })]);
      // The winner's row stands, whole: its owner and its name.
      const winner = ra.body.results[0]?.status === 'applied' ? { owner: env.team.ids.rep1, name: '甲' } : { owner: env.team.ids.rep2, name: '乙' };
      const row = await env.store.db.selectFrom('leads').select(['owner_id', 'name']).where('id', '=', id).executeTakeFirstOrThrow();
      expect({ owner: row.owner_id, name: row.name }).toEqual(winner);
      const changes = await env.store.db.selectFrom('change_log').select('seq').where('entity', '=', 'lead').where('entity_id', '=', id).execute();
      expect(changes).toHaveLength(1);
    }
  });

  it('does the same for task.create@1, and for a create of an id that already exists', async () => {
    const id = `task_${randomUUID()}`;
    const a = newCockpit();
    const b = newCockpit();
    const task = (title: string) => ({ id, title, dueAt: new Date().toISOString() });
    const [ra, rb] = await Promise.all([
      push(env.team.app, env.team.tokens.rep1, a, [mutation(a, 'task.create@1', task('甲的任务'))]),
      push(env.team.app, env.team.tokens.rep1, b, [mutation(b, 'task.create@1', task('乙的任务'))]),
    ]);
    const statuses = [ra.body.results[0]?.status, rb.body.results[0]?.status].sort();
    expect(statuses).toEqual(['applied', 'rejected']);

    const late = newCockpit();
    const again = await push(env.team.app, env.team.tokens.rep2, late, [mutation(late, 'task.create@1', task('后来的'))]);
    expect(again.body.results[0]).toMatchObject({ status: 'rejected', code: 'conflict', reason: 'already_exists', fields: ['id'] });
    const rows = await env.store.db.selectFrom('tasks').select(['owner_id', 'title']).where('id', '=', id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.owner_id).toBe(env.team.ids.rep1);
  });

  it('undoes the rest of a mutation whose new row is taken, naming the argument that chose the id', async () => {
    const c = newCockpit();
    const lead = createLead('重复的记录');
    const activityId = `act_${randomUUID()}`;
    const touch = (subject: string) => ({ leadId: lead.id, activityId, type: 'call' as const, subject, occurredAt: new Date().toISOString() });
    const first = await push(env.team.app, env.team.tokens.rep1, c, [mutation(c, 'lead.create@1', lead), mutation(c, 'lead.logTouch@1', touch('第一次'))]);
    expect(first.body.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    const before = await env.store.db.selectFrom('leads').select(['updated_at', 'version']).where('id', '=', lead.id).executeTakeFirstOrThrow();
    const second = await push(env.team.app, env.team.tokens.rep1, c, [mutation(c, 'lead.logTouch@1', touch('第二次'))]);
    expect(second.body.results[0]).toMatchObject({ status: 'rejected', code: 'conflict', reason: 'already_exists', fields: ['activityId'] });
    // The lead write planned before the taken activity id is rolled back with it.
    const after = await env.store.db.selectFrom('leads').select(['updated_at', 'version']).where('id', '=', lead.id).executeTakeFirstOrThrow();
    expect(after).toEqual(before);
    const activity = await env.store.db.selectFrom('activities').select('subject').where('id', '=', activityId).executeTakeFirstOrThrow();
    expect(activity.subject).toBe('第一次');
  });
});
