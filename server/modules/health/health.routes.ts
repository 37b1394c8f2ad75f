import type { FastifyInstance } from 'fastify';
import { sql, type Kysely } from 'kysely';
import { AppError } from '../../../shared/api/errors';
import type { HealthResponse } from '../../../shared/api/http';
import type { ServerDatabase } from '../../db/schema';

/** Liveness plus a trivial query, so a dead store shows as 503 to load balancers. */
export async function healthRoutes(
  app: FastifyInstance,
  options: { db: Kysely<ServerDatabase>; store: 'postgres' | 'pglite'; version: string },
): Promise<void> {
  const { db, store, version } = options;
  app.get('/healthz', async (request): Promise<HealthResponse> => {
    try {
      await sql`select 1`.execute(db);
    } catch (error) {
      request.log.error({ err: error }, 'health check: store unavailable');
      throw new AppError('unavailable', 'The data store is unavailable');
    }
    return { status: 'ok', version, store };
  });
}
