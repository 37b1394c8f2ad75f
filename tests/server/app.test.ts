import type { FastifyInstance } from 'fastify';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBodySchema } from '../../shared/api/errors';
import { HealthResponseSchema } from '../../shared/api/http';
import { buildApp } from '../../server/app';
import { openServerDb } from '../../server/db/connection';
import { openTestStore, storeKinds, type TestStore } from './store-harness';

describe.each(storeKinds())('HTTP app basics on %s', (kind) => {
  let store: TestStore;
  let app: FastifyInstance;

  beforeAll(async () => {
    store = await openTestStore(kind);
    app = buildApp({ db: store.db, store: store.kind, version: '9.8.7' });
    // A test-only route, to see what an unexpected exception turns into.
    app.get('/test/boom', async () => {
      throw new Error('secret internals at /srv/db.ts:42');
    });
  });
  let url: string | null = null;
  /** The app on a real socket, for what only Node's HTTP parser sees. */
  async function listening(): Promise<string> {
    url ??= await app.listen({ host: '127.0.0.1', port: 0 });
    return url;
  }
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  it('/healthz reports ok, the version and the store', async () => {
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(HealthResponseSchema.parse(response.json())).toEqual({ status: 'ok', version: '9.8.7', store: kind });
  });

  it('answers unknown routes with a 404 JSON error', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/nothing-here?x=1' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(ErrorBodySchema.parse(response.json()).error).toEqual({ code: 'not_found', message: 'No route for GET /api/nothing-here' });
  });

  it('answers malformed JSON and a missing body with a 400 JSON error', async () => {
    const malformed = await app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": "a@b.c", ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(ErrorBodySchema.parse(malformed.json()).error.code).toBe('bad_request');


    const missing = await app.inject({ method: 'POST', url: '/api/auth/sign-in' });
    expect(missing.statusCode).toBe(400);
    expect(ErrorBodySchema.parse(missing.json()).error.fields).toEqual(['(root)']);
  });

  it('answers an unsupported content type with 415 unsupported_media_type', async () => {
    const text = await app.inject({ method: 'POST', url: '/api/auth/sign-in', headers: { 'content-type': 'text/plain' }, payload: 'hi' });
    expect(text.statusCode).toBe(415);
    expect(ErrorBodySchema.parse(text.json()).error.code).toBe('unsupported_media_type');
  });

  it('answers a body over the limit with 413 payload_too_large', async () => {
    const big = JSON.stringify({ email: 'a@b.example', password: 'x'.repeat(1024 * 1024 + 10) });
    const response = await app.inject({ method: 'POST', url: '/api/auth/sign-in', headers: { 'content-type': 'application/json' }, payload: big });
    expect(response.statusCode).toBe(413);
    expect(ErrorBodySchema.parse(response.json()).error.code).toBe('payload_too_large');
  });

  it('answers a path that is not valid percent-encoding with a 400 JSON error', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/users/%E0%A4%A' });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(ErrorBodySchema.parse(response.json()).error.code).toBe('bad_request');
  });

  it('answers headers over the limit with a 431 JSON error, and garbage with a 400 JSON error, on the wire', async () => {
    const url = new URL(await listening());
    const raw = (request: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const socket = connect(Number(url.port), url.hostname, () => socket.end(request));
        let text = '';
        socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
        socket.on('close', () => resolve(text));
        socket.on('error', reject);
      });
    const huge = await raw(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(huge).toMatch(/^HTTP\/1\.1 431 /);
    expect(huge).toMatch(/content-type: application\/json/i);
    expect(ErrorBodySchema.parse(JSON.parse(huge.slice(huge.indexOf('\r\n\r\n') + 4))).error.code).toBe('headers_too_large');

    const garbage = await raw('NOT HTTP AT ALL\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
    expect(ErrorBodySchema.parse(JSON.parse(garbage.slice(garbage.indexOf('\r\n\r\n') + 4))).error.code).toBe('bad_request');
    // The server still answers.
    expect((await fetch(`${url.origin}/healthz`)).status).toBe(200);
  });

  it('turns an unexpected exception into a bare 500 internal, without stack or message', async () => {
    const response = await app.inject({ method: 'GET', url: '/test/boom' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ error: { code: 'internal', message: 'Internal server error' } });
    expect(response.body).not.toContain('secret');
  });

  it('/healthz answers 503 unavailable when the store is down', async () => {
    // A store of its own, closed underneath a running app.
    const doomed = await openServerDb({ ...store.options, dataDir: store.options.dataDir ?? 'memory://', migrate: false });
    const orphan = buildApp({ db: doomed.db, store: doomed.kind, version: '1' });
    try {
      expect((await orphan.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      await doomed.close();
      const response = await orphan.inject({ method: 'GET', url: '/healthz' });
      expect(response.statusCode).toBe(503);
      expect(ErrorBodySchema.parse(response.json()).error.code).toBe('unavailable');
    } finally {
      await orphan.close();
    }
  });
});
