import Database from 'better-sqlite3';
import { gunzipSync } from 'node:zlib';
import { CACHE_INDEXES_DDL, CACHE_TABLES_DDL } from '../../main/sync/cache-schema';
import { entityColumns, toSnake } from '../../main/sync/entity-columns';
import { SnapshotHeaderSchema, type SyncEntity } from '../../shared/sync/protocol';

/** One downloaded snapshot part: its gzip bytes, exactly as the server sent them. */
export interface PartBytes {
  entity: SyncEntity;
  part: number;
  gz: Buffer;
}

/**
 * The floor of a first sync: the least work that turns the snapshot bytes
 * into a cache file. gunzip, split lines, JSON.parse, one prepared INSERT
 * per row in one transaction per part, journaling off, indexes after. No
 * HTTP, no engine, no checksum, no progress, no resume bookkeeping.
 */
export function floorLoad(parts: readonly PartBytes[], file: string): { rows: number; seconds: number; indexSeconds: number } {
  const started = performance.now();
  const db = new Database(file);
  try {
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    for (const ddl of CACHE_TABLES_DDL) db.exec(ddl);
    let rows = 0;
    for (const p of parts) {
      const lines = gunzipSync(p.gz).toString('utf8').split('\n');
      const header = SnapshotHeaderSchema.parse(JSON.parse(lines[0] ?? ''));
      const { table } = entityColumns(p.entity);
      const insert = db.prepare(`INSERT INTO ${table} (${header.columns.map(toSnake).join(', ')}) VALUES (${header.columns.map(() => '?').join(', ')})`);
      // Only users carry a boolean (active); SQLite binds it as 0/1.
      const bool = header.columns.indexOf('active');
      db.transaction(() => {
        for (let i = 1; i < lines.length; i++) {
          const line = lines[i] as string;
          if (line.length === 0 || line.charCodeAt(0) !== 0x5b /* [ */) continue;
          const values = JSON.parse(line) as unknown[];
          if (bool >= 0) values[bool] = values[bool] ? 1 : 0;
          insert.run(values);
          rows++;
        }
      })();
    }
    const indexStarted = performance.now();
    for (const ddl of CACHE_INDEXES_DDL) db.exec(ddl);
    const done = performance.now();
    return { rows, seconds: (done - started) / 1000, indexSeconds: (done - indexStarted) / 1000 };
  } finally {
    db.close();
  }
}
