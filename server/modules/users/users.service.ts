import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { CreateUserRequest, UpdateUserRequest, UserListQuery, UserListResponse } from '../../../shared/api/http';
import { AppError } from '../../../shared/api/errors';
import type { User } from '../../../shared/domain/entities';
import type { ServerDatabase } from '../../db/schema';
import { recordUserMove } from '../../sync/followers';
import { recordUserChange } from '../../sync/write-path';
import { hashPassword } from '../auth/password';
import { FOREIGN_KEY_VIOLATION, sqlState, UNIQUE_VIOLATION } from '../db-errors';
import { toUser, USER_COLUMNS } from '../row-mappers';

type Db = Kysely<ServerDatabase> | Transaction<ServerDatabase>;

function duplicateEmail(email: string): AppError {
  return new AppError('conflict', `A user with email ${email} already exists`, ['email']);
}

/**
 * Checks team and region exist and agree; a team member's region defaults to
 * the team's region. Returns the region to store.
 */
async function resolvePlacement(db: Db, teamId: string | null, regionId: string | null | undefined): Promise<string | null> {
  if (teamId !== null) {
    const team = await db.selectFrom('teams').select('region_id').where('id', '=', teamId).executeTakeFirst();
    if (!team) throw new AppError('bad_request', `No team with id ${teamId}`, ['teamId']);
    if (regionId === undefined) return team.region_id;
    if (regionId !== null && regionId !== team.region_id) {
      throw new AppError('bad_request', "regionId does not match the team's region", ['regionId']);
    }
  }
  if (regionId) {
    const region = await db.selectFrom('regions').select('id').where('id', '=', regionId).executeTakeFirst();
    if (!region) throw new AppError('bad_request', `No region with id ${regionId}`, ['regionId']);
  }
  return regionId ?? null;
}

function mapWriteError(error: unknown, email: string): unknown {
  const state = sqlState(error);
  if (state === UNIQUE_VIOLATION) return duplicateEmail(email);
  // A team or region deleted between the check and the write.
  if (state === FOREIGN_KEY_VIOLATION) return new AppError('bad_request', 'Team or region does not exist', ['teamId', 'regionId']);
  return error;
}

/** After a user write commits: its change-log seq, so open cockpits can be poked. */
export type OnUserCommit = (seq: number) => void;

/** Creates a user; the email is stored lower-cased and must be unused (409 otherwise). */
export async function createUser(db: Kysely<ServerDatabase>, input: CreateUserRequest, onCommit?: OnUserCommit): Promise<User> {
  const email = input.email.trim().toLowerCase();
  const existing = await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
  if (existing) throw duplicateEmail(email);
  const teamId = input.teamId ?? null;
  const regionId = await resolvePlacement(db, teamId, input.regionId);
  const passwordHash = await hashPassword(input.password);
  try {
    const { user, seq } = await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('users')
        .values({
          id: randomUUID(),
          email,
          display_name: input.displayName,
          role: input.role,
          team_id: teamId,
          region_id: regionId,
          password_hash: passwordHash,
          updated_at: new Date(),
        })
        .returning(USER_COLUMNS)
        .executeTakeFirstOrThrow();
      const user = toUser(row);
      return { user, seq: await recordUserChange(trx, user) };
    });
    onCommit?.(seq);
    return user;
  } catch (error) {
    throw mapWriteError(error, email);
  }
}

/**
 * Applies a partial update. Deactivating a user or setting a new password
 * revokes all their sessions in the same transaction, so a stolen token or a
 * departed employee loses access at once.
 */
export async function updateUser(
  db: Kysely<ServerDatabase>,
  id: string,
  patch: UpdateUserRequest,
  actorId: string,
  onCommit?: OnUserCommit,
  /** After a commit that revoked the user's sessions, with their id. */
  onSessionsRevoked?: (userId: string) => void,
): Promise<User> {
  // Guard against an admin locking themselves out.
  if (id === actorId && patch.active === false) {
    throw new AppError('bad_request', 'You cannot deactivate your own account', ['active']);
  }
  if (id === actorId && patch.role !== undefined && patch.role !== 'admin') {
    throw new AppError('bad_request', 'You cannot remove your own admin role', ['role']);
  }
  const passwordHash = patch.password === undefined ? undefined : await hashPassword(patch.password);
  let revoked = false;
  const { user, seq } = await db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('users').select(USER_COLUMNS).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!current) throw new AppError('not_found', `No user with id ${id}`);
    const teamId = patch.teamId === undefined ? current.team_id : patch.teamId;
    const placementChanged = patch.teamId !== undefined || patch.regionId !== undefined;
    // Moving to a team without naming a region: the region follows the new team.
    // Leaving a team (teamId null) keeps the stored region.
    const regionRequest = patch.regionId !== undefined ? patch.regionId : patch.teamId ? undefined : current.region_id;
    const regionId = placementChanged ? await resolvePlacement(trx, teamId, regionRequest) : current.region_id;
    try {
      const row = await trx
        .updateTable('users')
        .set({
          display_name: patch.displayName ?? current.display_name,
          role: patch.role ?? current.role,
          team_id: teamId,
          region_id: regionId,
          active: patch.active ?? current.active,
          ...(passwordHash ? { password_hash: passwordHash } : {}),
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .returning(USER_COLUMNS)
        .executeTakeFirstOrThrow();
      if (patch.active === false || passwordHash) {
        await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
        revoked = true;
      }
      const user = toUser(row);
      await recordUserMove(trx, id, current.region_id, user.regionId);
      return { user, seq: await recordUserChange(trx, user) };
    } catch (error) {
      throw mapWriteError(error, current.email);
    }
  });
  onCommit?.(seq);
  if (revoked) onSessionsRevoked?.(id);
  return user;
}

/** A page of users ordered by name, with the total matching the filters. */
export async function listUsers(db: Kysely<ServerDatabase>, query: UserListQuery): Promise<UserListResponse> {
  let filtered = db.selectFrom('users');
  if (query.role) filtered = filtered.where('role', '=', query.role);
  if (query.teamId) filtered = filtered.where('team_id', '=', query.teamId);
  const [rows, count] = await Promise.all([
    filtered.select(USER_COLUMNS).orderBy('display_name').orderBy('id').limit(query.limit).offset(query.offset).execute(),
    filtered.select((eb) => eb.fn.countAll<string | number | bigint>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return { users: rows.map(toUser), total: Number(count.total) };
}
