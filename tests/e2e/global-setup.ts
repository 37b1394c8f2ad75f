import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startWebHost } from '../../main/web/web-host';
import { startServer } from '../../server/start';
import { E2E_ENV } from './env';

/** A throw-away Postgres database next to the one DATABASE_URL names; dropped at teardown. */
async function freshPostgres(baseUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `verity_e2e_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/**
 * Starts the real team server (demo team seeded) and the real web host in this
 * process; tests reach them through the URLs put in the environment.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'verity-e2e-'));
  const postgres = process.env.DATABASE_URL ? await freshPostgres(process.env.DATABASE_URL) : null;
  const server = await startServer({
    port: 0,
    demo: true,
    logLevel: 'warn',
    log: () => undefined,
    ...(postgres ? { databaseUrl: postgres.url } : { dataDir: join(dir, 'server') }),
  });
  // A fixed OS locale makes "follow system" mean English in every run.
  const host = await startWebHost({ dataDir: join(dir, 'cockpit'), port: 0, serverUrl: server.url, osLocale: 'en-US' });
  process.env[E2E_ENV.appUrl] = host.url;
  process.env[E2E_ENV.serverUrl] = server.url;

  return async () => {
    await host.close();
    await server.close();
    await postgres?.drop();
    rmSync(dir, { recursive: true, force: true });
  };
}
