import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSnapshot, type BootstrapSource } from '../../main/sync/bootstrap';
import { entityFields } from '../../shared/sync/entities';
import { SYNC_SCHEMA_VERSION, type SnapshotManifest, type SyncEntity } from '../../shared/sync/protocol';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const at = '2026-11-20T01:02:03.456Z';
function leadRow(i: number): unknown[] {
  const row: Record<string, unknown> = {
    id: `lead_${String(i).padStart(3, '0')}`,
    name: `线索 ${i}`,
    mobile: null,
    company: null,
    city: '杭州',
    source: 'website_form',
    need: 'quote',
    status: 'assigned',
    ownerId: 'u1',
    regionId: 'r1',
    createdAt: at,
    assignedAt: at,
    firstTouchAt: null,
    updatedAt: at,
    version: i,
  };
  return entityFields('lead').map((f) => row[f] ?? null);
}

function partBytes(entity: SyncEntity, part: number, of: number, rows: unknown[][], opts: { damage?: boolean } = {}): Buffer {
  const lines = rows.map((r) => JSON.stringify(r) + '\n');
  const sha = createHash('sha256').update(lines.join('')).digest('hex');
  if (opts.damage) lines[0] = lines[0]?.replace('线索', '线素') ?? '';
  const header = JSON.stringify({ entity, columns: entityFields(entity), schemaVersion: SYNC_SCHEMA_VERSION, snapshotSeq: 42, part, of }) + '\n';
  const trailer = JSON.stringify({ end: true, rows: rows.length, sha256: sha }) + '\n';
  return gzipSync(header + lines.join('') + trailer);
}

const leads = Array.from({ length: 30 }, (_, i) => leadRow(i));
const manifest: SnapshotManifest = {
  snapshotSeq: 42,
  schemaVersion: SYNC_SCHEMA_VERSION,
  parts: [
    { entity: 'lead', part: 0, of: 3, rows: 10, after: null, until: 'lead_009' },
    { entity: 'lead', part: 1, of: 3, rows: 10, after: 'lead_009', until: 'lead_019' },
    { entity: 'lead', part: 2, of: 3, rows: 10, after: 'lead_019', until: null },
  ],
};

/** Serves the parts; `fault` decides how one part goes wrong. */
function source(fault: (part: number) => 'ok' | 'damaged' | 'cut'): BootstrapSource & { requested: number[] } {
  const requested: number[] = [];
  return {
    requested,
    manifest: async () => manifest,
    part: async (_m, p) => {
      requested.push(p.part);
      const rows = leads.slice(p.part * 10, p.part * 10 + 10);
      const kind = fault(p.part);
      const bytes = partBytes('lead', p.part, 3, rows, { damage: kind === 'damaged' });
      if (kind !== 'cut') return Readable.from([bytes]);
      // The connection drops half-way through the part.
      return new Readable({
        read() {
          this.push(bytes.subarray(0, Math.floor(bytes.length / 2)));
          this.destroy(new Error('socket hang up'));
        },
      });
    },
  };
}

function setup(): { sqlite: Database.Database; next: string } {
  const dir = mkdtempSync(join(tmpdir(), 'verity-boot-'));
  dirs.push(dir);
  return { sqlite: new Database(join(dir, 'cockpit.sqlite')), next: join(dir, 'cache.next.sqlite') };
}

function countLeads(file: string): number {
  const db = new Database(file, { readonly: true });
  const n = (db.prepare('SELECT count(*) AS n FROM leads').get() as { n: number }).n;
  db.close();
  return n;
}

describe('first-sync loading', () => {
  it('refuses a damaged part, then resumes without fetching the parts it already has', async () => {
    const { sqlite, next } = setup();
    const first = source((p) => (p === 2 ? 'damaged' : 'ok'));
    await expect(loadSnapshot(sqlite, next, first, () => undefined)).rejects.toThrow(/damaged|checksum/i);
    expect(existsSync(next)).toBe(true);

    const progress: number[] = [];
    const second = source(() => 'ok');
    expect(await loadSnapshot(sqlite, next, second, (p) => progress.push(p.rowsDone))).toBe(42);
    expect(second.requested).toEqual([2]);
    expect(countLeads(next)).toBe(30);
    expect(progress.at(-1)).toBe(30);
    sqlite.close();
  });

  it('survives a connection cut in the middle of a part and finishes on the next try', async () => {
    const { sqlite, next } = setup();
    await expect(loadSnapshot(sqlite, next, source((p) => (p === 1 ? 'cut' : 'ok')), () => undefined)).rejects.toThrow();
    const retry = source(() => 'ok');
    expect(await loadSnapshot(sqlite, next, retry, () => undefined)).toBe(42);
    expect(retry.requested).not.toContain(0);
    expect(countLeads(next)).toBe(30);
    // The finished file knows where to pull from, and no half-load bookkeeping is left in it.
    const db = new Database(next, { readonly: true });
    expect(db.prepare("SELECT key, value_json FROM cache_meta ORDER BY key").all()).toEqual([{ key: 'cursor', value_json: '42' }]);
    db.close();
    sqlite.close();
  });
});
