import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { Role } from '../../shared/domain/enums';
import type { ServerDatabase } from '../../server/db/schema';
import { hashPassword } from '../../server/modules/auth/password';

/** Shared by the server tests: rows written straight to the store, and sign-in through the API. */

export interface UserFixture {
  id: string;
  email: string;
  password: string;
}

export async function insertUser(
  db: Kysely<ServerDatabase>,
  input: { email: string; password?: string; role?: Role; active?: boolean; teamId?: string | null; regionId?: string | null; name?: string },
): Promise<UserFixture> {
  const id = randomUUID();
  const password = input.password ?? 'correct horse battery';
  await db
    .insertInto('users')
    .values({
      id,
      email: input.email.toLowerCase(),
      display_name: input.name ?? input.email.split('@')[0] ?? 'user',
      role: input.role ?? 'rep',
      team_id: input.teamId ?? null,
      region_id: input.regionId ?? null,
      password_hash: await hashPassword(password),
      active: input.active ?? true,
      updated_at: new Date(),
    })
    .execute();
  return { id, email: input.email.toLowerCase(), password };
}

export async function insertRegionAndTeam(
  db: Kysely<ServerDatabase>,
  ids: { regionId: string; teamId: string; regionName?: string; teamName?: string },
): Promise<void> {
  await db.insertInto('regions').values({ id: ids.regionId, name: ids.regionName ?? `Region ${ids.regionId}` }).execute();
  await db.insertInto('teams').values({ id: ids.teamId, name: ids.teamName ?? `Team ${ids.teamId}`, region_id: ids.regionId }).execute();
}

/** Signs in through the API and returns the bearer token (throws on failure). */
export async function signIn(app: FastifyInstance, email: string, password: string): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { email, password } });
  if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.statusCode} ${response.body}`);
  return (response.json() as { token: string }).token;
}

export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}
