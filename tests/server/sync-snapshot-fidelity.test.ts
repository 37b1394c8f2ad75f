import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toUser } from '../../server/modules/row-mappers';
import { toActivity, toLead, toOpportunity } from '../../server/sync/entity-rows';
import { buildManifest, snapshotPartLines } from '../../server/sync/snapshot';
import type { SyncEntity } from '../../shared/sync/protocol';
import type { Viewer } from '../../shared/sync/visibility';
import { openTestStore, storeKinds, type TestStore } from './store-harness';
import { insertRegionAndTeam, insertUser } from './fixtures';

// Text that breaks naive JSON writers: quotes, backslashes, newlines, every
// control character COPY escapes and some it does not, DEL, a lone tab, CJK,
// an emoji outside the BMP, a line separator, and text that looks like COPY's NULL.
const TRICKY = 'He said "报价" \\ C:\\path\nnext line\r\ttab \u0001\u001f\b\v\f\u007f \\N \u2028 end 😀';

/** Rows of one entity as a snapshot sends them, turned back into objects. */
async function snapshotRows(store: TestStore, viewer: Viewer, entity: SyncEntity): Promise<Record<string, unknown>[]> {
  const manifest = await buildManifest(store.db, viewer, 3);
  const out: Record<string, unknown>[] = [];
  for (const p of manifest.parts.filter((x) => x.entity === entity)) {
    let text = '';
    for await (const chunk of snapshotPartLines(store, viewer, { ...p, snapshotSeq: manifest.snapshotSeq })) {
      text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    }
    const lines = text.split('\n').filter(Boolean);
    const header = JSON.parse(lines[0] ?? '{}') as { columns: string[] };
    for (const line of lines.slice(1, -1)) {
      const values = JSON.parse(line) as unknown[];
      out.push(Object.fromEntries(header.columns.map((c, i) => [c, values[i]])));
    }
  }
  return out;
}

describe.each(storeKinds())('snapshot rows on %s are exactly the shared entities', (kind) => {
  let store: TestStore;
  let exec: Viewer;

  beforeAll(async () => {
    store = await openTestStore(kind);
    await insertRegionAndTeam(store.db, { regionId: 'r1', teamId: 't1' });
    const rep = await insertUser(store.db, { email: 'rep@f.example.com', teamId: 't1', regionId: 'r1' });
    const boss = await insertUser(store.db, { email: 'exec@f.example.com', role: 'executive' });
    await insertUser(store.db, { email: 'gone@f.example.com', active: false, name: TRICKY, teamId: 't1', regionId: 'r1' });
    exec = { userId: boss.id, role: 'executive', regionId: null, managedRegionIds: [] };
    const t = new Date('2026-11-20T01:02:03.456Z');
    for (let i = 0; i < 7; i++) {
      await store.db
        .insertInto('leads')
        .values({
          // One id with a backslash and a quote: keyset cursors and inlined COPY literals must keep it intact.
          id: i === 6 ? "lead_6\\'x" : `lead_${i}`,
          name: i === 0 ? TRICKY : `王芳 ${i}`,
          mobile: i % 2 ? null : '+86 138-0013-8000',
          company: i === 1 ? TRICKY : null,
          city: i === 2 ? '' : '杭州',
          source: 'website_form',
          need: 'quote',
          status: i === 3 ? 'public_pool' : 'assigned',
          owner_id: i === 3 ? null : rep.id,
          region_id: 'r1',
          created_at: t,
          assigned_at: i === 3 ? null : t,
          first_touch_at: null,
          updated_at: t,
          version: i,
        })
        .execute();
    }
    await store.db.insertInto('accounts').values({ id: 'acc_1', name: TRICKY, industry: null, city: null, owner_id: rep.id, region_id: 'r1', created_at: t, updated_at: t }).execute();
    for (const [i, amount] of [0, 0.1, 12345.67, 99999999.99].entries()) {
      await store.db
        .insertInto('opportunities')
        .values({
          id: `opp_${i}`,
          account_id: 'acc_1',
          lead_id: i === 0 ? 'lead_0' : null,
          name: `胃镜 ×${i}`,
          stage: 'quote_sent',
          outcome: 'open',
          amount,
          currency: 'CNY',
          owner_id: rep.id,
          region_id: 'r1',
          stage_entered_at: t,
          expected_close_on: i === 1 ? null : '2026-12-31',
          created_at: t,
          updated_at: t,
        })
        .execute();
    }
    await store.db
      .insertInto('activities')
      .values({ id: 'act_1', type: 'note', lead_id: 'lead_0', opportunity_id: null, owner_id: rep.id, subject: TRICKY, body: TRICKY, occurred_at: t, created_at: t })
      .execute();
    // Whole seconds, and microseconds (truncated to milliseconds, as the drivers' Dates are); text that is exactly COPY's NULL marker.
    await store.db
      .insertInto('activities')
      .values({ id: 'act_2', type: 'note', lead_id: null, opportunity_id: 'opp_1', owner_id: rep.id, subject: '\\N', body: '', occurred_at: new Date('2026-01-01T00:00:00Z'), created_at: t })
      .execute();
    await sql`UPDATE activities SET created_at = '2026-11-20T01:02:03.456789Z' WHERE id = 'act_2'`.execute(store.db);
  });
  afterAll(async () => {
    await store?.close();
  });

  it.each([
    ['lead', 'leads', toLead],
    ['opportunity', 'opportunities', toOpportunity],
    ['activity', 'activities', toActivity],
    ['user', 'users', toUser],
  ] as const)('%s rows round-trip every value', async (entity, table, mapper) => {
    const sent = await snapshotRows(store, exec, entity);
    const stored = await store.db.selectFrom(table).selectAll().orderBy('id').execute();
    const expected = stored.map((r) => ({ ...(mapper as (row: unknown) => Record<string, unknown>)(r), version: Number(r.version) }));
    expect(sent.sort((a, b) => String(a.id).localeCompare(String(b.id)))).toEqual(expected);
  });

  it('a failing COPY names the problem and leaves the store usable', async () => {
    const read = async () => {
      for await (const chunk of store.copyOut(sql`SELECT nope FROM leads WHERE id = ${'lead_0'}`.compile(store.db))) void chunk;
    };
    await expect(read()).rejects.toThrow(/column "nope" does not exist/);
    const chunks: Uint8Array[] = [];
    for await (const chunk of store.copyOut(sql`SELECT id, name FROM leads WHERE id = ${"lead_'0\\"} OR id = ${'lead_1'}`.compile(store.db))) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString('utf8')).toBe('lead_1\t王芳 1\n');
    expect(await store.db.selectFrom('leads').select('id').where('id', '=', 'lead_2').executeTakeFirst()).toEqual({ id: 'lead_2' });
  });
});
