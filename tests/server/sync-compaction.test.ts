import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { compactChangeLog } from '../../server/sync/compaction';
import { SYNC_PROTOCOL_VERSION, SYNC_SCHEMA_VERSION } from '../../shared/sync/protocol';
import { bearer } from './fixtures';
import { storeKinds } from './store-harness';
import { createLead, mutation, newCockpit, pullAll, push, useSyncTeam } from './sync-harness';

const DAY_MS = 24 * 60 * 60 * 1000;

describe.each(storeKinds())('change log compaction on %s', (kind) => {
  const env = useSyncTeam(kind);

  const pullFrom = (cursor: number, clientId: string) =>
    env.team.app.inject({
      method: 'GET',
      url: `/sync/pull?protocolVersion=${SYNC_PROTOCOL_VERSION}&schemaVersion=${SYNC_SCHEMA_VERSION}&clientId=${clientId}&cursor=${cursor}&limit=100`,
      headers: bearer(env.team.tokens.rep1),
    });

  it('removes only changes older than the retention, and sends a cockpit from before them to rebuild', async () => {
    const c = newCockpit();
    const old = [createLead('旧线索一'), createLead('旧线索二')];
    const fresh = createLead('新线索');
    const first = await push(env.team.app, env.team.tokens.rep1, c, old.map((l) => mutation(c, 'lead.create@1', l)));
    const oldSeqs = first.body.results.map((r) => Number(r.seq));
    await push(env.team.app, env.team.tokens.rep1, c, [mutation(c, 'lead.create@1', fresh)]);
    // The first two changes were committed 100 days ago.
    await sql`UPDATE change_log SET at = now() - interval '100 days' WHERE seq IN (${sql.join(oldSeqs)})`.execute(env.store.db);
    const total = Number((await env.store.db.selectFrom('change_log').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);

    const result = await compactChangeLog(env.store.db, { retentionDays: 90 });
    const through = Math.max(...oldSeqs);
    expect(result).toEqual({ removed: total - (await remaining()), compactedThrough: through });
    expect(await env.store.db.selectFrom('change_log').select('seq').where('seq', '<=', through).execute()).toEqual([]);

    // A cockpit from before the cut is told to rebuild, in words a rep understands.
    const stale = await pullFrom(0, randomUUID());
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ reset: 'cursor_expired', message: expect.stringMatching(/Unsent changes are kept/) });
    // One at the cut pulls on and still gets what came after.
    const c2 = { ...newCockpit(), cursor: through };
    const pages = await pullAll(env.team.app, env.team.tokens.rep1, c2);
    expect(pages.flatMap((p) => p.changes.map((ch) => ch.id))).toContain(fresh.id);
    // The leads themselves stay: only the history of changes went.
    expect(await env.store.db.selectFrom('leads').select('id').where('id', 'in', old.map((l) => l.id)).execute()).toHaveLength(2);
  });

  it('does nothing when nothing is old enough, and never moves the mark back', async () => {
    const before = await compactChangeLog(env.store.db, { retentionDays: 90 });
    expect(before.removed).toBe(0);
    const again = await compactChangeLog(env.store.db, { retentionDays: 365, now: new Date(Date.now() - 400 * DAY_MS) });
    expect(again).toEqual({ removed: 0, compactedThrough: before.compactedThrough });
  });

  it('refuses a retention under one day', async () => {
    await expect(compactChangeLog(env.store.db, { retentionDays: 0 })).rejects.toThrow(/whole number of days, 1 or more/);
  });

  async function remaining(): Promise<number> {
    return Number((await env.store.db.selectFrom('change_log').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
  }
});
