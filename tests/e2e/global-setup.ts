import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startWebHost } from '../../main/web/web-host';
import { startServer } from '../../server/start';
import { NetSwitch } from '../sync/net-switch';
import { E2E_ENV } from './env';
import { serveRelayControl } from './relay-control';

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
 * process; tests reach them through the URLs put in the environment. The web
 * host reaches the server through a relay the tests can cut (offline work).
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
  const serverPort = Number(new URL(server.url).port);
  const relay = new NetSwitch(serverPort);
  const relayUrl = await relay.open();
  const control = await serveRelayControl(relay);
  // A fixed OS locale makes "follow system" mean English in every run.
  const host = await startWebHost({ dataDir: join(dir, 'cockpit'), port: 0, serverUrl: relayUrl, osLocale: 'en-US' });
  process.env[E2E_ENV.appUrl] = host.url;
  process.env[E2E_ENV.serverUrl] = relayUrl;
  process.env[E2E_ENV.realServerUrl] = server.url;
  process.env[E2E_ENV.relayControlUrl] = control.url;

  return async () => {
    await host.close();
    await control.close();
    await relay.cut();
    await server.close();
    await postgres?.drop();
    rmSync(dir, { recursive: true, force: true });
  };
}
