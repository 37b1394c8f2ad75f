import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../server/start';
import { createTestDatabase, storeKinds, type TestDatabase } from './store-harness';

const ROOT = resolve(import.meta.dirname, '../..');
// What `npm run server` runs (tsx), loaded in-process rather than through tsx's own launcher process.
const NODE_ARGS = ['--import', 'tsx', 'server/cli.ts'];
// Each run starts Node and loads TypeScript; PGlite on disk adds an initdb on first open.
const SPAWN_TEST_TIMEOUT = 120_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the server CLI (as `npm run server -- …` does) against one test database. */
function runCli(args: string[], database: TestDatabase): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  delete env.VERITY_DATA_DIR;
  if (database.options.databaseUrl) env.DATABASE_URL = database.options.databaseUrl;
  if (database.options.dataDir) env.VERITY_DATA_DIR = database.options.dataDir;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...NODE_ARGS, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe.each(storeKinds())('server CLI on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    // On disk: the CLI process and this test open the same PGlite folder one after the other.
    database = await createTestDatabase(kind, { onDisk: true });
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('admin create makes an admin who can sign in; a duplicate exits 2; a database from a newer build exits 1', async () => {
    const created = await runCli(['admin', 'create', '--email', 'Root@Example.com', '--password', 'root password', '--name', 'Root'], database);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/created admin root@example\.com/);

    const duplicate = await runCli(['admin', 'create', '--email', 'root@example.com', '--password', 'other password'], database);
    expect(duplicate.code).toBe(2);
    expect(duplicate.stderr).toMatch(/^error: --email: .*already exists/);
    expect(duplicate.stderr).not.toMatch(/\n\s+at /);

    const server = await startServer({ ...database.options, port: 0, logLevel: 'silent' });
    try {
      const response = await fetch(`${server.url}/api/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'root@example.com', password: 'root password' }),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { user: { role: string; displayName: string } };
      expect(body.user).toMatchObject({ role: 'admin', displayName: 'Root' });
      // Now pretend a newer server migrated this database.
      const loose = server.db as unknown as Kysely<{ kysely_migration: { name: string; timestamp: string } }>;
      await loose.insertInto('kysely_migration').values({ name: '9999_future', timestamp: new Date().toISOString() }).execute();
    } finally {
      await server.close();
    }

    const refused = await runCli(['admin', 'create', '--email', 'late@example.com', '--password', 'long enough'], database);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/^error: This database was migrated by a newer Verity server .*9999_future/);
  }, SPAWN_TEST_TIMEOUT);
});

describe('server CLI input and store errors', () => {
  // Bad input must be refused before any store is opened: this folder must never appear.
  const untouched: TestDatabase = { kind: 'pglite', options: { dataDir: join(tmpdir(), `verity-never-${process.pid}`) }, drop: async () => undefined };

  it('names the invalid field and exits 2 on bad input, without touching the store', async () => {
    expect(existsSync(untouched.options.dataDir ?? '')).toBe(false);
    const badEmail = await runCli(['admin', 'create', '--email', 'not-an-email', '--password', 'long enough'], untouched);
    expect(badEmail.code).toBe(2);
    expect(badEmail.stderr).toMatch(/^error: invalid --email/);

    const shortPassword = await runCli(['admin', 'create', '--email', 'a@example.com', '--password', 'short'], untouched);
    expect(shortPassword.code).toBe(2);
    expect(shortPassword.stderr).toMatch(/^error: invalid --password/);

    const unknownFlag = await runCli(['--frobnicate'], untouched);
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stderr).toMatch(/^error: .*frobnicate/);
    expect(existsSync(untouched.options.dataDir ?? '')).toBe(false);
  }, SPAWN_TEST_TIMEOUT);

  it('prints usage with --help', async () => {
    const help = await runCli(['--help'], untouched);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('admin create --email E --password P');
  }, SPAWN_TEST_TIMEOUT);

  it('exits 1 with one clear line when Postgres refuses the connection', async () => {
    const run = await runCli(['admin', 'create', '--email', 'a@example.com', '--password', 'long enough'], {
      kind: 'postgres',
      // Port 1 on loopback: nothing listens there.
      options: { databaseUrl: 'postgres://postgres@127.0.0.1:1/none' },
      drop: async () => undefined,
    });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^error: cannot reach Postgres/);
  }, SPAWN_TEST_TIMEOUT);
});
