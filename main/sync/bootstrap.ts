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
import { SyncHttpError } from './sync-http';
import { createCacheFile, removeDbFile } from './sync-store';

/**
 * First sync (SYNC.md §3.7): load each snapshot part — gunzip, lines, JSON
 * arrays — into a fresh cache file with journaling off, resumable part by
 * part, then build the indexes. The caller swaps the file in whole, so the
 * cockpit keeps working on its old cache until the new one is complete.
 *
 * Parts are downloaded as fast as the server makes them, whatever the
 * loader is doing, and gunzipped just ahead of it on libuv's pool: the
 * server building parts, the network and inflating overlap with the
 * inserts, the one thing that must run on this thread.
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
/** Parts downloading at once: the server always has the next one to build, and finishes them in order. */
const DOWNLOADS_IN_FLIGHT = 2;
/** Compressed bytes downloaded ahead of the loader, at most (a whole 1M-activity snapshot is ~31 MB). */
const MAX_AHEAD_BYTES = 64 * 1024 * 1024;
/** Parts inflated ahead of the one being loaded. */
const INFLATE_AHEAD = 2;
/** Event-loop time for new requests to be written to their sockets before an index build blocks the thread. */
const REQUESTS_LEAVE_MS = 25;
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
    const todo = loadOrder(manifest.parts.filter((p) => !done.has(partKey(p))));
    const ahead = new PartPipeline(source, manifest, todo);
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
        // A complete table gets its indexes now, while later parts are still being built and sent:
        // all of them are asked for first, so the server works on them while this thread is busy.
        if (!todo.some((q) => q.entity === p.entity && !done.has(partKey(q)))) {
          if (ahead.requestAll()) await new Promise((resolve) => setTimeout(resolve, REQUESTS_LEAVE_MS));
          buildIndexes(sqlite, p.entity);
        }
      }
    } finally {
      ahead.close();
    }
    buildIndexes(sqlite, null);
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

/**
 * The biggest table first (with 1M activities, most of the time): its
 * indexes are then built while the server is still making the small
 * tables' parts, instead of after everything.
 */
function loadOrder(parts: SnapshotManifest['parts']): SnapshotManifest['parts'] {
  const rows = new Map<SyncEntity, number>();
  for (const p of parts) rows.set(p.entity, (rows.get(p.entity) ?? 0) + p.rows);
  const first = [...rows.entries()].reduce<[SyncEntity | null, number]>((best, e) => (e[1] > best[1] ? e : best), [null, -1])[0];
  return [...parts.filter((p) => p.entity === first), ...parts.filter((p) => p.entity !== first)];
}

/** Builds the cache indexes of one entity's table (or all of them); each only once. */
function buildIndexes(sqlite: Database.Database, entity: SyncEntity | null): void {
  const table = entity ? entityColumns(entity).table : null;
  for (const ddl of CACHE_INDEXES_DDL) {
    if (table && !new RegExp(`\\bON ${table}\\(`).test(ddl)) continue;
    sqlite.exec(ddl.replace(/EXISTS (\w+)/, `EXISTS ${SCHEMA}.$1`));
  }
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

/**
 * Downloads parts in load order as fast as the server sends them (a couple
 * at a time, so it always has one to build), independently of how fast
 * they are loaded; inflates each shortly before it is needed. Holds at most
 * MAX_AHEAD_BYTES of compressed parts that are not loaded yet.
 */
class PartPipeline {
  readonly #gz: Promise<Buffer>[] = [];
  readonly #inflated = new Map<number, Promise<Buffer>>();
  readonly #streams = new Set<Readable>();
  #requested = 0;
  #inFlight = 0;
  #aheadBytes = 0;
  #consumed = 0;
  #closed = false;
  #burst = false;

  constructor(
    private readonly source: BootstrapSource,
    private readonly manifest: SnapshotManifest,
    private readonly parts: SnapshotManifest['parts'],
  ) {
    this.#pump();
  }

  /** The next part in order, gunzipped. */
  async next(): Promise<Buffer> {
    const i = this.#consumed++;
    if (i >= this.parts.length) throw new Error('snapshot: no more parts');
    this.#pump();
    const raw = this.#inflate(i);
    for (let k = 1; k <= INFLATE_AHEAD; k++) if (i + k < this.#requested) this.#inflate(i + k);
    const gz = await (this.#gz[i] as Promise<Buffer>);
    this.#aheadBytes -= gz.length;
    this.#inflated.delete(i);
    this.#pump();
    return raw;
  }

  /**
   * Asks for every remaining part now (within the byte budget): before this
   * thread blocks for a while, so the server keeps building and sending.
   * True when it sent new requests.
   */
  requestAll(): boolean {
    this.#burst = true;
    const before = this.#requested;
    this.#pump();
    return this.#requested > before;
  }

  /** Stops downloads still running (a failed load, or done). */
  close(): void {
    this.#closed = true;
    for (const stream of this.#streams) stream.destroy();
    this.#streams.clear();
  }

  #pump(): void {
    while (
      !this.#closed &&
      this.#requested < this.parts.length &&
      (this.#burst || this.#inFlight < DOWNLOADS_IN_FLIGHT) &&
      // Always keep the part being waited for (and the one after it) coming.
      (this.#aheadBytes < MAX_AHEAD_BYTES || this.#requested <= this.#consumed + 1)
    ) {
      this.#download(this.#requested++);
    }
  }

  #download(i: number): void {
    const p = this.parts[i] as SnapshotManifest['parts'][number];
    this.#inFlight++;
    const gz = (async () => {
      const stream = await this.source.part(this.manifest, p);
      if (this.#closed) stream.destroy();
      this.#streams.add(stream);
      const chunks: Buffer[] = [];
      try {
        for await (const chunk of stream) chunks.push(chunk as Buffer);
      } catch (error) {
        // The connection dropped mid-part: an outage, not a bad snapshot, so the parts loaded so far are kept.
        if (error instanceof SyncHttpError) throw error;
        throw new SyncHttpError({ kind: 'offline', message: `Snapshot download interrupted: ${(error as Error).message}` });
      } finally {
        this.#streams.delete(stream);
      }
      return Buffer.concat(chunks);
    })();
    // Awaited in order by next(); until then a failure must not count as unhandled.
    gz.catch(() => undefined);
    this.#gz[i] = gz;
    void gz.then(
      (b) => {
        this.#aheadBytes += b.length;
        this.#done();
      },
      () => this.#done(),
    );
  }

  #done(): void {
    this.#inFlight--;
    this.#pump();
  }

  #inflate(i: number): Promise<Buffer> {
    let raw = this.#inflated.get(i);
    if (!raw) {
      // Big output chunks: one main-thread callback per MiB instead of per 16 KiB.
      raw = (this.#gz[i] as Promise<Buffer>).then((gz) => gunzipAsync(gz, { chunkSize: 1 << 20 }));
      raw.catch(() => undefined);
      this.#inflated.set(i, raw);
    }
    return raw;
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
