import type { Kysely } from 'kysely';
import { z } from 'zod';
import { AppError } from '../../shared/api/errors';
import type { MeResponse } from '../../shared/api/http';
import { IdSchema, RegionSchema, TeamSchema, type Team, type User } from '../../shared/domain/entities';
import { RoleSchema, type Role } from '../../shared/domain/enums';
import type { SessionState, SignInArgs } from '../../shared/ipc/contract';
import type { LocalDatabase } from '../db/schema';
import type { KeyValueStore } from './key-value.store';
import type { Logger } from './logger';
import { serverBase, type TeamServerClient } from './team-server.client';
import type { TokenStore } from './token-store';

const LAST_SERVER_URL = 'session.lastServerUrl';
const LAST_EMAIL = 'session.lastEmail';
/** Set when the server refused the session, until the next sign-in: the form then says "sign in again". */
const ENDED = 'session.endedByServer';

/** What other services need to talk to the server on the user's behalf. */
export interface ActiveSession {
  serverUrl: string;
  token: string;
  userId: string;
  role: Role;
  regionId: string | null;
  /** Regions of the teams this user manages (visibility rules run offline too). */
  managedRegionIds: string[];
}

export type SessionListener = (state: SessionState) => void;

export interface SessionServiceDeps {
  db: Kysely<LocalDatabase>;
  kv: KeyValueStore;
  tokens: TokenStore;
  client: TeamServerClient;
  log: Logger;
  /** Shown on the sign-in form when the user has never signed in. */
  defaultServerUrl?: string | undefined;
  now?: () => Date;
}

/** Sign-in state of the cockpit: the signed-in user is cached locally so reads need no network. */
export class SessionService {
  readonly #deps: SessionServiceDeps;
  readonly #listeners = new Set<SessionListener>();
  #expiring: Promise<unknown> = Promise.resolve();

  constructor(deps: SessionServiceDeps) {
    this.#deps = deps;
  }

  /** The cached session; never touches the network. */
  async get(): Promise<SessionState> {
    const active = await this.active();
    const me = active ? await this.#readMe() : null;
    if (active && me) return me;
    const [lastServerUrl, lastEmail, ended] = await Promise.all([
      this.#deps.kv.read(LAST_SERVER_URL, z.string()),
      this.#deps.kv.read(LAST_EMAIL, z.string()),
      this.#deps.kv.read(ENDED, z.boolean()),
    ]);
    const state: SessionState = { status: 'signed_out', lastServerUrl: lastServerUrl ?? this.#deps.defaultServerUrl ?? null, lastEmail };
    return ended ? { ...state, reason: 'session_ended' } : state;
  }

  /** Server, token and user id when signed in; null otherwise. */
  async active(): Promise<ActiveSession | null> {
    const row = await this.#deps.db
      .selectFrom('me')
      .select(['server_url', 'user_id', 'role', 'region_id', 'managed_region_ids_json'])
      .where('id', '=', 1)
      .executeTakeFirst();
    if (!row) return null;
    const token = await this.#deps.tokens.read();
    if (!token) return null;
    return {
      serverUrl: row.server_url,
      token,
      userId: row.user_id,
      role: RoleSchema.parse(row.role),
      regionId: row.region_id,
      managedRegionIds: parseJson(row.managed_region_ids_json, z.array(IdSchema)) ?? [],
    };
  }

  async signIn(args: SignInArgs): Promise<SessionState> {
    const { client, db, kv, tokens } = this.#deps;
    const serverUrl = serverBase(args.serverUrl);
    const email = args.email.trim().toLowerCase();
    const signedIn = await client.signIn(serverUrl, { email, password: args.password });
    const identity = await this.#fetchIdentity(serverUrl, signedIn.token);
    const now = (this.#deps.now ?? (() => new Date()))().toISOString();

    await tokens.write(signedIn.token);
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('me').execute();
      await trx
        .insertInto('me')
        .values({ id: 1, server_url: serverUrl, ...meColumns(identity), token_expires_at: signedIn.expiresAt, signed_in_at: now })
        .execute();
      await kv.write(LAST_SERVER_URL, serverUrl, trx);
      await kv.write(LAST_EMAIL, email, trx);
      await kv.remove(ENDED, trx);
    });
    const state = await this.get();
    this.#notify(state);
    return state;
  }

  /**
   * Reads role, team, regions and managed teams from the server again (an
   * admin may have changed them since sign-in) and tells listeners when
   * anything changed. A refused session ends here. Other failures (offline)
   * reach the caller, who retries.
   */
  async refresh(): Promise<SessionState> {
    const active = await this.active();
    if (!active) return this.get();
    let identity: Identity;
    try {
      identity = await this.#fetchIdentity(active.serverUrl, active.token);
    } catch (error) {
      if (error instanceof AppError && error.code === 'unauthenticated') return this.expire(active.token);
      throw error;
    }
    const before = await this.get();
    // Only the row this token belongs to: a sign-in meanwhile has written its own.
    if ((await this.#deps.tokens.read()) !== active.token) return before;
    if (identity.me.user.id !== active.userId) {
      // The server answers for another user on this token: nothing about it can be trusted.
      this.#deps.log.error('the team server answered /api/me for another user; signing out');
      return this.expire(active.token);
    }
    await this.#deps.db.updateTable('me').set(meColumns(identity)).where('id', '=', 1).execute();
    const after = await this.get();
    if (JSON.stringify(after) !== JSON.stringify(before)) this.#notify(after);
    return after;
  }

  /**
   * The server refused this token (revoked, expired, user deactivated): signed
   * out, and the form asks to sign in again. Only the token and `me` go; the
   * user's cache and outbox files stay on disk, so unsent work is pushed when
   * the same user signs in again on the same server.
   */
  expire(refusedToken: string): Promise<SessionState> {
    // Push, pull and the socket may all be refused at once: end the session once.
    const next = this.#expiring.then(() => this.#expire(refusedToken));
    this.#expiring = next.catch(() => undefined);
    return next;
  }

  async #expire(refusedToken: string): Promise<SessionState> {
    if ((await this.#deps.tokens.read()) !== refusedToken) return this.get();
    await this.#deps.tokens.clear();
    await this.#deps.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('me').execute();
      await this.#deps.kv.write(ENDED, true, trx);
    });
    this.#deps.log.warn('the team server refused the session; signed out until the user signs in again');
    const state = await this.get();
    this.#notify(state);
    return state;
  }

  async #fetchIdentity(serverUrl: string, token: string): Promise<Identity> {
    const { client } = this.#deps;
    const me = await client.me(serverUrl, token);
    const teams = me.managedTeamIds.length > 0 ? await client.teams(serverUrl, token) : { teams: [], regions: [] };
    const managedTeams = teams.teams
      .filter((t) => me.managedTeamIds.includes(t.id))
      .map((t): Team => ({ id: t.id, name: t.name, regionId: t.regionId }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    return { me, managedTeams };
  }

  /** Ends the session on the server when reachable, and locally in any case. */
  async signOut(): Promise<SessionState> {
    const active = await this.active();
    if (active) {
      try {
        await this.#deps.client.signOut(active.serverUrl, active.token);
      } catch (error) {
        // Offline sign-out still has to work; the server token then expires on its own.
        this.#deps.log.warn('sign-out could not reach the team server; signing out locally', error);
      }
    }
    await this.#deps.tokens.clear();
    await this.#deps.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('me').execute();
      await this.#deps.kv.remove(ENDED, trx);
    });
    const state = await this.get();
    this.#notify(state);
    return state;
  }

  onChange(listener: SessionListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  #notify(state: SessionState): void {
    for (const listener of [...this.#listeners]) listener(state);
  }

  async #readMe(): Promise<SessionState | null> {
    const row = await this.#deps.db.selectFrom('me').selectAll().where('id', '=', 1).executeTakeFirst();
    if (!row) return null;
    const user: User = {
      id: row.user_id,
      email: row.email,
      displayName: row.display_name,
      role: RoleSchema.parse(row.role),
      teamId: row.team_id,
      regionId: row.region_id,
      active: row.active === 1,
    };
    return {
      status: 'signed_in',
      serverUrl: row.server_url,
      user,
      team: parseJson(row.team_json, TeamSchema.nullable()) ?? null,
      region: parseJson(row.region_json, RegionSchema.nullable()) ?? null,
      managedTeamIds: parseJson(row.managed_team_ids_json, z.array(IdSchema)) ?? [],
      managedTeams: parseJson(row.managed_teams_json, z.array(TeamSchema)) ?? [],
    };
  }
}

interface Identity {
  me: MeResponse;
  managedTeams: Team[];
}

/** The `me` columns that come from the server's answer (everything but server, token expiry and sign-in time). */
function meColumns({ me, managedTeams }: Identity) {
  const managedRegionIds = [...new Set(managedTeams.map((t) => t.regionId))].sort();
  return {
    user_id: me.user.id,
    email: me.user.email,
    display_name: me.user.displayName,
    role: me.user.role,
    team_id: me.user.teamId,
    region_id: me.user.regionId,
    active: me.user.active ? 1 : 0,
    team_json: me.team ? JSON.stringify(me.team) : null,
    region_json: me.region ? JSON.stringify(me.region) : null,
    managed_team_ids_json: JSON.stringify(me.managedTeamIds),
    managed_region_ids_json: JSON.stringify(managedRegionIds),
    managed_teams_json: JSON.stringify(managedTeams),
  };
}

function parseJson<S extends z.ZodType>(text: string | null, schema: S): z.output<S> | undefined {
  if (text === null) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
