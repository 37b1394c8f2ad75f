import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import {
  SnapshotHeaderSchema,
  SnapshotManifestSchema,
  SnapshotTrailerSchema,
  type SnapshotManifest,
  type SyncEntity,
} from '../../shared/sync/protocol';
import { CACHE_INDEXES_DDL } from './cache-schema';
import { encode, entityColumns, toSnake } from './entity-columns';
import { createCacheFile, removeDbFile } from './sync-store';

/**
 * First sync (SYNC.md §3.7): stream each snapshot part — gunzip, lines,
 * JSON arrays — into a fresh cache file with journaling off, resumable part
 * by part, then build the indexes. The caller swaps the file in whole, so
 * the cockpit keeps working on its old cache until the new one is complete.
 */

export interface BootstrapProgress {
  partsDone: number;
  partsTotal: number;
  rowsDone: number;
  rowsTotal: number;
}

export interface BootstrapSource {
  manifest(): Promise<SnapshotManifest>;
  part(manifest: SnapshotManifest, p: SnapshotManifest['parts'][number]): Promise<Readable>;
}

const BATCH_ROWS = 5_000;
const SCHEMA = 'boot';

/** Loads a snapshot into `nextFile`; returns the snapshot's seq (the cursor to pull from). */
export async function loadSnapshot(
  sqlite: Database.Database,
  nextFile: string,
  source: BootstrapSource,
  onProgress: (p: BootstrapProgress) => void,
): Promise<number> {
  const resumed = existsSync(nextFile);
  if (resumed) {
    sqlite.prepare(`ATTACH DATABASE ? AS ${SCHEMA}`).run(nextFile);
  } else {
    createCacheFile(sqlite, nextFile, SCHEMA, { indexes: false });
  }
  try {
    // A throw-away file: if the load dies, it is deleted or resumed, never used half-way.
    sqlite.pragma(`${SCHEMA}.journal_mode = OFF`);
    sqlite.pragma(`${SCHEMA}.synchronous = OFF`);
    let manifest = resumed ? readMeta<SnapshotManifest>(sqlite, 'manifest', SnapshotManifestSchema) : null;
    if (!manifest) {
      manifest = await source.manifest();
      writeMeta(sqlite, 'manifest', manifest);
      writeMeta(sqlite, 'partsDone', []);
    }
    const done = new Set(readMeta<string[]>(sqlite, 'partsDone') ?? []);
    const progress: BootstrapProgress = {
      partsDone: done.size,
      partsTotal: manifest.parts.length,
      rowsDone: manifest.parts.filter((p) => done.has(partKey(p))).reduce((n, p) => n + p.rows, 0),
      rowsTotal: manifest.parts.reduce((n, p) => n + p.rows, 0),
    };
    onProgress({ ...progress });
    for (const p of manifest.parts) {
      if (done.has(partKey(p))) continue;
      const stream = await source.part(manifest, p);
      const rows = await loadPart(sqlite, p.entity, stream, () => {
        onProgress({ ...progress });
      }, (n) => {
        progress.rowsDone += n;
      });
      if (rows !== p.rows) {
        // Rows written after the manifest may add or remove a few; the pull that follows reconciles them.
        progress.rowsTotal += rows - p.rows;
      }
      done.add(partKey(p));
      writeMeta(sqlite, 'partsDone', [...done]);
      progress.partsDone = done.size;
      onProgress({ ...progress });
    }
    for (const ddl of CACHE_INDEXES_DDL) sqlite.exec(ddl.replace(/EXISTS (\w+)/, `EXISTS ${SCHEMA}.$1`));
    sqlite.prepare(`INSERT OR REPLACE INTO ${SCHEMA}.cache_meta (key, value_json) VALUES ('cursor', ?)`).run(JSON.stringify(manifest.snapshotSeq));
    sqlite.prepare(`DELETE FROM ${SCHEMA}.cache_meta WHERE key IN ('manifest', 'partsDone')`).run();
    return manifest.snapshotSeq;
  } finally {
    sqlite.prepare(`DETACH DATABASE ${SCHEMA}`).run();
  }
}

export function discardSnapshot(nextFile: string): void {
  removeDbFile(nextFile);
}

function partKey(p: { entity: SyncEntity; part: number }): string {
  return `${p.entity}:${p.part}`;
}

function readMeta<T>(sqlite: Database.Database, key: string, schema?: { safeParse(v: unknown): { success: boolean; data?: unknown } }): T | null {
  const row = sqlite.prepare(`SELECT value_json FROM ${SCHEMA}.cache_meta WHERE key = ?`).get(key) as { value_json: string } | undefined;
  if (!row) return null;
  const value: unknown = JSON.parse(row.value_json);
  if (schema && !schema.safeParse(value).success) return null;
  return value as T;
}

function writeMeta(sqlite: Database.Database, key: string, value: unknown): void {
  sqlite.prepare(`INSERT OR REPLACE INTO ${SCHEMA}.cache_meta (key, value_json) VALUES (?, ?)`).run(key, JSON.stringify(value));
}

/** Streams one gzip NDJSON part into its table; verifies the trailer's count and checksum. */
async function loadPart(
  sqlite: Database.Database,
  entity: SyncEntity,
  gz: Readable,
  tick: () => void,
  addRows: (n: number) => void,
): Promise<number> {
  const lines = createInterface({ input: gz.pipe(createGunzip()), crlfDelay: Infinity });
  const hash = createHash('sha256');
  let insert: Database.Statement | null = null;
  let order: { field: string; index: number }[] = [];
  let batch: unknown[][] = [];
  let rows = 0;
  let trailer: { rows: number; sha256: string } | null = null;

  const flush = sqlite.transaction((items: unknown[][]) => {
    for (const values of items) insert?.run(...(values as never[]));
  });

  for await (const line of lines) {
    if (!line) continue;
    if (insert === null) {
      const header = SnapshotHeaderSchema.parse(JSON.parse(line));
      if (header.entity !== entity) throw new Error(`snapshot part for ${header.entity} where ${entity} was expected`);
      // Map by name: the server may send columns in another order, or new ones this build ignores.
      const { fields, table } = entityColumns(entity);
      order = fields.map((field) => ({ field, index: header.columns.indexOf(field) }));
      insert = sqlite.prepare(`INSERT OR REPLACE INTO ${SCHEMA}.${table} (${fields.map(toSnake).join(', ')}) VALUES (${fields.map(() => '?').join(', ')})`);
      continue;
    }
    if (line.startsWith('{')) {
      const t = SnapshotTrailerSchema.parse(JSON.parse(line));
      trailer = { rows: t.rows, sha256: t.sha256 };
      break;
    }
    hash.update(line + '\n');
    const array = JSON.parse(line) as unknown[];
    batch.push(order.map((o) => encode(o.field, o.index >= 0 ? array[o.index] : undefined)));
    if (batch.length >= BATCH_ROWS) {
      flush(batch);
      rows += batch.length;
      addRows(batch.length);
      batch = [];
      tick();
      // Let IPC and the UI breathe between batches: better-sqlite3 is synchronous.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  if (batch.length > 0) {
    flush(batch);
    rows += batch.length;
    addRows(batch.length);
  }
  if (!trailer) throw new Error(`snapshot part for ${entity} ended early (no trailer)`);
  if (trailer.rows !== rows || trailer.sha256 !== hash.digest('hex')) {
    throw new Error(`snapshot part for ${entity} is damaged (${rows} rows read, ${trailer.rows} sent)`);
  }
  return rows;
}
