import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthResponseSchema, SignInResponseSchema } from '../../shared/api/http';
import { hashPassword } from '../../server/modules/auth/password';
import { startServer, type RunningServer } from '../../server/start';
import { createTestDatabase, storeKinds, type TestDatabase } from './store-harness';

/** Collects pino's JSON lines and lets a test wait for one. */
function logCollector() {
  const lines: Array<Record<string, unknown>> = [];
  const waiters: Array<{ match: (line: Record<string, unknown>) => boolean; resolve: () => void }> = [];
  return {
    lines,
    destination: {
      write(chunk: string) {
        const line = JSON.parse(chunk) as Record<string, unknown>;
        lines.push(line);
        for (const waiter of waiters.filter((w) => w.match(line))) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      },
    },
    waitFor(match: (line: Record<string, unknown>) => boolean): Promise<void> {
      if (lines.some(match)) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}

describe.each(storeKinds())('startServer on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('listens on a free port, serves, and shuts down gracefully: an in-flight request finishes, then the store closes', async () => {
    const logs = logCollector();
    const server: RunningServer = await startServer({ ...database.options, port: 0, logDestination: logs.destination });
    let closed = false;
    try {
      expect(server.store).toBe(kind);
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(logs.lines).toContainEqual(expect.objectContaining({ msg: 'listening', url: server.url }));

      const health = HealthResponseSchema.parse(await (await fetch(`${server.url}/healthz`)).json());
      expect(health.store).toBe(kind);

      await server.db
        .insertInto('users')
        .values({ id: 'u1', email: 'slow@example.com', display_name: 'Slow', role: 'rep', password_hash: await hashPassword('patience pays'), updated_at: new Date() })
        .execute();

      // Hold an exclusive lock on users inside a transaction, so a sign-in blocks
      // on its first query until the test lets go: a request that is provably in flight.
      let releaseLock!: () => void;
      const lockHeld = new Promise<void>((resolve, reject) => {
        server.db
          .transaction()
          .execute(async (trx) => {
            await sql`LOCK TABLE users IN ACCESS EXCLUSIVE MODE`.execute(trx);
            resolve();
            await new Promise<void>((release) => (releaseLock = release));
          })
          .catch(reject);
      });
      await lockHeld;

      const inFlight = fetch(`${server.url}/api/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'slow@example.com', password: 'patience pays' }),
      });
      await logs.waitFor((l) => l.msg === 'incoming request' && (l.req as { url?: string } | undefined)?.url === '/api/auth/sign-in');

      const closing = server.close().then(() => {
        closed = true;
      });
      await logs.waitFor((l) => l.msg === 'shutting down');
      // The request cannot finish while the lock is held, so neither can the shutdown.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(closed).toBe(false);

      releaseLock();
      const response = await inFlight;
      expect(response.status).toBe(200);
      expect(SignInResponseSchema.parse(await response.json()).user.email).toBe('slow@example.com');
      await closing;
      expect(closed).toBe(true);

      // Nothing listens any more, and the store is closed.
      await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
      await expect(sql`select 1`.execute(server.db)).rejects.toThrow();
      expect(logs.lines.map((l) => l.msg)).toContain('stopped');
    } finally {
      if (!closed) await server.close().catch(() => undefined);
    }
  });
});
