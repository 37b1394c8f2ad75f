import type { Selectable } from 'kysely';
import type { Region, Team, User } from '../../shared/domain/entities';
import type { RegionsTable, TeamsTable, UsersTable } from '../db/schema';

/**
 * The one place where database rows (snake_case, Date) become the shared API
 * types (camelCase, ISO strings). Routes never hand rows to clients directly,
 * so a column like password_hash cannot leak by accident.
 */

export type UserRow = Pick<
  Selectable<UsersTable>,
  'id' | 'email' | 'display_name' | 'role' | 'team_id' | 'region_id' | 'active'
>;

/** Columns to select for `toUser` (never password_hash). */
export const USER_COLUMNS = ['id', 'email', 'display_name', 'role', 'team_id', 'region_id', 'active'] as const;

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    teamId: row.team_id,
    regionId: row.region_id,
    active: row.active,
  };
}

export function toTeam(row: Selectable<TeamsTable>): Team {
  return { id: row.id, name: row.name, regionId: row.region_id };
}

export function toRegion(row: Selectable<RegionsTable>): Region {
  return { id: row.id, name: row.name };
}
