import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import {
  CreateUserRequestSchema,
  UpdateUserRequestSchema,
  UserListQuerySchema,
  type UserListResponse,
  type UserResponse,
} from '../../../shared/api/http';
import { IdSchema } from '../../../shared/domain/entities';
import type { ServerDatabase } from '../../db/schema';
import type { OnSessionsEnded } from '../auth/auth.service';
import { authenticate, requireRole } from '../../http/auth-guard';
import { parseInput } from '../../http/validate';
import { createUser, listUsers, updateUser, type OnUserCommit } from './users.service';

const UserIdParamsSchema = z.object({ id: IdSchema });

/** User administration; admins only. */
export async function usersRoutes(
  app: FastifyInstance,
  options: { db: Kysely<ServerDatabase>; onCommit?: OnUserCommit; onSessionsEnded?: OnSessionsEnded },
): Promise<void> {
  const { db, onCommit, onSessionsEnded } = options;

  app.get('/api/users', async (request): Promise<UserListResponse> => {
    requireRole(await authenticate(db, request), 'admin');
    const query = parseInput(UserListQuerySchema, request.query, 'query');
    return listUsers(db, query);
  });

  app.post('/api/users', async (request, reply) => {
    const actor = await authenticate(db, request);
    requireRole(actor, 'admin');
    const input = parseInput(CreateUserRequestSchema, request.body, 'body');
    const user = await createUser(db, input, onCommit);
    request.log.info({ userId: user.id, by: actor.user.id }, 'user created');
    const response: UserResponse = { user };
    return reply.status(201).send(response);
  });

  app.patch('/api/users/:id', async (request): Promise<UserResponse> => {
    const actor = await authenticate(db, request);
    requireRole(actor, 'admin');
    const { id } = parseInput(UserIdParamsSchema, request.params, 'params');
    const patch = parseInput(UpdateUserRequestSchema, request.body, 'body');
    const user = await updateUser(db, id, patch, actor.user.id, onCommit, (userId) => onSessionsEnded?.({ userId }));
    request.log.info({ userId: id, by: actor.user.id, changed: Object.keys(patch) }, 'user updated');
    return { user };
  });
}
