import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBodySchema } from '../../shared/api/errors';
import { TeamListResponseSchema, UserListResponseSchema, UserResponseSchema } from '../../shared/api/http';
import { buildApp } from '../../server/app';
import { bearer, insertRegionAndTeam, insertUser, signIn } from './fixtures';
import { openTestStore, storeKinds, type TestStore } from './store-harness';

describe.each(storeKinds())('users admin API on %s', (kind) => {
  let store: TestStore;
  let app: FastifyInstance;
  let adminToken: string;
  let adminId: string;
  let repToken: string;

  beforeAll(async () => {
    store = await openTestStore(kind);
    app = buildApp({ db: store.db, store: store.kind, version: 'test' });
    await insertRegionAndTeam(store.db, { regionId: 'east', teamId: 'east-a', regionName: 'East', teamName: 'East A' });
    await insertRegionAndTeam(store.db, { regionId: 'west', teamId: 'west-a', regionName: 'West', teamName: 'West A' });
    const admin = await insertUser(store.db, { email: 'admin@example.com', role: 'admin', name: 'Ada Admin' });
    const rep = await insertUser(store.db, { email: 'rep@example.com', role: 'rep', teamId: 'east-a', regionId: 'east', name: 'Rita Rep' });
    adminId = admin.id;
    adminToken = await signIn(app, admin.email, admin.password);
    repToken = await signIn(app, rep.email, rep.password);
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  const createUser = (payload: object, token = adminToken) =>
    app.inject({ method: 'POST', url: '/api/users', headers: bearer(token), payload });
  const patchUser = (id: string, payload: object, token = adminToken) =>
    app.inject({ method: 'PATCH', url: `/api/users/${id}`, headers: bearer(token), payload });
  const errorOf = (body: unknown) => ErrorBodySchema.parse(body).error;

  it('creates a user with a lower-cased email; the team sets the region; the new user can sign in', async () => {
    const response = await createUser({
      email: 'New.Rep@Example.COM',
      password: 'a good password',
      displayName: 'Nora New',
      role: 'rep',
      teamId: 'west-a',
    });
    expect(response.statusCode).toBe(201);
    const { user } = UserResponseSchema.parse(response.json());
    expect(user).toMatchObject({ email: 'new.rep@example.com', displayName: 'Nora New', role: 'rep', teamId: 'west-a', regionId: 'west', active: true });
    const row = await store.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(row.password_hash).not.toContain('a good password');
    expect(await signIn(app, 'new.rep@example.com', 'a good password')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('answers 409 conflict for a duplicate email, whatever its case', async () => {
    const response = await createUser({ email: 'REP@example.com', password: 'another password', displayName: 'Dup', role: 'rep' });
    expect(response.statusCode).toBe(409);
    expect(errorOf(response.json())).toMatchObject({ code: 'conflict', fields: ['email'] });
  });

  it('answers 400 with the offending fields for invalid input', async () => {
    const response = await createUser({ email: 'nope', password: 'short', displayName: '', role: 'king' });
    expect(response.statusCode).toBe(400);
    const error = errorOf(response.json());
    expect(error.code).toBe('bad_request');
    expect(error.fields?.sort()).toEqual(['displayName', 'email', 'password', 'role']);

    const unknownTeam = await createUser({ email: 'x@example.com', password: 'long enough', displayName: 'X', role: 'rep', teamId: 'nowhere' });
    expect(unknownTeam.statusCode).toBe(400);
    expect(errorOf(unknownTeam.json()).fields).toEqual(['teamId']);

    const mismatch = await createUser({ email: 'y@example.com', password: 'long enough', displayName: 'Y', role: 'rep', teamId: 'east-a', regionId: 'west' });
    expect(mismatch.statusCode).toBe(400);
    expect(errorOf(mismatch.json()).fields).toEqual(['regionId']);

    const emptyPatch = await patchUser(adminId, {});
    expect(emptyPatch.statusCode).toBe(400);
    expect(errorOf(emptyPatch.json()).code).toBe('bad_request');

    const badQuery = await app.inject({ method: 'GET', url: '/api/users?limit=0&role=boss', headers: bearer(adminToken) });
    expect(badQuery.statusCode).toBe(400);
    expect(errorOf(badQuery.json()).fields?.sort()).toEqual(['limit', 'role']);

    const nothingStored = await store.db.selectFrom('users').select('email').where('email', 'in', ['nope', 'x@example.com', 'y@example.com']).execute();
    expect(nothingStored).toEqual([]);
  });

  it('lists users with filters, paging and a total', async () => {
    const all = UserListResponseSchema.parse(
      (await app.inject({ method: 'GET', url: '/api/users', headers: bearer(adminToken) })).json(),
    );
    expect(all.total).toBe(all.users.length);
    expect(all.users.map((u) => u.displayName)).toEqual([...all.users.map((u) => u.displayName)].sort());
    expect(JSON.stringify(all)).not.toContain('scrypt');

    const reps = UserListResponseSchema.parse(
      (await app.inject({ method: 'GET', url: '/api/users?role=rep&limit=1', headers: bearer(adminToken) })).json(),
    );
    expect(reps.users).toHaveLength(1);
    expect(reps.total).toBe(all.users.filter((u) => u.role === 'rep').length);
    expect(reps.total).toBeGreaterThan(1);

    const east = UserListResponseSchema.parse(
      (await app.inject({ method: 'GET', url: '/api/users?teamId=east-a', headers: bearer(adminToken) })).json(),
    );
    expect(east.users.map((u) => u.email)).toEqual(['rep@example.com']);
  });

  it('updates a user; deactivating revokes their sessions and blocks sign-in', async () => {
    const target = await insertUser(store.db, { email: 'leaving@example.com', role: 'rep' });
    const token = await signIn(app, target.email, target.password);

    const renamed = await patchUser(target.id, { displayName: 'Lee Leaving', role: 'manager', teamId: 'east-a' });
    expect(renamed.statusCode).toBe(200);
    expect(UserResponseSchema.parse(renamed.json()).user).toMatchObject({ displayName: 'Lee Leaving', role: 'manager', teamId: 'east-a', regionId: 'east' });
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: bearer(token) })).statusCode).toBe(200);
    // Leaving the team keeps the region.
    const teamless = await patchUser(target.id, { teamId: null });
    expect(UserResponseSchema.parse(teamless.json()).user).toMatchObject({ teamId: null, regionId: 'east' });

    const deactivated = await patchUser(target.id, { active: false });
    expect(UserResponseSchema.parse(deactivated.json()).user.active).toBe(false);
    expect(await store.db.selectFrom('sessions').select('token_hash').where('user_id', '=', target.id).execute()).toEqual([]);
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: bearer(token) })).statusCode).toBe(401);
    const refused = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { email: target.email, password: target.password } });
    expect(refused.statusCode).toBe(401);
  });

  it('changing a password revokes sessions; the new password works, the old one does not', async () => {
    const target = await insertUser(store.db, { email: 'rotate@example.com', role: 'rep' });
    const token = await signIn(app, target.email, target.password);
    const response = await patchUser(target.id, { password: 'a brand new password' });
    expect(response.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: bearer(token) })).statusCode).toBe(401);
    const old = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { email: target.email, password: target.password } });
    expect(old.statusCode).toBe(401);
    expect(await signIn(app, target.email, 'a brand new password')).toBeTruthy();
  });

  it('answers 404 for an unknown user and refuses to let an admin lock themselves out', async () => {
    const missing = await patchUser('no-such-user', { displayName: 'Ghost' });
    expect(missing.statusCode).toBe(404);
    expect(errorOf(missing.json()).code).toBe('not_found');
    const self = await patchUser(adminId, { active: false });
    expect(self.statusCode).toBe(400);
    expect(errorOf(self.json()).fields).toEqual(['active']);
  });

  it('gives a rep 403 on every admin route and 401 without a token', async () => {
    const requests = [
      { method: 'GET' as const, url: '/api/users' },
      { method: 'POST' as const, url: '/api/users', payload: { email: 'a@example.com', password: 'long enough', displayName: 'A', role: 'admin' } },
      { method: 'PATCH' as const, url: `/api/users/${adminId}`, payload: { active: false } },
    ];
    for (const request of requests) {
      const forbidden = await app.inject({ ...request, headers: bearer(repToken) });
      expect(forbidden.statusCode).toBe(403);
      expect(errorOf(forbidden.json()).code).toBe('forbidden');
      const anonymous = await app.inject(request);
      expect(anonymous.statusCode).toBe(401);
    }
    expect(await store.db.selectFrom('users').select('id').where('email', '=', 'a@example.com').execute()).toEqual([]);
  });

  it('lists regions and teams with their managers to any signed-in user', async () => {
    const manager = await insertUser(store.db, { email: 'boss@example.com', role: 'manager', teamId: 'west-a' });
    await store.db.insertInto('team_managers').values({ team_id: 'west-a', user_id: manager.id }).execute();
    const response = await app.inject({ method: 'GET', url: '/api/teams', headers: bearer(repToken) });
    expect(response.statusCode).toBe(200);
    const body = TeamListResponseSchema.parse(response.json());
    expect(body.regions).toEqual([{ id: 'east', name: 'East' }, { id: 'west', name: 'West' }]);
    expect(body.teams).toEqual([
      { id: 'east-a', name: 'East A', regionId: 'east', managerIds: [] },
      { id: 'west-a', name: 'West A', regionId: 'west', managerIds: [manager.id] },
    ]);
    expect((await app.inject({ method: 'GET', url: '/api/teams' })).statusCode).toBe(401);
  });
});
