import type { Kysely } from 'kysely';
import { AppError } from '../../../shared/api/errors';
import type { MeResponse, SignInRequest, SignInResponse } from '../../../shared/api/http';
import { managesTeams } from '../../../shared/domain/roles';
import type { ServerDatabase } from '../../db/schema';
import { toRegion, toTeam, toUser, USER_COLUMNS, type UserRow } from '../row-mappers';
import { burnPasswordCheck, verifyPassword } from './password';
import { hashSessionToken, newSessionToken, SESSION_TTL_MS } from './session-token';

/** The one answer for every failed sign-in: it must not reveal which part was wrong. */
export function invalidCredentials(): AppError {
  return new AppError('invalid_credentials', 'Email or password is incorrect');
}

/**
 * Checks the password and opens a session. Unknown email, wrong password and
 * inactive user fail identically and after the same scrypt work.
 */
export async function signIn(db: Kysely<ServerDatabase>, input: SignInRequest): Promise<SignInResponse> {
  const email = input.email.trim().toLowerCase();
  const row = await db
    .selectFrom('users')
    .select([...USER_COLUMNS, 'password_hash'])
    .where('email', '=', email)
    .executeTakeFirst();
  if (!row) {
    await burnPasswordCheck(input.password);
    throw invalidCredentials();
  }
  const matches = await verifyPassword(input.password, row.password_hash);
  if (!matches || !row.active) throw invalidCredentials();

  const token = newSessionToken();
  const now = new Date();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await db.transaction().execute(async (trx) => {
    // Housekeeping: this user's expired sessions are dead weight.
    await trx.deleteFrom('sessions').where('user_id', '=', row.id).where('expires_at', '<=', now).execute();
    await trx
      .insertInto('sessions')
      .values({ token_hash: hashSessionToken(token), user_id: row.id, expires_at: expiresAt, last_seen_at: now })
      .execute();
  });
  const { password_hash: _hash, ...user } = row;
  return { token, expiresAt: expiresAt.toISOString(), user: toUser(user) };
}

/**
 * Sessions that just ended: one (sign-out) or all of a user's (deactivated,
 * new password). Whatever was opened with them (live sockets) closes too.
 */
export type EndedSessions = { tokenHash: string } | { userId: string };
export type OnSessionsEnded = (ended: EndedSessions) => void;

/** Revokes one session (sign-out). */
export async function signOut(db: Kysely<ServerDatabase>, tokenHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
}

/** The signed-in user with their team, region and the teams they manage. */
export async function describeMe(db: Kysely<ServerDatabase>, user: UserRow): Promise<MeResponse> {
  const team = user.team_id
    ? await db.selectFrom('teams').selectAll().where('id', '=', user.team_id).executeTakeFirst()
    : undefined;
  const regionId = user.region_id ?? team?.region_id ?? null;
  const region = regionId ? await db.selectFrom('regions').selectAll().where('id', '=', regionId).executeTakeFirst() : undefined;
  const managed = managesTeams(user.role)
    ? await db.selectFrom('team_managers').select('team_id').where('user_id', '=', user.id).orderBy('team_id').execute()
    : [];
  return {
    user: toUser(user),
    team: team ? toTeam(team) : null,
    region: region ? toRegion(region) : null,
    managedTeamIds: managed.map((m) => m.team_id),
  };
}
