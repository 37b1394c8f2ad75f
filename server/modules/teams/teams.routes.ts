import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { TeamListResponse } from '../../../shared/api/http';
import type { ServerDatabase } from '../../db/schema';
import { authenticate } from '../../http/auth-guard';
import { toRegion, toTeam } from '../row-mappers';

/** Regions and teams with their managers; any signed-in user may read them. */
export async function teamsRoutes(app: FastifyInstance, options: { db: Kysely<ServerDatabase> }): Promise<void> {
  const { db } = options;
  app.get('/api/teams', async (request): Promise<TeamListResponse> => {
    await authenticate(db, request);
    const [regions, teams, managers] = await Promise.all([
      db.selectFrom('regions').selectAll().orderBy('name').execute(),
      db.selectFrom('teams').selectAll().orderBy('name').orderBy('id').execute(),
      db.selectFrom('team_managers').selectAll().orderBy('user_id').execute(),
    ]);
    return {
      regions: regions.map(toRegion),
      teams: teams.map((team) => ({
        ...toTeam(team),
        managerIds: managers.filter((m) => m.team_id === team.id).map((m) => m.user_id),
      })),
    };
  });
}
