import type { Kysely } from 'kysely';
import { z } from 'zod';
import { IdSchema, RegionSchema, TeamSchema, type User } from '../../shared/domain/entities';
import { RoleSchema, type Role } from '../../shared/domain/enums';
import type { SessionState, SignInArgs } from '../../shared/ipc/contract';
import type { LocalDatabase } from '../db/schema';
import type { KeyValueStore } from './key-value.store';
import type { Logger } from './logger';
import { serverBase, type TeamServerClient } from './team-server.client';
import type { TokenStore } from './token-store';

const LAST_SERVER_URL = 'session.lastServerUrl';
const LAST_EMAIL = 'session.lastEmail';

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

  constructor(deps: SessionServiceDeps) {
    this.#deps = deps;
  }

  /** The cached session; never touches the network. */
  async get(): Promise<SessionState> {
    const active = await this.active();
    const me = active ? await this.#readMe() : null;
    if (active && me) return me;
    const [lastServerUrl, lastEmail] = await Promise.all([
      this.#deps.kv.read(LAST_SERVER_URL, z.string()),
      this.#deps.kv.read(LAST_EMAIL, z.string()),
    ]);
    return { status: 'signed_out', lastServerUrl: lastServerUrl ?? this.#deps.defaultServerUrl ?? null, lastEmail };
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
    const me = await client.me(serverUrl, signedIn.token);
    const teams = me.managedTeamIds.length > 0 ? await client.teams(serverUrl, signedIn.token) : { teams: [], regions: [] };
    const managedRegionIds = [...new Set(teams.teams.filter((t) => me.managedTeamIds.includes(t.id)).map((t) => t.regionId))].sort();
    const now = (this.#deps.now ?? (() => new Date()))().toISOString();

    await tokens.write(signedIn.token);
    await db.transaction().execute(async (trx) => {
      const row = {
        id: 1,
        server_url: serverUrl,
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
        token_expires_at: signedIn.expiresAt,
        signed_in_at: now,
      };
      await trx.deleteFrom('me').execute();
      await trx.insertInto('me').values(row).execute();
      await kv.write(LAST_SERVER_URL, serverUrl, trx);
      await kv.write(LAST_EMAIL, email, trx);
    });
    const state = await this.get();
    this.#notify(state);
    return state;
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
    await this.#deps.db.deleteFrom('me').execute();
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
    };
  }
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
