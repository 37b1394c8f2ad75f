import { EventEmitter } from 'node:events';
import { request as httpRequest } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CopyOut } from '../../server/db/copy-out';
import { installProcessGuard, type GuardedProcess } from '../../server/process-guard';
import { createLocalCommitBus } from '../../server/sync/commit-bus';
import { LiveHub } from '../../server/sync/live-hub';
import { ErrorBodySchema } from '../../shared/api/errors';
import { SnapshotManifestSchema, SnapshotTrailerSchema, SYNC_PROTOCOL_VERSION, SYNC_SCHEMA_VERSION, type SnapshotManifest } from '../../shared/sync/protocol';
import { bearer } from './fixtures';
import { openTestStore, storeKinds, type TestStore } from './store-harness';
import { buildSyncTeam, insertLead, type SyncTeam } from './sync-harness';

const versions = `protocolVersion=${SYNC_PROTOCOL_VERSION}&schemaVersion=${SYNC_SCHEMA_VERSION}`;

interface Download {
  status: number;
  body: Buffer;
  /** The response arrived whole (not cut off). */
  complete: boolean;
}

/** A GET over a real socket, reporting whether the body was cut off. */
function download(url: string, headers: Record<string, string>): Promise<Download> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      let settled = false;
      const done = (complete: boolean): void => {
        if (settled) return;
        settled = true;
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), complete });
      };
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(res.complete));
      res.on('aborted', () => done(false));
      res.on('error', () => done(false));
      res.on('close', () => done(res.complete));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A snapshot part whose trailer is present and matches: what a complete download holds. */
function isWholePart(body: Buffer): boolean {
  try {
    const lines = gunzipSync(body).toString('utf8').split('\n').filter(Boolean);
    return SnapshotTrailerSchema.safeParse(JSON.parse(lines[lines.length - 1] ?? '')).success;
  } catch {
    return false;
  }
}

describe.each(storeKinds())('the server stays up on %s', (kind) => {
  let store: TestStore;
  let team: SyncTeam;
  let url: string;
  /** When set, the next COPY fails the way this store's COPY fails when its connection is cut. */
  let breakNextCopy = false;

  beforeAll(async () => {
    store = await openTestStore(kind);
    const copyOut: CopyOut = (query) => {
      if (!breakNextCopy) return store.copyOut(query);
      breakNextCopy = false;
      if (kind === 'postgres') {
        // The COPY's own backend is terminated after its first row, as pg_terminate_backend or a restart would.
        return store.copyOut({ ...query, sql: `SELECT q.* FROM (${query.sql}) q WHERE pg_terminate_backend(pg_backend_pid())` });
      }
      // PGlite is in-process: a COPY source that fails after its first chunk stands in for a lost connection.
      return (async function* failing() {
        for await (const chunk of store.copyOut(query)) {
          yield chunk;
          throw new Error('injected: COPY connection lost');
        }
        throw new Error('injected: COPY connection lost');
      })();
    };
    team = await buildSyncTeam({ db: store.db, kind: store.kind, copyOut }, undefined, { snapshotPartRows: 1000 });
    for (let i = 0; i < 40; i++) await insertLead(store.db, `lead_h_${String(i).padStart(3, '0')}`, team.ids.rep1, 'r_east');
    url = await team.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await team?.app.close();
    await store?.close();
  });

  async function leadPart(): Promise<{ manifest: SnapshotManifest; path: string }> {
    const clientId = randomUUID();
    const response = await team.app.inject({ method: 'GET', url: `/sync/snapshot?${versions}&clientId=${clientId}`, headers: bearer(team.tokens.rep1) });
    expect(response.statusCode).toBe(200);
    const manifest = SnapshotManifestSchema.parse(response.json());
    const p = manifest.parts.find((x) => x.entity === 'lead');
    if (!p) throw new Error('no lead part');
    return { manifest, path: `/sync/snapshot/lead/${p.part}?${versions}&clientId=${clientId}&snapshotSeq=${manifest.snapshotSeq}&of=${p.of}` };
  }

  it('refuses a NUL byte in a snapshot cursor as a 400 naming the field, and keeps serving', async () => {
    const { path } = await leadPart();
    for (const field of ['after', 'until']) {
      const response = await download(`${url}${path}&${field}=%00`, bearer(team.tokens.rep1));
      expect(response.status, field).toBe(400);
      const error = ErrorBodySchema.parse(JSON.parse(response.body.toString('utf8'))).error;
      expect(error.code).toBe('bad_request');
      expect(error.fields).toEqual([field]);
    }
    const next = await download(`${url}${path}`, bearer(team.tokens.rep1));
    expect(next.status).toBe(200);
    expect(isWholePart(next.body)).toBe(true);
  });

  it('ends only that response when the COPY source fails mid-stream, and answers the next request', async () => {
    const { path } = await leadPart();
    breakNextCopy = true;
    const broken = await download(`${url}${path}`, bearer(team.tokens.rep1));
    if (broken.status === 200) {
      // Headers were already out: the body is cut off, never passed off as a whole part.
      expect(broken.complete && isWholePart(broken.body)).toBe(false);
    } else {
      expect(broken.status).toBe(500);
      expect(ErrorBodySchema.parse(JSON.parse(broken.body.toString('utf8'))).error.code).toBe('internal');
    }
    const next = await download(`${url}${path}`, bearer(team.tokens.rep1));
    expect(next.status).toBe(200);
    expect(next.complete).toBe(true);
    expect(isWholePart(next.body)).toBe(true);
    expect((await team.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('checks authentication before the input on every sync route', async () => {
    const nobody = { authorization: 'Bearer not-a-real-token-at-all' };
    const requests = [
      { method: 'POST' as const, url: '/sync/push', headers: nobody, payload: { nonsense: true } },
      { method: 'POST' as const, url: '/sync/push', headers: { ...nobody, 'content-type': 'application/json' }, payload: '{"broken": ' },
      { method: 'POST' as const, url: '/sync/push', payload: { nonsense: true } },
      { method: 'GET' as const, url: '/sync/pull?cursor=-5', headers: nobody },
      { method: 'GET' as const, url: '/sync/snapshot?protocolVersion=x', headers: nobody },
      { method: 'GET' as const, url: '/sync/snapshot/lead/0?after=%00', headers: nobody },
      { method: 'GET' as const, url: '/sync/snapshot/nope/-1', headers: nobody },
    ];
    for (const r of requests) {
      const response = await team.app.inject(r);
      expect(response.statusCode, `${r.method} ${r.url}`).toBe(401);
      expect(ErrorBodySchema.parse(response.json()).error.code).toBe('unauthenticated');
    }
  });
});

describe('the process guard', () => {
  function fakeProcess(): GuardedProcess & EventEmitter & { exitCode: number | null } {
    const proc = new EventEmitter() as GuardedProcess & EventEmitter & { exitCode: number | null };
    proc.exitCode = null;
    proc.exit = ((code: number) => {
      proc.exitCode = code;
    }) as GuardedProcess['exit'];
    return proc;
  }
  function fakeServer(answers: boolean) {
    return { log: { error: vi.fn(), fatal: vi.fn() }, storeAnswers: vi.fn(async () => answers), close: vi.fn(async () => undefined) };
  }

  it('logs an uncaught exception or unhandled rejection and keeps serving while the store answers', async () => {
    const proc = fakeProcess();
    const server = fakeServer(true);
    const remove = installProcessGuard(server, proc);
    proc.emit('uncaughtException', new Error('boom in a stream'));
    proc.emit('unhandledRejection', new Error('forgotten promise'));
    await vi.waitFor(() => expect(server.storeAnswers).toHaveBeenCalledTimes(2));
    expect(server.log.error).toHaveBeenCalledTimes(2);
    expect(server.close).not.toHaveBeenCalled();
    expect(proc.exitCode).toBeNull();
    remove();
    expect(proc.listenerCount('uncaughtException')).toBe(0);
  });

  it('closes and exits 1 when the store no longer answers', async () => {
    const proc = fakeProcess();
    const server = fakeServer(false);
    installProcessGuard(server, proc);
    proc.emit('uncaughtException', new Error('RuntimeError: unreachable'));
    await vi.waitFor(() => expect(proc.exitCode).toBe(1));
    expect(server.close).toHaveBeenCalledTimes(1);
    expect(server.log.fatal).toHaveBeenCalledTimes(1);
  });
});

describe('the local commit bus', () => {
  it('reports a listener that throws, still calls the others, and never throws at the publisher', () => {
    const reported: string[] = [];
    const bus = createLocalCommitBus((_error, what) => reported.push(what));
    const seen: number[] = [];
    bus.subscribe(() => {
      throw new Error('listener bug');
    });
    bus.subscribe((seq) => seen.push(seq));
    expect(() => bus.publish(7)).not.toThrow();
    expect(seen).toEqual([7]);
    expect(reported).toEqual(['listener failed for seq 7']);
  });
});

describe('the live hub', () => {
  it('logs the pokes it drops when the store fails, and keeps its sockets', async () => {
    const doomed = await openTestStore('pglite');
    const log = { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() };
    const hub = new LiveHub(doomed.db, { coalesceMs: 1, log });
    const socket = { send: vi.fn(), close: vi.fn() };
    hub.add(socket, { userId: 'u1', role: 'rep', regionId: 'r1', managedRegionIds: [] }, { tokenHash: 'h', userId: 'u1', expiresAt: new Date(Date.now() + 60_000) }, null);
    await doomed.close();
    hub.notify(5);
    await vi.waitFor(() => expect(log.error).toHaveBeenCalledWith(expect.objectContaining({ err: expect.any(Error) }), 'live pokes dropped'));
    await hub.checkSessions();
    expect(log.error).toHaveBeenCalledWith(expect.objectContaining({ err: expect.any(Error) }), 'live sockets: session check failed');
    expect(socket.close).not.toHaveBeenCalled();
    expect(hub.size).toBe(1);
    await hub.close();
    expect(socket.close).toHaveBeenCalledWith(1001, 'server shutting down');
  });
});
