import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
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
 * First sync (SYNC.md §3.7): load each snapshot part — gunzip, lines, JSON
 * arrays — into a fresh cache file with journaling off, resumable part by
 * part, then build the indexes. The caller swaps the file in whole, so the
 * cockpit keeps working on its old cache until the new one is complete.
 *
 * Parts are downloaded and gunzipped a few ahead of the one being loaded
 * (gunzip runs on libuv's pool), so the server building the next parts,
 * the network and inflating overlap with the inserts, which are the one
 * thing that must run on this thread.
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
/** Parts fetched ahead of the one being loaded: enough to hide a part's build time on the server. */
const PREFETCH_PARTS = 3;
const SCHEMA = 'boot';
const gunzipAsync = promisify(gunzip);

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
    const todo = manifest.parts.filter((p) => !done.has(partKey(p)));
    const ahead = new PartPrefetcher(source, manifest, todo, PREFETCH_PARTS);
    try {
      for (const p of todo) {
        const raw = await ahead.next();
        const rows = await loadPart(
          sqlite,
          p.entity,
          raw,
          () => {
            onProgress({ ...progress });
          },
          (n) => {
            progress.rowsDone += n;
          },
        );
        if (rows !== p.rows) {
          // Rows written after the manifest may add or remove a few; the pull that follows reconciles them.
          progress.rowsTotal += rows - p.rows;
        }
        done.add(partKey(p));
        writeMeta(sqlite, 'partsDone', [...done]);
        progress.partsDone = done.size;
        onProgress({ ...progress });
      }
    } finally {
      ahead.close();
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

interface Fetched {
  stream: Readable | null;
  raw: Promise<Buffer>;
}

/** Downloads and inflates parts in order, at most `depth` ahead of the consumer. */
class PartPrefetcher {
  readonly #queue: Fetched[] = [];
  #nextIndex = 0;
  #closed = false;

  constructor(
    private readonly source: BootstrapSource,
    private readonly manifest: SnapshotManifest,
    private readonly parts: SnapshotManifest['parts'],
    private readonly depth: number,
  ) {
    this.#fill();
  }

  /** The next part, gunzipped. */
  async next(): Promise<Buffer> {
    const head = this.#queue.shift();
    if (!head) throw new Error('snapshot: no more parts');
    this.#fill();
    return head.raw;
  }

  /** Stops downloads still running (a failed load, or done). */
  close(): void {
    this.#closed = true;
    for (const f of this.#queue.splice(0)) f.stream?.destroy();
  }

  #fill(): void {
    while (!this.#closed && this.#queue.length < this.depth && this.#nextIndex < this.parts.length) {
      const p = this.parts[this.#nextIndex++] as SnapshotManifest['parts'][number];
      const entry: Fetched = { stream: null, raw: Promise.resolve(Buffer.alloc(0)) };
      entry.raw = (async () => {
        const stream = await this.source.part(this.manifest, p);
        entry.stream = stream;
        if (this.#closed) stream.destroy();
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        return gunzipAsync(Buffer.concat(chunks));
      })();
      // Awaited in order by next(); until then a failure must not count as unhandled.
      entry.raw.catch(() => undefined);
      this.#queue.push(entry);
    }
  }
}

const NEWLINE = 0x0a;

/** Loads one inflated NDJSON part into its table; verifies the trailer's count and checksum. */
async function loadPart(
  sqlite: Database.Database,
  entity: SyncEntity,
  raw: Buffer,
  tick: () => void,
  addRows: (n: number) => void,
): Promise<number> {
  const headerEnd = raw.indexOf(NEWLINE);
  if (headerEnd < 0) throw new Error(`snapshot part for ${entity} ended early (no header)`);
  const header = SnapshotHeaderSchema.parse(JSON.parse(raw.toString('utf8', 0, headerEnd)));
  if (header.entity !== entity) throw new Error(`snapshot part for ${header.entity} where ${entity} was expected`);
  // The trailer is the last line; the row lines lie between it and the header.
  const end = raw[raw.length - 1] === NEWLINE ? raw.length - 1 : raw.length;
  const trailerStart = raw.lastIndexOf(NEWLINE, end - 1) + 1;
  if (trailerStart <= headerEnd || raw[trailerStart] !== 0x7b /* { */) throw new Error(`snapshot part for ${entity} ended early (no trailer)`);
  const trailer = SnapshotTrailerSchema.parse(JSON.parse(raw.toString('utf8', trailerStart, end)));
  const body = raw.subarray(headerEnd + 1, trailerStart);
  const sha256 = createHash('sha256').update(body).digest('hex');
  if (sha256 !== trailer.sha256) throw new Error(`snapshot part for ${entity} is damaged (checksum mismatch)`);

  // Map by name: the server may send columns in another order, or new ones this build ignores.
  const { fields, table } = entityColumns(entity);
  const order = fields.map((field) => ({ field, index: header.columns.indexOf(field) }));
  // Same columns in the same order, and encode() is the identity for each: bind the parsed array as is.
  const direct = header.columns.length === fields.length && fields.every((f, i) => header.columns[i] === f && encode(f, 'x') === 'x' && encode(f, true) === true);
  const insert = sqlite.prepare(`INSERT OR REPLACE INTO ${SCHEMA}.${table} (${fields.map(toSnake).join(', ')}) VALUES (${fields.map(() => '?').join(', ')})`);
  const text = body.toString('utf8');
  let at = 0;
  let rows = 0;
  const insertBatch = sqlite.transaction(() => {
    let n = 0;
    while (n < BATCH_ROWS && at < text.length) {
      let next = text.indexOf('\n', at);
      if (next < 0) next = text.length;
      const line = text.slice(at, next);
      at = next + 1;
      if (line.length === 0) continue;
      const array = JSON.parse(line) as unknown[];
      insert.run(direct ? array : order.map((o) => encode(o.field, o.index >= 0 ? array[o.index] : undefined)));
      n++;
    }
    return n;
  });
  while (at < text.length) {
    const n = insertBatch();
    rows += n;
    addRows(n);
    tick();
    // Let IPC and the UI breathe between batches: better-sqlite3 is synchronous.
    if (at < text.length) await new Promise((resolve) => setImmediate(resolve));
  }
  if (trailer.rows !== rows) throw new Error(`snapshot part for ${entity} is damaged (${rows} rows read, ${trailer.rows} sent)`);
  return rows;
}
