import { randomUUID } from 'node:crypto';
import { SyncHttp } from '../../main/sync/sync-http';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../../server/seed/demo-accounts';
import type { BenchScenario } from '../scenario';
import { BenchCockpit } from '../support/bench-cockpit';
import { signIn } from '../support/cockpit-client';
import { percentile, round, withTimeout } from '../support/run-bounded';
import { createBenchDatabase, startTeamServer, type BenchStoreKind, type TeamServer } from '../support/team-server';

/**
 * Commit → visible in another cockpit's cache. A rep's changes are pushed
 * over HTTP one at a time; an executive's cockpit (live socket on) must
 * show each before the next is sent, so the latency is not queueing.
 */

const CHANGES = 1_000;
const TARGET_P95_MS = 500;
/** One change that does not arrive within this is counted as lost, and the run goes on. */
const CHANGE_TIMEOUT_MS = 5_000;
/** The whole loop stops after this, whatever it has measured. */
const LOOP_BUDGET_MS = 4 * 60_000;
const WARMUP = 20;
const NOW = Date.parse('2026-03-02T02:00:00Z');

function account(email: string) {
  const found = DEMO_ACCOUNTS.find((a) => a.email === email);
  if (!found) throw new Error(`no demo account ${email}`);
  return found;
}

interface Latencies {
  visibleMs: number[];
  ackMs: number[];
  lost: number;
}

/** Pushes CHANGES lead edits to `writeUrl` and times each until `observer` holds it. */
async function measure(writeUrl: string, observer: BenchCockpit, writerToken: string, leadId: string, startCity: string | null): Promise<Latencies> {
  const writer = new SyncHttp({ serverUrl: writeUrl, token: async () => writerToken, locale: () => 'en', clientId: randomUUID() });
  const out: Latencies = { visibleMs: [], ackMs: [], lost: 0 };
  let waiting: { city: string; resolve: () => void } | null = null;
  const seen = (): void => {
    if (waiting && observer.store.getRow('lead', leadId)?.city === waiting.city) waiting.resolve();
  };
  const off = observer.onChanged(seen);
  let city = startCity;
  const loopStarted = performance.now();
  try {
    for (let i = 1; i <= CHANGES + WARMUP; i++) {
      if (performance.now() - loopStarted > LOOP_BUDGET_MS) break;
      const next = `bench-${i}`;
      let timer: NodeJS.Timeout | undefined;
      const visible = new Promise<boolean>((resolve) => {
        waiting = { city: next, resolve: () => resolve(true) };
        timer = setTimeout(() => resolve(false), CHANGE_TIMEOUT_MS);
      });
      const started = performance.now();
      const response = await writer.push([{ id: i, name: 'lead.update@1', args: { leadId, patch: { city: next }, base: { city } }, at: new Date().toISOString() }]);
      const acked = performance.now();
      const result = response.results[0];
      if (result?.status !== 'applied') throw new Error(`change ${i} was ${result?.status ?? 'not answered'}: ${JSON.stringify(result)}`);
      seen();
      const arrived = await visible;
      const done = performance.now();
      clearTimeout(timer);
      waiting = null;
      city = next;
      if (i <= WARMUP) continue;
      if (!arrived) {
        out.lost++;
        // Catch up before the next change, so one loss does not cascade.
        await observer.engine.syncNow();
        continue;
      }
      out.visibleMs.push(done - started);
      out.ackMs.push(acked - started);
    }
  } finally {
    off();
  }
  return out;
}

function report(prefix: string, l: Latencies): Record<string, number | string> {
  const p95 = percentile(l.visibleMs, 95);
  return {
    [`${prefix}_changes`]: l.visibleMs.length,
    [`${prefix}_lost`]: l.lost,
    [`${prefix}_p50_ms`]: round(percentile(l.visibleMs, 50), 1),
    [`${prefix}_p95_ms`]: round(p95, 1),
    [`${prefix}_max_ms`]: round(Math.max(...l.visibleMs), 1),
    [`${prefix}_push_ack_p50_ms`]: round(percentile(l.ackMs, 50), 1),
    [`${prefix}_target`]: l.lost === 0 && l.visibleMs.length === CHANGES && p95 < TARGET_P95_MS ? `met (p95 < ${TARGET_P95_MS} ms)` : 'missed',
  };
}

/** Writer on `writeServer`, observing cockpit on `readServer` (the same one, or a second instance). */
async function run(prefix: string, writeServer: TeamServer, readServer: TeamServer): Promise<Record<string, number | string>> {
  const rep = account('rep01@demo.example.com');
  const exec = account('exec@demo.example.com');
  const writerToken = await signIn(writeServer.url, rep.email, DEMO_PASSWORD);
  const observerToken = await signIn(readServer.url, exec.email, DEMO_PASSWORD);
  const observer = new BenchCockpit({
    serverUrl: readServer.url,
    token: observerToken,
    actor: { locale: 'en', userId: exec.userId, role: exec.role, regionId: exec.regionId, managedRegionIds: [] },
    live: true,
  });
  try {
    observer.engine.start();
    await withTimeout(observer.engine.syncNow(), 120_000, 'the observer’s first sync');
    const lead = observer.sqlite
      .prepare('SELECT id, city FROM cache.leads WHERE owner_id = ? ORDER BY id LIMIT 1')
      .get(rep.userId) as { id: string; city: string | null } | undefined;
    if (!lead) throw new Error(`${rep.email} owns no lead`);
    // The first (warm-up, unreported) changes also wait out the live socket's connect.
    const latencies = await withTimeout(measure(writeServer.url, observer, writerToken, lead.id, lead.city), LOOP_BUDGET_MS + 60_000, 'the change loop');
    return report(prefix, latencies);
  } finally {
    await observer.close();
  }
}

async function onStore(kind: BenchStoreKind): Promise<Record<string, number | string>> {
  const database = await createBenchDatabase(kind);
  try {
    const a = await startTeamServer({ ...database.where, seed: { leads: 1_000, activities: 0, now: NOW } });
    try {
      const results = await run(kind, a, a);
      if (kind === 'postgres') {
        // A second instance on the same database: commits reach it through NOTIFY.
        const b = await startTeamServer(database.where);
        try {
          Object.assign(results, await run('postgres_two_instances', a, b));
        } finally {
          await b.stop();
        }
      }
      return results;
    } finally {
      await a.stop();
    }
  } finally {
    await database.drop();
  }
}

export const livePropagation: BenchScenario = {
  name: 'live-propagation',
  description: `${CHANGES} changes pushed one by one, each timed until another cockpit (live socket) holds it; PGlite, Postgres and two instances with DATABASE_URL`,
  async run() {
    const results: Record<string, number | string> = { ...(await onStore('pglite')) };
    if (process.env.DATABASE_URL) Object.assign(results, await onStore('postgres'));
    else results.postgres = 'skipped (DATABASE_URL not set)';
    return results;
  },
};
