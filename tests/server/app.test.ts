import type { FastifyInstance } from 'fastify';
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

  it('answers malformed JSON and wrong content types with a 400 JSON error', async () => {
    const malformed = await app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": "a@b.c", ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(ErrorBodySchema.parse(malformed.json()).error.code).toBe('bad_request');

    const text = await app.inject({ method: 'POST', url: '/api/auth/sign-in', headers: { 'content-type': 'text/plain' }, payload: 'hi' });
    expect(text.statusCode).toBe(400);
    expect(ErrorBodySchema.parse(text.json()).error.code).toBe('bad_request');

    const missing = await app.inject({ method: 'POST', url: '/api/auth/sign-in' });
    expect(missing.statusCode).toBe(400);
    expect(ErrorBodySchema.parse(missing.json()).error.fields).toEqual(['(root)']);
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
