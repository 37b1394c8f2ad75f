import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBodySchema } from '../../shared/api/errors';
import { MeResponseSchema, SignInResponseSchema } from '../../shared/api/http';
import { buildApp } from '../../server/app';
import { createServerLogger } from '../../server/logging';
import { hashSessionToken } from '../../server/modules/auth/session-token';
import { bearer, insertRegionAndTeam, insertUser, signIn, type UserFixture } from './fixtures';
import { openTestStore, storeKinds, type TestStore } from './store-harness';

const GENERIC = { error: { code: 'invalid_credentials', message: 'Email or password is incorrect' } };

describe.each(storeKinds())('auth API on %s', (kind) => {
  let store: TestStore;
  let app: FastifyInstance;
  let rep: UserFixture;
  let manager: UserFixture;

  beforeAll(async () => {
    store = await openTestStore(kind);
    app = buildApp({ db: store.db, store: store.kind, version: '1.2.3' });
    await insertRegionAndTeam(store.db, { regionId: 'east', teamId: 'east-a', regionName: 'East', teamName: 'East A' });
    rep = await insertUser(store.db, { email: 'Rep@Example.com', role: 'rep', teamId: 'east-a', regionId: 'east' });
    manager = await insertUser(store.db, { email: 'manager@example.com', role: 'manager', teamId: 'east-a' });
    await store.db.insertInto('team_managers').values({ team_id: 'east-a', user_id: manager.id }).execute();
    await insertUser(store.db, { email: 'gone@example.com', role: 'rep', active: false });
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  const signInRequest = (payload: unknown, remoteAddress?: string) =>
    app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: payload as object, ...(remoteAddress ? { remoteAddress } : {}) });

  it('signs in with the right password (email case-insensitive) and returns a token once', async () => {
    const response = await signInRequest({ email: 'REP@example.com', password: rep.password });
    expect(response.statusCode).toBe(200);
    const body = SignInResponseSchema.parse(response.json());
    expect(body.user).toEqual({
      id: rep.id,
      email: 'rep@example.com',
      displayName: 'Rep',
      role: 'rep',
      teamId: 'east-a',
      regionId: 'east',
      active: true,
    });
    expect(body.user).not.toHaveProperty('passwordHash');
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const days = (Date.parse(body.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
  });

  it('stores only the sha256 of the token, never the token itself', async () => {
    const token = await signIn(app, rep.email, rep.password);
    const sessions = await store.db.selectFrom('sessions').selectAll().where('user_id', '=', rep.id).execute();
    expect(JSON.stringify(sessions)).not.toContain(token);
    expect(sessions.map((s) => s.token_hash)).toContain(hashSessionToken(token));
  });

  it('gives one generic 401 for a wrong password, an unknown email and an inactive user', async () => {
    const wrongPassword = await signInRequest({ email: rep.email, password: 'not the password' });
    const unknownEmail = await signInRequest({ email: 'nobody@example.com', password: rep.password });
    const inactive = await signInRequest({ email: 'gone@example.com', password: 'correct horse battery' });
    for (const response of [wrongPassword, unknownEmail, inactive]) {
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual(GENERIC);
    }
    expect(wrongPassword.body).toBe(unknownEmail.body);
    expect(unknownEmail.body).toBe(inactive.body);
  });

  it('rejects a malformed sign-in body with 400 and the fields', async () => {
    const response = await signInRequest({ email: 'not-an-email' });
    expect(response.statusCode).toBe(400);
    const body = ErrorBodySchema.parse(response.json());
    expect(body.error.code).toBe('bad_request');
    expect(body.error.fields?.sort()).toEqual(['email', 'password']);
  });

  it('answers /api/me with the user, team, region and managed teams', async () => {
    const token = await signIn(app, manager.email, manager.password);
    const response = await app.inject({ method: 'GET', url: '/api/me', headers: bearer(token) });
    expect(response.statusCode).toBe(200);
    expect(MeResponseSchema.parse(response.json())).toEqual({
      // The manager's row has no region of its own; /api/me reports the team's.
      user: expect.objectContaining({ id: manager.id, role: 'manager', teamId: 'east-a', regionId: null }),
      team: { id: 'east-a', name: 'East A', regionId: 'east' },
      region: { id: 'east', name: 'East' },
      managedTeamIds: ['east-a'],
    });
  });

  it('refuses /api/me without a token, with an unknown token and with an expired session', async () => {
    const token = await signIn(app, rep.email, rep.password);
    await store.db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000) }).where('token_hash', '=', hashSessionToken(token)).execute();
    const cases = [
      {},
      { authorization: 'Bearer ' + 'x'.repeat(43) },
      { authorization: 'Basic abc' },
      bearer(token),
    ];
    for (const headers of cases) {
      const response = await app.inject({ method: 'GET', url: '/api/me', headers });
      expect(response.statusCode).toBe(401);
      expect(ErrorBodySchema.parse(response.json()).error.code).toBe('unauthenticated');
    }
  });

  it('sign-out revokes that session only', async () => {
    const first = await signIn(app, rep.email, rep.password);
    const second = await signIn(app, rep.email, rep.password);
    const out = await app.inject({ method: 'POST', url: '/api/auth/sign-out', headers: bearer(first) });
    expect(out.statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: bearer(first) })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/auth/sign-out', headers: bearer(first) })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: bearer(second) })).statusCode).toBe(200);
  });

  it('rate-limits sign-in per IP and email with a 429 JSON error, other emails still allowed', async () => {
    const ip = '10.0.0.1';
    for (let i = 0; i < 10; i += 1) {
      expect((await signInRequest({ email: rep.email, password: 'wrong password' }, ip)).statusCode).toBe(401);
    }
    // Even the right password is refused now: the limiter runs before the check.
    const limited = await signInRequest({ email: rep.email, password: rep.password }, ip);
    expect(limited.statusCode).toBe(429);
    expect(ErrorBodySchema.parse(limited.json()).error.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another email from the same IP, and the same email from another IP, are not affected.
    expect((await signInRequest({ email: manager.email, password: manager.password }, ip)).statusCode).toBe(200);
    expect((await signInRequest({ email: rep.email, password: rep.password }, '10.0.0.2')).statusCode).toBe(200);
  });

  it('caps sign-in attempts per IP across many emails', async () => {
    const limited = buildApp({ db: store.db, store: store.kind, version: '1', signInLimits: { perIp: 3 } });
    try {
      const attempt = (email: string) =>
        limited.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { email, password: 'whatever1' } });
      for (const n of [1, 2, 3]) expect((await attempt(`spray${n}@example.com`)).statusCode).toBe(401);
      const blocked = await attempt('spray4@example.com');
      expect(blocked.statusCode).toBe(429);
      expect(blocked.json()).toEqual({ error: { code: 'rate_limited', message: expect.stringContaining('Too many') } });
    } finally {
      await limited.close();
    }
  });

  it('keeps passwords and bearer tokens out of the logs', async () => {
    const lines: string[] = [];
    const logged = buildApp({
      db: store.db,
      store: store.kind,
      version: '1',
      logger: createServerLogger('trace', { write: (line: string) => void lines.push(line) }),
    });
    try {
      logged.post('/test/echo-log', async (request) => {
        // A careless log call: the redaction must still hide the secrets.
        request.log.info({ headers: request.headers, body: request.body }, 'careless');
        return { ok: true };
      });
      const token = await signIn(logged, rep.email, rep.password);
      await logged.inject({ method: 'GET', url: '/api/me', headers: bearer(token) });
      await logged.inject({ method: 'POST', url: '/test/echo-log', headers: bearer(token), payload: { password: rep.password } });
      const all = lines.join('\n');
      expect(lines.some((l) => l.includes('"msg":"careless"'))).toBe(true);
      expect(all).toContain('[redacted]');
      expect(all).not.toContain(token);
      expect(all).not.toContain(rep.password);
      expect(JSON.parse(lines[0] ?? '{}')).toHaveProperty('level');
    } finally {
      await logged.close();
    }
  });
});
