import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ErrorBody } from '../../shared/api/errors';
import {
  SignInRequestSchema,
  type HealthResponse,
  type MeResponse,
  type SignInResponse,
} from '../../shared/api/http';
import type { User } from '../../shared/domain/entities';

export const REP: User = {
  id: 'u-rep-1',
  email: 'rep@example.com',
  displayName: 'Li Wei',
  role: 'rep',
  teamId: 't-1',
  regionId: 'r-1',
  active: true,
};
export const REP_PASSWORD = 'correct horse battery';
export const OTHER: User = { ...REP, id: 'u-rep-2', email: 'other@example.com', displayName: 'Zhang Min' };

/**
 * A tiny stand-in for the team server that speaks the shared HTTP schemas,
 * so the cockpit's services can be tested without the real one.
 */
export interface FakeTeamServer {
  url: string;
  calls: string[];
  signedOutTokens: string[];
  /** When false, /healthz answers 503. */
  healthy: boolean;
  /** Ends every session, as a password change or an expiry does on the real server. */
  revokeAll(): void;
  close(): Promise<void>;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function fail(res: ServerResponse, status: number, body: ErrorBody): void {
  json(res, status, body);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return null;
  }
}

export async function startFakeTeamServer(users: User[] = [REP, OTHER]): Promise<FakeTeamServer> {
  const tokens = new Map<string, User>();
  const state: FakeTeamServer = { url: '', calls: [], signedOutTokens: [], healthy: true, revokeAll: () => tokens.clear(), close: async () => {} };
  let counter = 0;

  const server: Server = createServer((req, res) => {
    void (async () => {
      const route = `${req.method} ${req.url}`;
      state.calls.push(route);
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (route === 'POST /api/auth/sign-in') {
        const parsed = SignInRequestSchema.safeParse(await readBody(req));
        if (!parsed.success) return fail(res, 400, { error: { code: 'bad_request', message: 'bad body', fields: ['email'] } });
        if (parsed.data.email === 'flood@example.com') {
          return fail(res, 429, { error: { code: 'rate_limited', message: 'Too many sign-in attempts; wait a minute' } });
        }
        const user = users.find((u) => u.email === parsed.data.email);
        if (!user || parsed.data.password !== REP_PASSWORD) {
          return fail(res, 401, { error: { code: 'invalid_credentials', message: 'Wrong email or password' } });
        }
        const token = `tok-${++counter}-${'x'.repeat(40)}`;
        tokens.set(token, user);
        const body: SignInResponse = { token, expiresAt: '2099-01-01T00:00:00.000Z', user };
        return json(res, 200, body);
      }
      if (route === 'GET /api/me') {
        const user = bearer ? tokens.get(bearer) : undefined;
        if (!user) return fail(res, 401, { error: { code: 'unauthenticated', message: 'sign in' } });
        const body: MeResponse = {
          user,
          team: { id: 't-1', name: 'East', regionId: 'r-1' },
          region: { id: 'r-1', name: 'Shanghai' },
          managedTeamIds: [],
        };
        return json(res, 200, body);
      }
      if (route === 'POST /api/auth/sign-out') {
        if (bearer) {
          tokens.delete(bearer);
          state.signedOutTokens.push(bearer);
        }
        res.writeHead(204).end();
        return;
      }
      if (route === 'GET /healthz') {
        if (!state.healthy) return fail(res, 503, { error: { code: 'unavailable', message: 'down' } });
        const body: HealthResponse = { status: 'ok', version: 'test', store: 'pglite' };
        return json(res, 200, body);
      }
      return fail(res, 404, { error: { code: 'not_found', message: route } });
    })();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    });
  return state;
}

/** A URL on which nothing listens: a port we just bound and released. */
export async function unusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return `http://127.0.0.1:${port}`;
}
