import type Database from 'better-sqlite3';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { SyncEntity } from '../../shared/sync/protocol';
import { followersOf, isParentEntity } from '../../shared/sync/visibility';
import { CACHE_INDEXES_DDL, CACHE_SCHEMA_VERSION, CACHE_TABLES_DDL } from './cache-schema';
import { entityColumns, fromTableRow, toBindValues, toSnake } from './entity-columns';
import { OUTBOX_MIGRATIONS, OutboxFromFutureError } from './outbox-schema';
import { makePrivateFile } from '../../platform/private-files';

/**
 * The cockpit's sync storage, on the one SQLite connection the app uses:
 * `cache` (rows mirrored from the server; attached, swappable as a whole
 * after a first sync) and `outbox` (pending and rejected writes, in a file
 * of its own so no cache rebuild can touch them). One transaction spans
 * both, so a local edit and its queued mutation are written together.
 * (In WAL mode SQLite keeps each file atomic; only a power cut in the middle
 * of that commit could leave one file ahead of the other.)
 */

export type OutboxStatus = 'pending' | 'acked' | 'rejected';

export interface OutboxEntry {
  mutationId: number;
  name: string;
  args: unknown;
  at: string;
  status: OutboxStatus;
  seq: number | null;
  error: OutboxError | null;
  /** Rows the optimistic apply wrote, as "entity:id". */
  touched: string[];
  createdAt: string;
}

export interface OutboxError {
  code: string | null;
  /** The rejection's reason key (absent in entries recorded before reasons travelled). */
  reason?: string | null;
  message: string | null;
  fields: string[];
  serverValues: Record<string, unknown> | null;
  supportId: string | null;
}

/** Files of one user on one server: switching users never mixes caches or queues. */
export function syncFiles(dataDir: string, serverUrl: string, userId: string): { cache: string; outbox: string; key: string } {
  const key = createHash('sha256').update(`${serverUrl}\n${userId}`).digest('hex').slice(0, 16);
  return { cache: join(dataDir, `cache-${key}.sqlite`), outbox: join(dataDir, `outbox-${key}.sqlite`), key };
}

export class SyncStore {
  readonly #sqlite: Database.Database;
  readonly cacheFile: string;
  readonly outboxFile: string;

  constructor(sqlite: Database.Database, files: { cache: string; outbox: string }) {
    this.#sqlite = sqlite;
    this.cacheFile = files.cache;
    this.outboxFile = files.outbox;
    this.#attachOutbox();
    this.#attachCache();
  }

  get sqlite(): Database.Database {
    return this.#sqlite;
  }

  #attachOutbox(): void {
    makePrivateFile(this.outboxFile);
    this.#sqlite.prepare('ATTACH DATABASE ? AS outbox').run(this.outboxFile);
    this.#sqlite.pragma('outbox.journal_mode = WAL');
    const version = Number(this.#sqlite.pragma('outbox.user_version', { simple: true }));
    if (version > OUTBOX_MIGRATIONS.length) {
      this.#sqlite.prepare('DETACH DATABASE outbox').run();
      throw new OutboxFromFutureError(this.outboxFile, version);
    }
    OUTBOX_MIGRATIONS.slice(version).forEach((statements, i) => {
      this.#sqlite.transaction(() => {
        for (const s of statements) this.#sqlite.exec(s.replace(/CREATE TABLE (\w+)/, 'CREATE TABLE outbox.$1'));
        this.#sqlite.pragma(`outbox.user_version = ${version + i + 1}`);
      })();
    });
  }

  /** Attaches the cache file, creating it (or recreating it when its schema is another build's). */
  #attachCache(): void {
    if (existsSync(this.cacheFile)) {
      this.#sqlite.prepare('ATTACH DATABASE ? AS cache').run(this.cacheFile);
      const version = Number(this.#sqlite.pragma('cache.user_version', { simple: true }));
      if (version === CACHE_SCHEMA_VERSION) return;
      // Another build's cache: it holds nothing the server lacks, so rebuild it.
      this.#sqlite.prepare('DETACH DATABASE cache').run();
      removeDbFile(this.cacheFile);
    }
    createCacheFile(this.#sqlite, this.cacheFile, 'cache', { indexes: true });
  }

  /** Replaces the whole cache with a file loaded elsewhere (first sync). */
  swapCache(nextFile: string): void {
    this.#sqlite.prepare('DETACH DATABASE cache').run();
    removeDbFile(this.cacheFile);
    renameSync(nextFile, this.cacheFile);
    this.#sqlite.prepare('ATTACH DATABASE ? AS cache').run(this.cacheFile);
    this.#sqlite.pragma('cache.journal_mode = WAL');
  }

  /** Empties the cache in place (scope change) — the outbox stays. */
  resetCache(): void {
    const next = `${this.cacheFile}.reset`;
    removeDbFile(next);
    createCacheFile(this.#sqlite, next, 'cache_reset', { indexes: true });
    this.#sqlite.prepare('DETACH DATABASE cache_reset').run();
    this.swapCache(next);
  }

  transaction<T>(fn: () => T): T {
    return this.#sqlite.transaction(fn)();
  }

  // --- sync state -----------------------------------------------------------

  /** The cockpit's sync identity, stable across cache rebuilds. */
  clientId(): string {
    const existing = this.#getState<string>('outbox', 'clientId');
    if (existing) return existing;
    const id = randomUUID();
    this.#setState('outbox', 'clientId', id);
    return id;
  }

  /** Position in the server's change log; lives with the cache it describes. */
  cursor(): number | null {
    return this.#getState<number>('cache', 'cursor');
  }

  setCursor(cursor: number): void {
    this.#setState('cache', 'cursor', cursor);
  }

  lastSyncedAt(): string | null {
    return this.#getState<string>('cache', 'lastSyncedAt');
  }

  setLastSyncedAt(at: string): void {
    this.#setState('cache', 'lastSyncedAt', at);
  }

  #getState<T>(schema: 'outbox' | 'cache', key: string): T | null {
    const table = schema === 'outbox' ? 'outbox.sync_state' : 'cache.cache_meta';
    const row = this.#sqlite.prepare(`SELECT value_json FROM ${table} WHERE key = ?`).get(key) as { value_json: string } | undefined;
    return row ? (JSON.parse(row.value_json) as T) : null;
  }

  #setState(schema: 'outbox' | 'cache', key: string, value: unknown): void {
    const table = schema === 'outbox' ? 'outbox.sync_state' : 'cache.cache_meta';
    this.#sqlite
      .prepare(`INSERT INTO ${table} (key, value_json) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json`)
      .run(key, JSON.stringify(value));
  }

  // --- rows -----------------------------------------------------------------

  getRow(entity: SyncEntity, id: string): Record<string, unknown> | null {
    const { table } = entityColumns(entity);
    const row = this.#sqlite.prepare(`SELECT * FROM cache.${table} WHERE id = ?`).get(id) as Record<string, unknown> | undefined;
    return row ? fromTableRow(entity, row) : null;
  }

  rowVersion(entity: SyncEntity, id: string): number | null {
    const { table } = entityColumns(entity);
    const row = this.#sqlite.prepare(`SELECT version FROM cache.${table} WHERE id = ?`).get(id) as { version: number } | undefined;
    return row ? row.version : null;
  }

  putRow(entity: SyncEntity, row: Record<string, unknown>): void {
    const { table, columns } = entityColumns(entity);
    const sql = `INSERT OR REPLACE INTO cache.${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
    this.#sqlite.prepare(sql).run(...(toBindValues(entity, row) as never[]));
  }

  deleteRow(entity: SyncEntity, id: string): void {
    const { table } = entityColumns(entity);
    this.#sqlite.prepare(`DELETE FROM cache.${table} WHERE id = ?`).run(id);
  }

  /**
   * Removes the rows that follow an evicted parent (`followersOf` in
   * shared/sync/visibility.ts): a lead's notes go with it, the user's own
   * tasks on that lead stay (a task follows its owner).
   */
  deleteFollowers(entity: SyncEntity, id: string): void {
    if (!isParentEntity(entity)) return;
    for (const f of followersOf(entity)) {
      const { table } = entityColumns(f.entity);
      const unless = f.unless.map((u) => ` AND ${toSnake(u)} IS NULL`).join('');
      this.#sqlite.prepare(`DELETE FROM cache.${table} WHERE ${toSnake(f.via)} = ?${unless}`).run(id);
    }
  }

  // --- shadows --------------------------------------------------------------

  hasShadow(entity: SyncEntity, id: string): boolean {
    return this.#sqlite.prepare('SELECT 1 FROM cache.shadow WHERE entity = ? AND id = ?').get(entity, id) !== undefined;
  }

  /** Keeps the server's copy of a row before the first local change to it. */
  ensureShadow(entity: SyncEntity, id: string): void {
    if (this.hasShadow(entity, id)) return;
    const row = this.getRow(entity, id);
    this.#sqlite
      .prepare('INSERT INTO cache.shadow (entity, id, row_json, version) VALUES (?, ?, ?, ?)')
      .run(entity, id, row ? JSON.stringify(row) : null, row ? Number(row.version ?? 0) : 0);
  }

  shadowVersion(entity: SyncEntity, id: string): number {
    const r = this.#sqlite.prepare('SELECT version FROM cache.shadow WHERE entity = ? AND id = ?').get(entity, id) as { version: number } | undefined;
    return r?.version ?? -1;
  }

  setShadow(entity: SyncEntity, id: string, row: Record<string, unknown> | null, version: number): void {
    this.#sqlite
      .prepare('UPDATE cache.shadow SET row_json = ?, version = ? WHERE entity = ? AND id = ?')
      .run(row ? JSON.stringify(row) : null, version, entity, id);
  }

  shadows(): { entity: SyncEntity; id: string; row: Record<string, unknown> | null }[] {
    const rows = this.#sqlite.prepare('SELECT entity, id, row_json FROM cache.shadow').all() as { entity: SyncEntity; id: string; row_json: string | null }[];
    return rows.map((r) => ({ entity: r.entity, id: r.id, row: r.row_json ? (JSON.parse(r.row_json) as Record<string, unknown>) : null }));
  }

  dropShadow(entity: SyncEntity, id: string): void {
    this.#sqlite.prepare('DELETE FROM cache.shadow WHERE entity = ? AND id = ?').run(entity, id);
  }

  // --- outbox ---------------------------------------------------------------

  nextMutationId(): number {
    const r = this.#sqlite.prepare('SELECT max(mutation_id) AS m FROM outbox.outbox').get() as { m: number | null };
    const stored = this.#getState<number>('outbox', 'lastMutationId') ?? 0;
    return Math.max(r.m ?? 0, stored) + 1;
  }

  appendOutbox(e: { mutationId: number; name: string; args: unknown; at: string; touched: string[] }): void {
    this.#sqlite
      .prepare(
        "INSERT INTO outbox.outbox (mutation_id, name, args_json, at, status, touched_json, created_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)",
      )
      .run(e.mutationId, e.name, JSON.stringify(e.args), e.at, JSON.stringify(e.touched), new Date().toISOString());
    this.#setState('outbox', 'lastMutationId', e.mutationId);
  }

  outbox(statuses: OutboxStatus[] = ['pending', 'acked', 'rejected']): OutboxEntry[] {
    const rows = this.#sqlite
      .prepare(`SELECT * FROM outbox.outbox WHERE status IN (${statuses.map(() => '?').join(',')}) ORDER BY mutation_id`)
      .all(...statuses) as {
      mutation_id: number;
      name: string;
      args_json: string;
      at: string;
      status: OutboxStatus;
      seq: number | null;
      error_json: string | null;
      touched_json: string;
      created_at: string;
    }[];
    return rows.map((r) => ({
      mutationId: r.mutation_id,
      name: r.name,
      args: JSON.parse(r.args_json) as unknown,
      at: r.at,
      status: r.status,
      seq: r.seq,
      error: r.error_json ? (JSON.parse(r.error_json) as OutboxError) : null,
      touched: JSON.parse(r.touched_json) as string[],
      createdAt: r.created_at,
    }));
  }

  counts(): { pending: number; rejected: number } {
    const r = this.#sqlite
      .prepare("SELECT sum(status IN ('pending','acked')) AS pending, sum(status = 'rejected') AS rejected FROM outbox.outbox")
      .get() as { pending: number | null; rejected: number | null };
    return { pending: r.pending ?? 0, rejected: r.rejected ?? 0 };
  }

  markAcked(mutationId: number, seq: number): void {
    this.#sqlite.prepare("UPDATE outbox.outbox SET status = 'acked', seq = ? WHERE mutation_id = ? AND status = 'pending'").run(seq, mutationId);
  }

  /** Returns false when it was already recorded (or the user discarded it). */
  markRejected(mutationId: number, error: OutboxError): boolean {
    return (
      this.#sqlite
        .prepare("UPDATE outbox.outbox SET status = 'rejected', error_json = ? WHERE mutation_id = ? AND status != 'rejected'")
        .run(JSON.stringify(error), mutationId).changes > 0
    );
  }

  /** Acked writes whose effects the cache now holds (cursor passed their seq) leave the outbox. */
  dropAckedUpTo(cursor: number): number {
    return this.#sqlite.prepare("DELETE FROM outbox.outbox WHERE status = 'acked' AND seq <= ?").run(cursor).changes;
  }

  /** Only ever on the user's say (Needs attention → Discard). */
  discardRejected(mutationId: number): boolean {
    return this.#sqlite.prepare("DELETE FROM outbox.outbox WHERE mutation_id = ? AND status = 'rejected'").run(mutationId).changes > 0;
  }

  ensureIndexes(): void {
    for (const ddl of CACHE_INDEXES_DDL) this.#sqlite.exec(ddl.replace(/EXISTS (\w+)/, 'EXISTS cache.$1'));
  }

  detach(): void {
    for (const schema of ['cache', 'outbox']) {
      try {
        this.#sqlite.prepare(`DETACH DATABASE ${schema}`).run();
      } catch {
        // already detached
      }
    }
  }
}

/** Creates a cache file with the current schema and attaches it as `schema`. */
export function createCacheFile(sqlite: Database.Database, file: string, schema: string, opts: { indexes: boolean }): void {
  // 0600 before SQLite sees it, so its -wal and -shm are private too (customers' names and mobiles).
  makePrivateFile(file);
  sqlite.prepare(`ATTACH DATABASE ? AS ${schema}`).run(file);
  sqlite.transaction(() => {
    for (const ddl of CACHE_TABLES_DDL) sqlite.exec(ddl.replace(/CREATE TABLE (\w+)/, `CREATE TABLE ${schema}.$1`));
    sqlite.exec(`CREATE TABLE ${schema}.cache_meta (key TEXT PRIMARY KEY, value_json TEXT NOT NULL) STRICT`);
    if (opts.indexes) for (const ddl of CACHE_INDEXES_DDL) sqlite.exec(ddl.replace(/EXISTS (\w+)/, `EXISTS ${schema}.$1`));
    sqlite.pragma(`${schema}.user_version = ${CACHE_SCHEMA_VERSION}`);
  })();
  sqlite.pragma(`${schema}.journal_mode = WAL`);
}

export function removeDbFile(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true });
}
