import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { AppError } from '../../shared/api/errors';
import type { Role } from '../../shared/domain/enums';
import type { ServerDatabase } from '../db/schema';
import { hashSessionToken } from '../modules/auth/session-token';
import { USER_COLUMNS, type UserRow } from '../modules/row-mappers';

/** The signed-in caller of a request. */
export interface Actor {
  user: UserRow;
  /** sha256 of the bearer token; identifies the session to revoke on sign-out. */
  tokenHash: string;
  /** When the session expires; a live socket opened with it closes then. */
  expiresAt: Date;
}

const BEARER = /^Bearer\s+([A-Za-z0-9_-]{16,256})$/i;
// Writing last_seen_at on every request would turn reads into writes; once in a while is enough.
const LAST_SEEN_RESOLUTION_MS = 5 * 60 * 1000;

function unauthenticated(): AppError {
  return new AppError('unauthenticated', 'Sign in to continue');
}

/** Resolves `Authorization: Bearer <token>` to an active user with a live session, or throws 401. */
export async function authenticate(db: Kysely<ServerDatabase>, request: FastifyRequest): Promise<Actor> {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? BEARER.exec(header.trim()) : null;
  if (!match?.[1]) throw unauthenticated();
  const tokenHash = hashSessionToken(match[1]);
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(USER_COLUMNS.map((c) => `users.${c}` as const))
    .select(['sessions.expires_at', 'sessions.last_seen_at'])
    .where('sessions.token_hash', '=', tokenHash)
    .executeTakeFirst();
  const now = Date.now();
  if (!row || !row.active || row.expires_at.getTime() <= now) throw unauthenticated();
  if (now - row.last_seen_at.getTime() > LAST_SEEN_RESOLUTION_MS) {
    await db.updateTable('sessions').set({ last_seen_at: new Date(now) }).where('token_hash', '=', tokenHash).execute();
  }
  const { expires_at: expiresAt, last_seen_at: _l, ...user } = row;
  return { user, tokenHash, expiresAt };
}

/** Throws 403 unless the actor has one of `roles`. */
export function requireRole(actor: Actor, ...roles: Role[]): void {
  if (!roles.includes(actor.user.role)) {
    throw new AppError('forbidden', `This needs the ${roles.join(' or ')} role`);
  }
}
