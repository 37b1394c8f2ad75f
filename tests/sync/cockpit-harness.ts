import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalActor } from '../../main/sync/local-apply';
import { SyncEngine, type EngineStatus } from '../../main/sync/sync-engine';
import { SyncHttp, type FetchFn } from '../../main/sync/sync-http';
import { SyncStore, syncFiles } from '../../main/sync/sync-store';

/** One cockpit's sync stack on real files, talking HTTP to a real team server. */
export class TestCockpit {
  readonly dir = mkdtempSync(join(tmpdir(), 'verity-cockpit-'));
  readonly sqlite = new Database(join(this.dir, 'cockpit.sqlite'));
  readonly store: SyncStore;
  readonly engine: SyncEngine;
  readonly statuses: EngineStatus[] = [];
  readonly rejections: number[] = [];

  constructor(opts: { serverUrl: string; token: string; actor: LocalActor; live?: boolean; fetch?: FetchFn; pollMs?: number }) {
    this.sqlite.pragma('journal_mode = WAL');
    this.store = new SyncStore(this.sqlite, syncFiles(this.dir, opts.serverUrl, opts.actor.userId));
    const http = new SyncHttp({
      serverUrl: opts.serverUrl,
      token: async () => opts.token,
      locale: () => opts.actor.locale,
      clientId: this.store.clientId(),
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
    });
    this.engine = new SyncEngine({
      store: this.store,
      http,
      actor: () => opts.actor,
      onStatus: (s) => this.statuses.push(s),
      onChanged: (c) => {
        if (c.rejected) this.rejections.push(c.rejected);
      },
      log: { warn: () => undefined, error: () => undefined },
      live: opts.live ?? false,
      pollMs: opts.pollMs ?? 60_000,
    });
  }

  row(entity: Parameters<SyncStore['getRow']>[0], id: string): Record<string, unknown> | null {
    return this.store.getRow(entity, id);
  }

  count(table: string): number {
    return (this.sqlite.prepare(`SELECT count(*) AS n FROM cache.${table}`).get() as { n: number }).n;
  }

  async close(): Promise<void> {
    await this.engine.stop();
    this.store.detach();
    this.sqlite.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
