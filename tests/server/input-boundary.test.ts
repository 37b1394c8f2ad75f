import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_PROTOCOL_VERSION, SYNC_SCHEMA_VERSION } from '../../shared/sync/protocol';
import { bearer, insertUser, signIn } from './fixtures';
import { openTestStore, storeKinds, type TestStore } from './store-harness';
import { buildSyncTeam, createLead, mutation, newCockpit, push, type SyncTeam } from './sync-harness';

/**
 * Text Postgres cannot store (NUL, lone surrogates) and instants outside the
 * years 0001–9999 are refused where they enter, naming the field: 400 for
 * HTTP input, a `validation` rejection for a mutation. A push entry that can
 * never apply is rejected on its own and the queue behind it moves on.
 */
describe.each(storeKinds())('input boundary on %s', (kind) => {
  let store: TestStore;
  let team: SyncTeam;
  let adminToken: string;

  beforeAll(async () => {
    store = await openTestStore(kind);
    team = await buildSyncTeam(store);
    const admin = await insertUser(store.db, { email: 'admin@t.example.com', role: 'admin' });
    adminToken = await signIn(team.app, admin.email, admin.password);
  });
  afterAll(async () => {
    await team?.app.close();
    await store?.close();
  });

  const expectBadRequest = (response: { statusCode: number; json(): unknown }, field: string) => {
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'bad_request', fields: [field] } });
  };

  it('refuses NUL and lone surrogates in HTTP bodies', async () => {
    const nul = await team.app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { email: 'rep1@t.example.com', password: 'pass\u0000word' } });
    expectBadRequest(nul, 'password');
    // A JSON escape is how a lone surrogate arrives: raw bytes could not carry one.
    const surrogate = await team.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      headers: { 'content-type': 'application/json' },
      payload: '{"email":"rep1@t.example.com","password":"pass\\ud800word"}',
    });
    expectBadRequest(surrogate, 'password');
  });

  it('refuses them in query strings and path params', async () => {
    const base = `protocolVersion=${SYNC_PROTOCOL_VERSION}&schemaVersion=${SYNC_SCHEMA_VERSION}&clientId=${newCockpit().clientId}`;
    const after = await team.app.inject({ method: 'GET', url: `/sync/snapshot/lead/0?${base}&snapshotSeq=0&of=1&after=%00`, headers: bearer(team.tokens.rep1) });
    expectBadRequest(after, 'after');
    const until = await team.app.inject({ method: 'GET', url: `/sync/snapshot/lead/0?${base}&snapshotSeq=0&of=1&until=a%00b`, headers: bearer(team.tokens.rep1) });
    expectBadRequest(until, 'until');
    const param = await team.app.inject({ method: 'PATCH', url: '/api/users/u%00x', headers: bearer(adminToken), payload: { displayName: 'x' } });
    expectBadRequest(param, 'id');
    const query = await team.app.inject({ method: 'GET', url: '/api/users?teamId=t%00', headers: bearer(adminToken) });
    expectBadRequest(query, 'teamId');
    const body = await team.app.inject({ method: 'PATCH', url: `/api/users/${team.ids.rep1}`, headers: bearer(adminToken), payload: { displayName: '王\u0000芳' } });
    expectBadRequest(body, 'displayName');
  });

  it('rejects a mutation whose arguments hold unstorable text or impossible dates, naming the field', async () => {
    const c = newCockpit();
    const lead = createLead('王芳');
    const response = await push(team.app, team.tokens.rep1, c, [
      mutation(c, 'lead.create@1', { ...createLead('x'), name: '王\u0000芳' }),
      // Keys no schema reads are checked too: nothing unstorable gets near SQL.
      mutation(c, 'lead.create@1', { ...createLead('y'), extra: { note: 'a\uDC00' } }),
      mutation(c, 'lead.create@1', lead),
      mutation(c, 'lead.update@1', { leadId: lead.id, patch: { company: '明康\uD83D' }, base: {} }),
      mutation(c, 'lead.logTouch@1', { leadId: lead.id, activityId: 'act_year0', type: 'call', subject: 's', occurredAt: '0000-06-01T00:00:00Z' }),
      mutation(c, 'task.create@1', { id: 'task_far', title: 't', dueAt: '9999-12-31T23:00:00-02:00', leadId: lead.id }),
    ]);
    expect(response.status).toBe(200);
    expect(response.body.results.map((r) => [r.status, r.code, r.reason, r.fields])).toEqual([
      ['rejected', 'validation', 'invalid_arguments', ['name']],
      ['rejected', 'validation', 'invalid_arguments', ['extra.note']],
      ['applied', null, null, []],
      ['rejected', 'validation', 'invalid_arguments', ['patch.company']],
      ['rejected', 'validation', 'invalid_arguments', ['occurredAt']],
      ['rejected', 'validation', 'invalid_arguments', ['dueAt']],
    ]);
    expect(response.body.lastMutationId).toBe(6);
  });

  it('rejects arguments nested far deeper than a call stack as a validation of that entry, not a 500', async () => {
    const c = newCockpit();
    // Written out by hand: JSON.stringify itself could not nest this deep.
    const depth = 20_000;
    const deep = `${'['.repeat(depth)}"\\u0000"${']'.repeat(depth)}`;
    const entries = [mutation(c, 'lead.create@1', { ...createLead('深'), extra: '§' }), mutation(c, 'lead.create@1', createLead('浅'))];
    const payload = JSON.stringify({ protocolVersion: SYNC_PROTOCOL_VERSION, schemaVersion: SYNC_SCHEMA_VERSION, clientId: c.clientId, mutations: entries }).replace('"§"', deep);
    const response = await team.app.inject({
      method: 'POST',
      url: '/sync/push',
      headers: { ...bearer(team.tokens.rep1), 'content-type': 'application/json' },
      payload,
    });
    expect(response.statusCode).toBe(200);
    const body = response.json() as { results: { status: string; code: string | null }[] };
    expect(body.results.map((r) => [r.status, r.code])).toEqual([
      ['rejected', 'validation'],
      ['applied', null],
    ]);
  });

  it('rejects an entry that can never apply and applies the one behind it; a retry answers the same', async () => {
    const c = newCockpit();
    const good = createLead('李雷');
    const batch = [
      mutation(c, 'lead.create\u0000@1', createLead('bad name')),
      { ...mutation(c, 'lead.create@1', createLead('bad time')), at: '0000-01-01T00:00:00\u0000' },
      mutation(c, 'lead.create@1', good),
    ];
    const first = await push(team.app, team.tokens.rep1, c, batch);
    expect(first.status).toBe(200);
    expect(first.body.results.map((r) => [r.id, r.status, r.code, r.fields])).toEqual([
      [1, 'rejected', 'validation', ['name']],
      [2, 'rejected', 'validation', ['at']],
      [3, 'applied', null, []],
    ]);
    const retry = await push(team.app, team.tokens.rep1, c, batch);
    expect(retry.status).toBe(200);
    expect(retry.body.results).toEqual(first.body.results);
    expect(retry.body.lastMutationId).toBe(3);
    const leads = await store.db.selectFrom('leads').select('id').where('id', '=', good.id).execute();
    expect(leads).toHaveLength(1);
    const stored = await store.db.selectFrom('mutation_results').select(['mutation_id', 'name']).where('client_id', '=', c.clientId).orderBy('mutation_id').execute();
    expect(stored.map((r) => r.name)).toEqual(['lead.create\uFFFD@1', 'lead.create@1', 'lead.create@1']);
  });
});
