import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { z } from 'zod';

/** Team servers for benchmarks: a fresh store, a server process on it, and cleanup of both. */

export const TeamServerConfigSchema = z
  .object({
    dataDir: z.string().min(1).optional(),
    databaseUrl: z.string().url().optional(),
    seed: z
      .object({
        leads: z.number().int().min(1).max(1_000_000),
        /** Grow activities to this many in total after the seed. */
        activities: z.number().int().nonnegative(),
        now: z.number().int(),
      })
      .optional(),
  })
  .refine((c) => Boolean(c.dataDir) !== Boolean(c.databaseUrl), { message: 'set exactly one of dataDir or databaseUrl' });
export type TeamServerConfig = z.infer<typeof TeamServerConfigSchema>;

export const TeamServerReadySchema = z.object({
  ready: z.literal(true),
  url: z.string().url(),
  seed: z
    .object({ seconds: z.number(), rows: z.number(), leads: z.number(), activitiesAdded: z.number(), topUpSeconds: z.number() })
    .nullable(),
});
export type TeamServerReady = z.infer<typeof TeamServerReadySchema>;

export type BenchStoreKind = 'pglite' | 'postgres';

/** An empty store the bench may fill and must drop. */
export interface BenchDatabase {
  kind: BenchStoreKind;
  where: { dataDir: string } | { databaseUrl: string };
  drop(): Promise<void>;
}

export async function createBenchDatabase(kind: BenchStoreKind): Promise<BenchDatabase> {
  if (kind === 'pglite') {
    // On disk, as `npm start` runs it.
    const dataDir = mkdtempSync(join(tmpdir(), 'verity-bench-pglite-'));
    return { kind, where: { dataDir }, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('DATABASE_URL is not set');
  const name = `verity_bench_${randomBytes(5).toString('hex')}`;
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    kind,
    where: { databaseUrl: url.toString() },
    drop: () =>
      withAdmin(adminUrl, async (c) => {
        await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
        await c.query(`DROP DATABASE IF EXISTS ${name}`);
      }),
  };
}

async function withAdmin<T>(url: string, run: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export interface TeamServer {
  url: string;
  seed: TeamServerReady['seed'];
  pid: number;
  stop(): Promise<void>;
}

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'team-server-process.ts');

/** Starts a server process (seeding first when asked); resolves once it listens. */
export async function startTeamServer(config: TeamServerConfig, opts: { readyTimeoutMs?: number } = {}): Promise<TeamServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(TeamServerConfigSchema.parse(config))], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const ready = await new Promise<TeamServerReady>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('team server did not start in time')), opts.readyTimeoutMs ?? 10 * 60_000);
      const lines = createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> });
      lines.once('line', (line) => {
        clearTimeout(timer);
        try {
          resolve(TeamServerReadySchema.parse(JSON.parse(line)));
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`team server exited with ${code}`));
      });
    });
    return { url: ready.url, seed: ready.seed, pid: child.pid ?? 0, stop: () => stopChild(child, exited) };
  } catch (error) {
    await stopChild(child, exited);
    throw error;
  }
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}
