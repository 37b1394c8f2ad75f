import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalActor } from '../../main/sync/local-apply';
import { SyncEngine, type EngineStatus } from '../../main/sync/sync-engine';
import { SyncHttp } from '../../main/sync/sync-http';
import { SyncStore, syncFiles } from '../../main/sync/sync-store';

/**
 * One cockpit's sync stack on real files (as tests/sync/cockpit-harness.ts
 * builds it), with timestamps on what the engine reports, so a bench can
 * tell where a sync spent its time.
 */
export class BenchCockpit {
  readonly dir = mkdtempSync(join(tmpdir(), 'verity-bench-cockpit-'));
  readonly sqlite = new Database(join(this.dir, 'cockpit.sqlite'));
  readonly store: SyncStore;
  readonly engine: SyncEngine;
  /** performance.now() of every status change. */
  readonly statuses: { at: number; status: EngineStatus }[] = [];
  #changeListeners = new Set<(entities: string[]) => void>();

  constructor(opts: { serverUrl: string; token: string; actor: LocalActor; live: boolean }) {
    this.sqlite.pragma('journal_mode = WAL');
    this.store = new SyncStore(this.sqlite, syncFiles(this.dir, opts.serverUrl, opts.actor.userId));
    const http = new SyncHttp({
      serverUrl: opts.serverUrl,
      token: async () => opts.token,
      locale: () => opts.actor.locale,
      clientId: this.store.clientId(),
    });
    this.engine = new SyncEngine({
      store: this.store,
      http,
      actor: () => opts.actor,
      onStatus: (status) => this.statuses.push({ at: performance.now(), status }),
      onChanged: (change) => {
        for (const l of this.#changeListeners) l(change.entities);
      },
      log: { warn: () => undefined, error: (message, meta) => process.stderr.write(`cockpit: ${message} ${String(meta)}\n`) },
      live: opts.live,
      pollMs: 60_000,
    });
  }

  /** Called whenever the engine reports changed rows. */
  onChanged(listener: (entities: string[]) => void): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  count(table: string): number {
    return (this.sqlite.prepare(`SELECT count(*) AS n FROM cache.${table}`).get() as { n: number }).n;
  }

  /** Stops the engine (waiting at most 30 s for a sync in flight), closes and deletes the files. */
  async close(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.engine.stop(), new Promise((resolve) => (timer = setTimeout(resolve, 30_000)))]);
    clearTimeout(timer);
    this.store.detach();
    this.sqlite.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
