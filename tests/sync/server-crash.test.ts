import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../server/seed/demo-accounts';
import { SYNC_PROTOCOL_VERSION, SYNC_SCHEMA_VERSION, type PullResponse, type PushResponse } from '../../shared/sync/protocol';
import { createTestDatabase, storeKinds, type TestDatabase } from '../server/store-harness';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** The real server CLI in its own process, so the test can kill it with SIGKILL. */
async function spawnServer(db: TestDatabase, port: number): Promise<ChildProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  if (db.options.databaseUrl) env.DATABASE_URL = db.options.databaseUrl;
  else env.VERITY_DATA_DIR = db.options.dataDir;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', '--port', String(port), '--demo'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += String(d);
      if (out.includes('"msg":"listening"')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
  return child;
}

describe.each(storeKinds())('a %s server killed mid-push', (kind) => {
  const children: ChildProcess[] = [];
  let db: TestDatabase | null = null;
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await db?.drop();
  });

  // Two cold starts of the server process (an on-disk PGlite initdb is slow on a busy machine).
  it('loses and duplicates nothing when the cockpit pushes again', { timeout: 180_000 }, async () => {
    db = await createTestDatabase(kind, { onDisk: true });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    let server = await spawnServer(db, port);
    children.push(server);

    const signIn = await fetch(`${base}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'rep01@demo.example.com', password: DEMO_PASSWORD }),
    });
    const { token } = (await signIn.json()) as { token: string };
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const clientId = randomUUID();
    const leadId = `lead_${randomUUID()}`;
    const at = new Date().toISOString();
    const mutations = [
      { id: 1, name: 'lead.create@1', args: { id: leadId, name: '断电测试', mobile: null, need: 'quote' }, at },
      ...Array.from({ length: 499 }, (_, i) => ({
        id: i + 2,
        name: 'lead.logTouch@1',
        args: { leadId, activityId: `crash_${clientId}_${i}`, type: 'note', subject: `记录 ${i}`, occurredAt: at },
        at,
      })),
    ];
    const body = JSON.stringify({ protocolVersion: SYNC_PROTOCOL_VERSION, schemaVersion: SYNC_SCHEMA_VERSION, clientId, mutations });
    const pull = async (cursor: number): Promise<PullResponse> => {
      const r = await fetch(`${base}/sync/pull?protocolVersion=${SYNC_PROTOCOL_VERSION}&schemaVersion=${SYNC_SCHEMA_VERSION}&clientId=${randomUUID()}&cursor=${cursor}&limit=5000`, { headers });
      return (await r.json()) as PullResponse;
    };

    // Push, and kill the server once some of the batch has committed.
    const inFlight = fetch(`${base}/sync/push`, { method: 'POST', headers, body }).then(
      () => 'answered',
      () => 'lost',
    );
    for (let i = 0; i < 2000; i++) {
      const page = await pull(0).catch(() => null);
      if (page && page.changes.some((c) => c.entity === 'activity')) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    server.kill('SIGKILL');
    expect(await inFlight).toBe('lost');
    await new Promise((r) => server.once('exit', r));

    server = await spawnServer(db, port);
    children.push(server);
    // The kill really landed mid-batch: part of it committed, the rest did not.
    const survived = (await pull(0)).changes.filter((c) => c.entity === 'activity' && c.id.startsWith(`crash_${clientId}_`)).length;
    expect(survived).toBeGreaterThan(0);
    expect(survived).toBeLessThan(499);
    const retried = await fetch(`${base}/sync/push`, { method: 'POST', headers, body });
    expect(retried.status).toBe(200);
    const result = (await retried.json()) as PushResponse;
    expect(result.lastMutationId).toBe(500);
    expect(result.results.map((r) => r.id)).toEqual(mutations.map((m) => m.id));
    expect(result.results.every((r) => r.status === 'applied')).toBe(true);

    let cursor = 0;
    const activities = new Map<string, number>();
    for (;;) {
      const page = await pull(cursor);
      for (const c of page.changes) if (c.entity === 'activity') activities.set(c.id, (activities.get(c.id) ?? 0) + 1);
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    const ours = [...activities.entries()].filter(([id]) => id.startsWith(`crash_${clientId}_`));
    expect(ours).toHaveLength(499);
    expect(ours.every(([, n]) => n === 1)).toBe(true);
    server.kill('SIGTERM');
  });
});
