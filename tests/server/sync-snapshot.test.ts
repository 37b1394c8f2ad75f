import { createHash, randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotColumns } from '../../server/sync/snapshot';
import {
  SnapshotHeaderSchema,
  SnapshotManifestSchema,
  SnapshotTrailerSchema,
  SYNC_PROTOCOL_VERSION,
  SYNC_SCHEMA_VERSION,
  type SnapshotManifest,
} from '../../shared/sync/protocol';
import { bearer } from './fixtures';
import { openTestStore, storeKinds, type TestStore } from './store-harness';
import { buildSyncTeam, insertLead, mutation, newCockpit, pullAll, push, type SyncTeam } from './sync-harness';

const versions = `protocolVersion=${SYNC_PROTOCOL_VERSION}&schemaVersion=${SYNC_SCHEMA_VERSION}`;

describe.each(storeKinds())('snapshot on %s', (kind) => {
  let store: TestStore;
  let team: SyncTeam;

  beforeAll(async () => {
    store = await openTestStore(kind);
    team = await buildSyncTeam(store, undefined, { snapshotPartRows: 7 });
    // Loaded before sync existed (like the seed): version 0, no change-log rows.
    for (let i = 0; i < 20; i++) await insertLead(store.db, `lead_r1_${String(i).padStart(3, '0')}`, team.ids.rep1, 'r_east');
    for (let i = 0; i < 5; i++) await insertLead(store.db, `lead_r2_${i}`, team.ids.rep2, 'r_east');
    await insertLead(store.db, 'lead_pool_east', null, 'r_east', 'public_pool');
    await insertLead(store.db, 'lead_pool_north', null, 'r_north', 'public_pool');
  });
  afterAll(async () => {
    await team?.app.close();
    await store?.close();
  });

  async function manifestFor(token: string, clientId: string): Promise<SnapshotManifest> {
    const response = await team.app.inject({ method: 'GET', url: `/sync/snapshot?${versions}&clientId=${clientId}`, headers: bearer(token) });
    expect(response.statusCode).toBe(200);
    return SnapshotManifestSchema.parse(response.json());
  }

  async function part(token: string, clientId: string, m: SnapshotManifest, p: SnapshotManifest['parts'][number]) {
    const range = `${p.after ? `&after=${p.after}` : ''}${p.until ? `&until=${p.until}` : ''}`;
    const response = await team.app.inject({
      method: 'GET',
      url: `/sync/snapshot/${p.entity}/${p.part}?${versions}&clientId=${clientId}&snapshotSeq=${m.snapshotSeq}&of=${p.of}${range}`,
      headers: bearer(token),
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/gzip');
    const lines = gunzipSync(response.rawPayload).toString('utf8').split('\n').filter(Boolean);
    const header = SnapshotHeaderSchema.parse(JSON.parse(lines[0] ?? ''));
    const trailer = SnapshotTrailerSchema.parse(JSON.parse(lines[lines.length - 1] ?? ''));
    const rowLines = lines.slice(1, -1);
    const sha = createHash('sha256').update(rowLines.map((l) => l + '\n').join('')).digest('hex');
    expect(trailer).toEqual({ end: true, rows: rowLines.length, sha256: sha });
    return { header, rows: rowLines.map((l) => JSON.parse(l) as unknown[]) };
  }

  it('gives a rep their own leads and their region’s pool, in keyset parts with checksums', async () => {
    const clientId = randomUUID();
    const m = await manifestFor(team.tokens.rep1, clientId);
    const leadParts = m.parts.filter((p) => p.entity === 'lead');
    // 20 own + 1 pool lead, 7 per part.
    expect(leadParts.map((p) => p.rows)).toEqual([7, 7, 7]);
    const ids: string[] = [];
    for (const p of leadParts) {
      const { header, rows } = await part(team.tokens.rep1, clientId, m, p);
      expect(header).toMatchObject({ entity: 'lead', part: p.part, of: 3, snapshotSeq: m.snapshotSeq, columns: snapshotColumns('lead') });
      expect(rows).toHaveLength(p.rows);
      const idIndex = header.columns.indexOf('id');
      ids.push(...rows.map((r) => String(r[idIndex])));
    }
    expect(new Set(ids).size).toBe(21);
    expect(ids).toContain('lead_pool_east');
    expect(ids.some((id) => id.startsWith('lead_r2_'))).toBe(false);
    expect(ids).not.toContain('lead_pool_north');
    // Users (colleagues) come without password hashes.
    const users = m.parts.find((p) => p.entity === 'user');
    if (!users) throw new Error('no user part');
    const { header, rows } = await part(team.tokens.rep1, clientId, m, users);
    expect(header.columns).not.toContain('passwordHash');
    expect(JSON.stringify(rows)).not.toMatch(/scrypt/);
  });

  it('rows written after the manifest do not shift parts; pulling from snapshotSeq brings them', async () => {
    const clientId = randomUUID();
    const m = await manifestFor(team.tokens.rep1, clientId);
    const c = { clientId, nextId: 1, cursor: m.snapshotSeq };
    const writer = newCockpit();
    const fresh = { id: 'lead_r1_000a', name: 'Inserted mid-snapshot', mobile: null, need: 'sample' as const };
    await push(team.app, team.tokens.rep1, writer, [mutation(writer, 'lead.create@1', fresh)]);
    const ids: string[] = [];
    for (const p of m.parts.filter((x) => x.entity === 'lead')) {
      const { header, rows } = await part(team.tokens.rep1, clientId, m, p);
      ids.push(...rows.map((r) => String(r[header.columns.indexOf('id')])));
    }
    // Every row of the manifest arrived exactly once.
    for (let i = 0; i < 20; i++) expect(ids.filter((id) => id === `lead_r1_${String(i).padStart(3, '0')}`)).toHaveLength(1);
    const pulled = (await pullAll(team.app, team.tokens.rep1, c)).flatMap((p) => p.changes);
    expect(pulled).toContainEqual(expect.objectContaining({ entity: 'lead', id: 'lead_r1_000a', op: 'upsert' }));
  });

  it('refuses an old cockpit with 426', async () => {
    const response = await team.app.inject({
      method: 'GET',
      url: `/sync/snapshot?protocolVersion=${SYNC_PROTOCOL_VERSION}&schemaVersion=0&clientId=${randomUUID()}`,
      headers: bearer(team.tokens.rep1),
    });
    expect(response.statusCode).toBe(426);
  });
});
