import { sql } from 'kysely';
import pino from 'pino';
import { openServerDb } from '../../server/db/connection';
import { seedDatabase } from '../../server/seed/seed';
import { startServer } from '../../server/start';
import { TeamServerConfigSchema, type TeamServerReady } from './team-server';
import { topUpActivities } from './top-up';

/**
 * A team server in its own process, as in production (the cockpit never
 * shares a CPU thread with it). Reads its config as one JSON argument,
 * optionally seeds the store first, then prints one JSON line
 * `{"ready":true,…}` on stdout and serves until SIGTERM or stdin closes.
 */

async function main(): Promise<void> {
  const config = TeamServerConfigSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
  const where = config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir };
  let seeded: TeamServerReady['seed'] = null;
  if (config.seed) {
    const store = await openServerDb(where);
    try {
      const summary = await seedDatabase(store.db, { leads: config.seed.leads, seed: 1, now: config.seed.now, pglite: store.pglite });
      const started = performance.now();
      const added = await topUpActivities(store.db, config.seed.activities, config.seed.leads);
      // Fresh statistics, as autovacuum would eventually give a long-running server.
      await sql`ANALYZE`.execute(store.db);
      seeded = {
        seconds: summary.ms / 1000,
        rows: summary.rows,
        leads: summary.leads,
        activitiesAdded: added,
        topUpSeconds: (performance.now() - started) / 1000,
      };
    } finally {
      await store.close();
    }
  }
  const server = await startServer({ port: 0, ...where, logLevel: 'warn', logDestination: pino.destination(2) });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // The bench died without stopping us: do not linger.
  process.stdin.on('end', stop);
  process.stdin.resume();
  process.stdout.write(`${JSON.stringify({ ready: true, url: server.url, seed: seeded } satisfies TeamServerReady)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`team server failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
