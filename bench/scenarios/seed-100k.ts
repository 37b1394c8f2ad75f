import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openServerDb, type ServerDb } from '../../server/db/connection';
import { seedDatabase } from '../../server/seed/seed';
import type { BenchScenario } from '../scenario';

const LEADS = 100_000;
/** A fixed present, so every run loads exactly the same rows. */
const NOW = Date.parse('2026-03-02T02:00:00Z');

async function timeSeed(store: ServerDb, prefix: string): Promise<Record<string, number>> {
  const summary = await seedDatabase(store.db, { leads: LEADS, seed: 1, now: NOW, pglite: store.pglite });
  const seconds = summary.ms / 1000;
  return {
    [`${prefix}_s`]: round(seconds, 2),
    [`${prefix}_rows`]: summary.rows,
    [`${prefix}_rows_per_s`]: Math.round(summary.rows / seconds),
    [`${prefix}_leads_per_s`]: Math.round(summary.leads / seconds),
  };
}

const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;

async function onPglite(): Promise<Record<string, number>> {
  // On disk, as the server runs it (memory:// is not the case we ship).
  const dataDir = mkdtempSync(join(tmpdir(), 'verity-bench-'));
  try {
    const store = await openServerDb({ dataDir });
    try {
      return await timeSeed(store, 'pglite');
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The pool's sockets may still be closing after close() resolves; terminating
 * them then (DROP … WITH (FORCE)) makes pg emit an unhandled pool error.
 * So wait for them to go, and force only as a last resort.
 */
async function dropWhenIdle(admin: pg.Client, name: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const { rows } = await admin.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1', [name]);
    if (Number(rows[0]?.n ?? 0) === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

async function onPostgres(adminUrl: string): Promise<Record<string, number>> {
  const name = `verity_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const store = await openServerDb({ databaseUrl: url.toString() });
      try {
        return await timeSeed(store, 'postgres');
      } finally {
        await store.close();
      }
    } finally {
      await dropWhenIdle(admin, name);
    }
  } finally {
    await admin.end();
  }
}

/** Seeds 100,000 leads (with their deals, activities, tasks) into fresh stores. */
export const seed100k: BenchScenario = {
  name: 'seed-100k',
  description: 'npm run seed with 100,000 leads into a fresh PGlite (and Postgres when DATABASE_URL is set)',
  async run() {
    const results: Record<string, number | string> = { ...(await onPglite()) };
    const url = process.env.DATABASE_URL;
    if (url) Object.assign(results, await onPostgres(url));
    else results.postgres = 'skipped (DATABASE_URL not set)';
    return results;
  },
};
