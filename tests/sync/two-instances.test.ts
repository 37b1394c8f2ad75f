import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startServer, type RunningServer } from '../../server/start';
import { DEMO_PASSWORD } from '../../server/seed/demo-accounts';
import type { LocalActor } from '../../main/sync/local-apply';
import { createTestDatabase, type TestDatabase } from '../server/store-harness';
import { TestCockpit } from './cockpit-harness';

async function token(server: RunningServer, email: string): Promise<string> {
  const r = await fetch(`${server.url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  });
  return ((await r.json()) as { token: string }).token;
}

// Two team server processes' worth of instances on one Postgres (the embedded store is single-instance).
describe.runIf(process.env.DATABASE_URL)('two server instances on one Postgres', () => {
  let db: TestDatabase;
  let a: RunningServer;
  let b: RunningServer;
  const cockpits: TestCockpit[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    a = await startServer({ port: 0, ...db.options, demo: true, logLevel: 'silent', log: () => undefined });
    b = await startServer({ port: 0, ...db.options, logLevel: 'silent' });
  });
  afterAll(async () => {
    for (const c of cockpits) await c.close();
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it('an edit made through instance A reaches a cockpit on instance B without it asking', async () => {
    const manager: LocalActor = { locale: 'zh-CN', userId: 'user_manager01', role: 'manager', regionId: null, managedRegionIds: ['region_east', 'region_south'] };
    const rep: LocalActor = { locale: 'zh-CN', userId: 'user_rep01', role: 'rep', regionId: 'region_east', managedRegionIds: [] };
    const onB = new TestCockpit({ serverUrl: b.url, token: await token(b, 'manager01@demo.example.com'), actor: manager, live: true });
    const onA = new TestCockpit({ serverUrl: a.url, token: await token(a, 'rep01@demo.example.com'), actor: rep });
    cockpits.push(onB, onA);
    for (const c of [onB, onA]) {
      c.engine.start();
      await c.engine.syncNow();
    }
    const leadId = `lead_${randomUUID()}`;
    onA.engine.mutate('lead.create@1', { id: leadId, name: '跨实例线索', mobile: '13812345678', need: 'sample' });
    await onA.engine.syncNow();
    await vi.waitFor(() => expect(onB.row('lead', leadId)).toMatchObject({ name: '跨实例线索', ownerId: 'user_rep01' }), { timeout: 10_000, interval: 20 });
  });
});
