import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { loadSnapshot } from '../../main/sync/bootstrap';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../../server/seed/demo-accounts';
import type { BenchScenario } from '../scenario';
import { BenchCockpit } from '../support/bench-cockpit';
import { downloadSnapshot, signIn, type DownloadedSnapshot } from '../support/cockpit-client';
import { floorLoad } from '../support/floor-load';
import { machineBusySeconds, percentile, processCpuSeconds, round, withTimeout } from '../support/run-bounded';
import { createBenchDatabase, startTeamServer, type BenchStoreKind } from '../support/team-server';

/**
 * First sync of a big team: 100,000 leads and 1,000,000 activities, all
 * visible to the executive. Compares the real first sync (SyncStore +
 * SyncEngine over HTTP, until the cache is swapped in and pulled forward)
 * with the floor (the same bytes parsed and inserted straight into SQLite).
 * Both run ROUNDS times, interleaved, on a machine others share: the best
 * of each is the comparison, the medians show the spread.
 */

const LEADS = 100_000;
const ACTIVITIES = 1_000_000;
/** A fixed present, so every run loads exactly the same rows. */
const NOW = Date.parse('2026-03-02T02:00:00Z');
const VIEWER_EMAIL = 'exec@demo.example.com';
const TARGET_RATIO = 1.5;
const STEP_TIMEOUT_MS = 10 * 60_000;
const ROUNDS = Math.min(5, Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5) || 5));

function viewerAccount() {
  const account = DEMO_ACCOUNTS.find((a) => a.email === VIEWER_EMAIL);
  if (!account) throw new Error(`no demo account ${VIEWER_EMAIL}`);
  return account;
}

/** The cockpit's loader alone: bootstrap.ts fed from memory, no server, no HTTP. */
async function clientOnlyLoad(snapshot: DownloadedSnapshot, dir: string): Promise<number> {
  const sqlite = new Database(join(dir, 'client-only.sqlite'));
  const byKey = new Map(snapshot.parts.map((p) => [`${p.entity}:${p.part}`, p.gz]));
  try {
    const started = performance.now();
    await loadSnapshot(
      sqlite,
      join(dir, 'client-only-cache.sqlite'),
      {
        manifest: async () => snapshot.manifest,
        part: async (_m, p) => Readable.from([byKey.get(`${p.entity}:${p.part}`) ?? Buffer.alloc(0)]),
      },
      () => undefined,
    );
    return (performance.now() - started) / 1000;
  } finally {
    sqlite.close();
  }
}

interface RealSync {
  seconds: number;
  manifestAt: number;
  rowsLoadedAt: number;
  swappedAt: number;
  serverCpu: number;
  cockpitCpu: number;
  /** Share of the machine's CPU (all cores) busy during the sync, whoever used it. */
  machineBusy: number;
}

/** A fresh cockpit's first sync against the running server, until it is online with the rows. */
async function realFirstSync(serverUrl: string, serverPid: number, token: string): Promise<RealSync> {
  const account = viewerAccount();
  const cockpit = new BenchCockpit({
    serverUrl,
    token,
    actor: { locale: 'en', userId: account.userId, role: account.role, regionId: account.regionId, managedRegionIds: [] },
    live: false,
  });
  try {
    const serverCpuBefore = processCpuSeconds(serverPid);
    const cpuBefore = process.cpuUsage();
    const machineBefore = machineBusySeconds();
    const started = performance.now();
    cockpit.engine.start();
    await withTimeout(cockpit.engine.syncNow(), STEP_TIMEOUT_MS, 'the first sync');
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpuBefore);
    const machineBusy = (machineBusySeconds() - machineBefore) / (seconds * availableParallelism());
    const status = cockpit.engine.status();
    if (status.state !== 'online') throw new Error(`first sync ended ${status.state}: ${status.message ?? ''}`);
    const activities = cockpit.count('activities');
    if (activities !== ACTIVITIES) throw new Error(`cache holds ${activities} activities, expected ${ACTIVITIES}`);
    // Bootstrap progress comes first once the manifest is in, then per batch, then null once swapped.
    const phases = { manifestAt: Number.NaN, rowsLoadedAt: Number.NaN, swappedAt: Number.NaN };
    for (const { at, status: s } of cockpit.statuses) {
      const b = s.bootstrap;
      const t = (at - started) / 1000;
      if (b && Number.isNaN(phases.manifestAt)) phases.manifestAt = t;
      if (b && b.rowsTotal > 0 && b.rowsDone >= b.rowsTotal && Number.isNaN(phases.rowsLoadedAt)) phases.rowsLoadedAt = t;
      if (!b && !Number.isNaN(phases.manifestAt) && Number.isNaN(phases.swappedAt)) phases.swappedAt = t;
    }
    return {
      seconds,
      ...phases,
      serverCpu: processCpuSeconds(serverPid) - serverCpuBefore,
      cockpitCpu: (used.user + used.system) / 1e6,
      machineBusy,
    };
  } finally {
    await cockpit.close();
  }
}

const median = (xs: number[]): number => percentile(xs, 50);

/** Measures one store's first sync against a running server. */
export async function measureFirstSync(serverUrl: string, serverPid: number, prefix: string): Promise<Record<string, number>> {
  const account = viewerAccount();
  const token = await signIn(serverUrl, account.email, DEMO_PASSWORD);
  const dir = mkdtempSync(join(tmpdir(), 'verity-bench-first-sync-'));
  try {
    // The snapshot's exact bytes, downloaded once part after part with nothing else running: the server's share.
    const snapshot = await withTimeout(downloadSnapshot(serverUrl, token), STEP_TIMEOUT_MS, 'downloading the snapshot');
    const rows = snapshot.manifest.parts.reduce((n, p) => n + p.rows, 0);
    const gzBytes = snapshot.parts.reduce((n, p) => n + p.gz.length, 0);
    // The cockpit's loader without server or network: the client's share.
    const clientOnly = await withTimeout(clientOnlyLoad(snapshot, dir), STEP_TIMEOUT_MS, 'loading from memory');

    const floors: { seconds: number; indexSeconds: number }[] = [];
    const reals: RealSync[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const floor = floorLoad(snapshot.parts, join(dir, `floor-${round}.sqlite`));
      rmSync(join(dir, `floor-${round}.sqlite`), { force: true });
      if (floor.rows !== rows) throw new Error(`floor loaded ${floor.rows} rows, the manifest lists ${rows}`);
      floors.push(floor);
      reals.push(await realFirstSync(serverUrl, serverPid, token));
    }
    const floorBest = Math.min(...floors.map((f) => f.seconds));
    const realBest = Math.min(...reals.map((r) => r.seconds));
    const best = reals.find((r) => r.seconds === realBest) as RealSync;
    const floorMedian = median(floors.map((f) => f.seconds));
    const realMedian = median(reals.map((r) => r.seconds));
    return {
      [`${prefix}_rows`]: rows,
      [`${prefix}_snapshot_parts`]: snapshot.parts.length,
      [`${prefix}_snapshot_gzip_mb`]: round(gzBytes / 1e6, 1),
      [`${prefix}_rounds`]: ROUNDS,
      [`${prefix}_floor_s`]: round(floorBest),
      [`${prefix}_floor_median_s`]: round(floorMedian),
      [`${prefix}_floor_index_s`]: round(Math.min(...floors.map((f) => f.indexSeconds))),
      [`${prefix}_floor_rows_per_s`]: Math.round(rows / floorBest),
      [`${prefix}_real_s`]: round(realBest),
      [`${prefix}_real_median_s`]: round(realMedian),
      [`${prefix}_real_rows_per_s`]: Math.round(rows / realBest),
      [`${prefix}_ratio`]: round(realBest / floorBest),
      [`${prefix}_ratio_median`]: round(realMedian / floorMedian),
      // Where the best real sync spent its time (seconds since it started).
      [`${prefix}_real_manifest_at_s`]: round(best.manifestAt),
      [`${prefix}_real_rows_loaded_at_s`]: round(best.rowsLoadedAt),
      [`${prefix}_real_swapped_at_s`]: round(best.swappedAt),
      // CPU during it: the server's node process (Postgres backends not included) and the cockpit's, all threads.
      [`${prefix}_real_server_node_cpu_s`]: round(best.serverCpu),
      [`${prefix}_real_cockpit_cpu_s`]: round(best.cockpitCpu),
      [`${prefix}_real_machine_busy_pct`]: Math.round(best.machineBusy * 100),
      // The two shares measured alone.
      [`${prefix}_server_only_s`]: round(snapshot.seconds),
      [`${prefix}_server_manifest_s`]: round(snapshot.manifestSeconds),
      [`${prefix}_server_activity_parts_s`]: round(snapshot.entitySeconds.activity ?? 0),
      [`${prefix}_client_only_s`]: round(clientOnly),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function onStore(kind: BenchStoreKind): Promise<Record<string, number | string>> {
  const database = await createBenchDatabase(kind);
  try {
    const server = await startTeamServer({ ...database.where, seed: { leads: LEADS, activities: ACTIVITIES, now: NOW } });
    try {
      const measured = await measureFirstSync(server.url, server.pid, kind);
      const ratio = measured[`${kind}_ratio`] ?? Number.NaN;
      return {
        [`${kind}_seed_s`]: round((server.seed?.seconds ?? 0) + (server.seed?.topUpSeconds ?? 0), 1),
        ...measured,
        [`${kind}_target`]: ratio <= TARGET_RATIO ? `met (≤ ${TARGET_RATIO}×)` : `missed (> ${TARGET_RATIO}×)`,
      };
    } finally {
      await server.stop();
    }
  } finally {
    await database.drop();
  }
}

export const firstSync: BenchScenario = {
  name: 'first-sync',
  description: 'first sync of 100k leads + 1M activities (exec): real cockpit over HTTP vs the parse-and-insert floor; PGlite, and Postgres with DATABASE_URL',
  async run() {
    const results: Record<string, number | string> = { ...(await onStore('pglite')) };
    if (process.env.DATABASE_URL) Object.assign(results, await onStore('postgres'));
    else results.postgres = 'skipped (DATABASE_URL not set)';
    return results;
  },
};
