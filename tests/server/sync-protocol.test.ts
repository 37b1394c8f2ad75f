import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { updateUser } from '../../server/modules/users/users.service';
import { MAX_TRANSIENT_ATTEMPTS } from '../../server/sync/push';
import { SYNC_SCHEMA_VERSION } from '../../shared/sync/protocol';
import { storeKinds } from './store-harness';
import { createLead, mutation, newCockpit, pullAll, push, useSyncTeam } from './sync-harness';

const at = () => new Date().toISOString();

describe.each(storeKinds())('sync protocol on %s', (kind) => {
  const env = useSyncTeam(kind);

  it('applies a push retried after a lost response exactly once', async () => {
    const c = newCockpit();
    const lead = createLead('王芳');
    const batch = [
      mutation(c, 'lead.create@1', lead),
      mutation(c, 'lead.logTouch@1', { leadId: lead.id, activityId: `act_${randomUUID()}`, type: 'call', subject: '首次电话', occurredAt: at() }),
    ];
    const first = await push(env.team.app, env.team.tokens.rep1, c, batch);
    expect(first.status).toBe(200);
    expect(first.body.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    // The response is "lost": the cockpit sends the same batch again.
    const again = await push(env.team.app, env.team.tokens.rep1, c, batch);
    expect(again.status).toBe(200);
    expect(again.body.lastMutationId).toBe(2);
    expect(again.body.results).toEqual(first.body.results);
    const activities = await env.store.db.selectFrom('activities').select('id').where('lead_id', '=', lead.id).execute();
    expect(activities).toHaveLength(1);
  });

  it('refuses a gap in mutation ids and applies nothing', async () => {
    const c = newCockpit();
    c.nextId = 3;
    const response = await push(env.team.app, env.team.tokens.rep1, c, [mutation(c, 'lead.create@1', createLead('Gap'))]);
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ error: { code: 'conflict' } });
    expect(await env.store.db.selectFrom('leads').select('id').where('name', '=', 'Gap').execute()).toHaveLength(0);
  });

  it('records a rejection, moves the queue on, and returns the rejection on pull after a lost response', async () => {
    const c = newCockpit();
    const theirs = createLead('别人的线索');
    const other = newCockpit();
    expect((await push(env.team.app, env.team.tokens.rep2, other, [mutation(other, 'lead.create@1', theirs)])).status).toBe(200);

    const mine = createLead('Mine');
    const response = await push(env.team.app, env.team.tokens.rep1, c, [
      mutation(c, 'lead.update@1', { leadId: theirs.id, patch: { city: '上海' }, base: {} }),
      mutation(c, 'lead.create@1', mine),
    ]);
    expect(response.status).toBe(200);
    const [rejected, applied] = response.body.results;
    // Another rep's lead is invisible: not_found, so nothing about it leaks.
    expect(rejected).toMatchObject({ id: 1, status: 'rejected', code: 'not_found', reason: 'lead_not_found', fields: ['leadId'] });
    expect(rejected?.message).toMatch(/no longer exists/);
    expect(applied).toMatchObject({ id: 2, status: 'applied' });

    const fresh = { ...c, cursor: 0 };
    const pages = await pullAll(env.team.app, env.team.tokens.rep1, fresh);
    const results = pages.flatMap((p) => p.mutationResults);
    // The reason travels as its key, on push and on pull alike.
    expect(results.find((r) => r.id === 1)).toMatchObject({ status: 'rejected', code: 'not_found', reason: 'lead_not_found' });
    expect(pages.at(-1)?.lastMutationId).toBe(2);
  });

  it('answers rejections in the user’s language', async () => {
    const c = newCockpit();
    const response = await push(env.team.app, env.team.tokens.rep1, c, [mutation(c, 'task.complete@1', { taskId: 'no_such_task' })], { locale: 'zh-CN' });
    expect(response.body.results[0]).toMatchObject({ reason: 'task_not_found', message: '该任务已不存在。' });
  });

  it("never sends a rep another rep's lead (raw pull responses)", async () => {
    const c1 = newCockpit();
    const c2 = newCockpit();
    const c3 = newCockpit();
    const l1 = createLead('Rep1 lead');
    const l2 = createLead('Rep2 lead');
    const l3 = createLead('Rep3 lead');
    await push(env.team.app, env.team.tokens.rep1, c1, [mutation(c1, 'lead.create@1', l1)]);
    await push(env.team.app, env.team.tokens.rep2, c2, [mutation(c2, 'lead.create@1', l2)]);
    await push(env.team.app, env.team.tokens.rep3, c3, [mutation(c3, 'lead.create@1', l3)]);

    const reader = newCockpit();
    const pages = await pullAll(env.team.app, env.team.tokens.rep1, reader, 2);
    expect(pages.length).toBeGreaterThan(1);
    const raw = JSON.stringify(pages);
    expect(raw).toContain(l1.id);
    expect(raw).not.toContain(l2.id);
    expect(raw).not.toContain(l3.id);
    for (const change of pages.flatMap((p) => p.changes)) {
      if (change.entity === 'lead' && change.row) expect(change.row.ownerId).toBe(env.team.ids.rep1);
    }
    // The manager of 华东 sees both east leads, not the north one; the executive sees all.
    const managerRaw = JSON.stringify(await pullAll(env.team.app, env.team.tokens.manager, newCockpit()));
    expect(managerRaw).toContain(l1.id);
    expect(managerRaw).toContain(l2.id);
    expect(managerRaw).not.toContain(l3.id);
    const execRaw = JSON.stringify(await pullAll(env.team.app, env.team.tokens.exec, newCockpit()));
    expect(execRaw).toContain(l3.id);
  });

  it('evicts a reassigned lead from the old owner and grants it, with its history, to the new one', async () => {
    const rep1 = newCockpit();
    const rep2 = newCockpit();
    const lead = createLead('换人跟进');
    const activityId = `act_${randomUUID()}`;
    await push(env.team.app, env.team.tokens.rep1, rep1, [
      mutation(rep1, 'lead.create@1', lead),
      mutation(rep1, 'lead.logTouch@1', { leadId: lead.id, activityId, type: 'wechat', subject: '加微信', occurredAt: at() }),
    ]);
    await pullAll(env.team.app, env.team.tokens.rep1, rep1);
    await pullAll(env.team.app, env.team.tokens.rep2, rep2);

    const mgr = newCockpit();
    const assigned = await push(env.team.app, env.team.tokens.manager, mgr, [mutation(mgr, 'lead.assign@1', { leadId: lead.id, ownerId: env.team.ids.rep2 })]);
    expect(assigned.body.results[0]?.status).toBe('applied');

    const oldOwner = (await pullAll(env.team.app, env.team.tokens.rep1, rep1)).flatMap((p) => p.changes);
    expect(oldOwner).toContainEqual(expect.objectContaining({ entity: 'lead', id: lead.id, op: 'evict', row: null }));
    expect(JSON.stringify(oldOwner)).not.toContain('换人跟进');

    const newOwner = (await pullAll(env.team.app, env.team.tokens.rep2, rep2)).flatMap((p) => p.changes);
    expect(newOwner).toContainEqual(expect.objectContaining({ entity: 'lead', id: lead.id, op: 'upsert', granted: true }));
    expect(newOwner).toContainEqual(expect.objectContaining({ entity: 'activity', id: activityId, op: 'upsert' }));
  });

  it("grants a reassigned lead with the notes that follow it, never the previous owner's own tasks", async () => {
    const rep1 = newCockpit();
    const rep2 = newCockpit();
    const lead = createLead('带任务的线索');
    const activityId = `act_${randomUUID()}`;
    const taskId = `task_${randomUUID()}`;
    const pushed = await push(env.team.app, env.team.tokens.rep1, rep1, [
      mutation(rep1, 'lead.create@1', lead),
      mutation(rep1, 'lead.logTouch@1', { leadId: lead.id, activityId, type: 'call', subject: '首次电话', occurredAt: at() }),
      mutation(rep1, 'task.create@1', { id: taskId, title: '私人备忘', dueAt: at(), leadId: lead.id }),
      mutation(rep1, 'task.complete@1', { taskId }),
    ]);
    expect(pushed.body.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied', 'applied']);
    await pullAll(env.team.app, env.team.tokens.rep2, rep2);

    const mgr = newCockpit();
    const assigned = await push(env.team.app, env.team.tokens.manager, mgr, [mutation(mgr, 'lead.assign@1', { leadId: lead.id, ownerId: env.team.ids.rep2 })]);
    expect(assigned.body.results[0]?.status).toBe('applied');

    const newOwner = (await pullAll(env.team.app, env.team.tokens.rep2, rep2)).flatMap((p) => p.changes);
    expect(newOwner).toContainEqual(expect.objectContaining({ entity: 'activity', id: activityId, op: 'upsert' }));
    // rep1's finished task is rep1's: it follows its owner, not the lead.
    expect(newOwner.filter((c) => c.id === taskId)).toEqual([]);
    const oldOwner = (await pullAll(env.team.app, env.team.tokens.rep1, rep1)).flatMap((p) => p.changes);
    expect(oldOwner.filter((c) => c.id === taskId && c.op === 'evict')).toEqual([]);
  });

  it('sends a moved rep’s own tasks to the managers of her new region and takes them from the old', async () => {
    const rep3 = newCockpit();
    const taskId = `task_${randomUUID()}`;
    const created = await push(env.team.app, env.team.tokens.rep3, rep3, [mutation(rep3, 'task.create@1', { id: taskId, title: '回访', dueAt: at() })]);
    expect(created.body.results[0]?.status).toBe('applied');
    const mgr = newCockpit();
    expect((await pullAll(env.team.app, env.team.tokens.manager, mgr)).flatMap((p) => p.changes).filter((c) => c.id === taskId)).toEqual([]);

    // An admin moves rep3 from 华北 to the 华东 team this manager manages.
    await updateUser(env.store.db, env.team.ids.rep3, { teamId: 't_east' }, env.team.ids.exec);
    const granted = (await pullAll(env.team.app, env.team.tokens.manager, mgr)).flatMap((p) => p.changes);
    expect(granted).toContainEqual(expect.objectContaining({ entity: 'task', id: taskId, op: 'upsert' }));

    await updateUser(env.store.db, env.team.ids.rep3, { teamId: 't_north' }, env.team.ids.exec);
    const evicted = (await pullAll(env.team.app, env.team.tokens.manager, mgr)).flatMap((p) => p.changes);
    expect(evicted).toContainEqual(expect.objectContaining({ entity: 'task', id: taskId, op: 'evict' }));
  });

  it('merges edits of different fields and rejects the same field with both values', async () => {
    const owner = newCockpit();
    const lead = createLead('字段冲突');
    await push(env.team.app, env.team.tokens.rep1, owner, [mutation(owner, 'lead.create@1', { ...lead, city: '杭州' })]);
    const mgr = newCockpit();
    // Both saw city 杭州 and company null.
    const a = await push(env.team.app, env.team.tokens.rep1, owner, [mutation(owner, 'lead.update@1', { leadId: lead.id, patch: { city: '宁波' }, base: { city: '杭州' } })]);
    const b = await push(env.team.app, env.team.tokens.manager, mgr, [mutation(mgr, 'lead.update@1', { leadId: lead.id, patch: { company: '宁波甬康医疗' }, base: { company: null } })]);
    expect(a.body.results[0]?.status).toBe('applied');
    expect(b.body.results[0]?.status).toBe('applied');
    const merged = await env.store.db.selectFrom('leads').select(['city', 'company']).where('id', '=', lead.id).executeTakeFirstOrThrow();
    expect(merged).toEqual({ city: '宁波', company: '宁波甬康医疗' });

    const c = await push(env.team.app, env.team.tokens.manager, mgr, [mutation(mgr, 'lead.update@1', { leadId: lead.id, patch: { city: '温州' }, base: { city: '杭州' } })]);
    expect(c.body.results[0]).toMatchObject({ status: 'rejected', code: 'conflict', fields: ['city'], serverValues: { city: '宁波' } });
    const after = await env.store.db.selectFrom('leads').select('city').where('id', '=', lead.id).executeTakeFirstOrThrow();
    expect(after.city).toBe('宁波');
  });

  it('refuses a too-old cockpit cleanly and applies nothing', async () => {
    const c = newCockpit();
    const lead = createLead('Old client');
    const response = await push(env.team.app, env.team.tokens.rep1, c, [mutation(c, 'lead.create@1', lead)], { schemaVersion: 0 });
    expect(response.status).toBe(426);
    expect(response.body).toMatchObject({ error: { code: 'upgrade_required' }, maxSchemaVersion: SYNC_SCHEMA_VERSION });
    expect(String((response.body.error as { message: string }).message)).toMatch(/Update Verity/);
    expect(await env.store.db.selectFrom('leads').select('id').where('id', '=', lead.id).execute()).toHaveLength(0);
  });

  it('stops on a transient store failure, applies on retry, and rejects a poisoned mutation with a support id', async () => {
    const c = newCockpit();
    const lead = createLead('Transient');
    const touch = mutation(c, 'lead.logTouch@1', { leadId: lead.id, activityId: `act_${randomUUID()}`, type: 'call', subject: 's', occurredAt: at() });
    const create = { ...touch, id: 1, name: 'lead.create@1', args: lead };
    touch.id = 2;
    c.nextId = 3;
    expect((await push(env.team.app, env.team.tokens.rep1, c, [create])).status).toBe(200);

    // The activities table goes missing: every try fails until it is back.
    await sql`ALTER TABLE activities RENAME TO activities_away`.execute(env.store.db);
    try {
      const failed = await push(env.team.app, env.team.tokens.rep1, c, [touch]);
      expect(failed.status).toBe(503);
      expect(failed.body).toMatchObject({ error: { code: 'unavailable' } });
    } finally {
      await sql`ALTER TABLE activities_away RENAME TO activities`.execute(env.store.db);
    }
    const retried = await push(env.team.app, env.team.tokens.rep1, c, [touch]);
    expect(retried.body.results[0]).toMatchObject({ id: 2, status: 'applied' });

    const poison = mutation(c, 'lead.logTouch@1', { leadId: lead.id, activityId: `act_${randomUUID()}`, type: 'call', subject: 'p', occurredAt: at() });
    await sql`ALTER TABLE activities RENAME TO activities_away`.execute(env.store.db);
    let last;
    try {
      for (let i = 0; i < MAX_TRANSIENT_ATTEMPTS; i++) last = await push(env.team.app, env.team.tokens.rep1, c, [poison]);
    } finally {
      await sql`ALTER TABLE activities_away RENAME TO activities`.execute(env.store.db);
    }
    expect(last?.status).toBe(200);
    expect(last?.body.results[0]).toMatchObject({ status: 'rejected', code: 'server_error' });
    expect(last?.body.results[0]?.supportId).toMatch(/^SUP-[0-9A-F]{8}$/);
    // The queue moves on.
    const next = await push(env.team.app, env.team.tokens.rep1, c, [mutation(c, 'lead.create@1', createLead('After poison'))]);
    expect(next.body.results[0]?.status).toBe('applied');
  });

  it('drains a full offline day of edits in order, with rejections surfaced', async () => {
    const c = newCockpit();
    const lead = createLead('Offline day');
    const all = [mutation(c, 'lead.create@1', lead)];
    for (let i = 0; i < 299; i++) {
      all.push(
        i % 50 === 49
          ? mutation(c, 'task.complete@1', { taskId: `missing_${i}` })
          : mutation(c, 'lead.logTouch@1', { leadId: lead.id, activityId: `act_off_${c.clientId}_${i}`, type: 'note', subject: `记录 ${i}`, occurredAt: at() }),
      );
    }
    const results = [];
    for (let i = 0; i < all.length; i += 100) {
      const response = await push(env.team.app, env.team.tokens.rep1, c, all.slice(i, i + 100));
      expect(response.status).toBe(200);
      results.push(...response.body.results);
    }
    expect(results.map((r) => r.id)).toEqual(all.map((m) => m.id));
    expect(results.filter((r) => r.status === 'rejected').map((r) => r.id)).toEqual([51, 101, 151, 201, 251]);
    const count = await env.store.db.selectFrom('activities').select((eb) => eb.fn.countAll().as('n')).where('lead_id', '=', lead.id).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(294);
    // Change-log order follows mutation order.
    const seqs = results.filter((r) => r.status === 'applied').map((r) => r.seq);
    expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
  });
});
