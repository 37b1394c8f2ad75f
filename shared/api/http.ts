import { z } from 'zod';
import { EmailSchema, IdSchema, RegionSchema, TeamSchema, TimestampSchema, UserSchema } from '../domain/entities';
import { RoleSchema } from '../domain/enums';
import { SafeTextSchema } from '../domain/text';

/**
 * The team server's HTTP API: one schema per request and response, used by the
 * server to validate and by the cockpit to parse what it receives.
 */

export const PasswordSchema = SafeTextSchema.min(8, 'at least 8 characters').max(200);

export const SignInRequestSchema = z.object({
  email: EmailSchema,
  password: SafeTextSchema.min(1).max(200),
});
export type SignInRequest = z.infer<typeof SignInRequestSchema>;

export const SignInResponseSchema = z.object({
  token: z.string().min(32),
  expiresAt: TimestampSchema,
  user: UserSchema,
});
export type SignInResponse = z.infer<typeof SignInResponseSchema>;

export const MeResponseSchema = z.object({
  user: UserSchema,
  team: TeamSchema.nullable(),
  region: RegionSchema.nullable(),
  /** Teams this user manages (managers), empty otherwise. */
  managedTeamIds: z.array(IdSchema),
});
export type MeResponse = z.infer<typeof MeResponseSchema>;

export const CreateUserRequestSchema = z.object({
  email: EmailSchema,
  password: PasswordSchema,
  displayName: SafeTextSchema.trim().min(1).max(100),
  role: RoleSchema,
  teamId: IdSchema.nullable().optional(),
  regionId: IdSchema.nullable().optional(),
});
export type CreateUserRequest = z.infer<typeof CreateUserRequestSchema>;

export const UpdateUserRequestSchema = z
  .object({
    displayName: SafeTextSchema.trim().min(1).max(100),
    role: RoleSchema,
    teamId: IdSchema.nullable(),
    regionId: IdSchema.nullable(),
    active: z.boolean(),
    password: PasswordSchema,
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to update' });
export type UpdateUserRequest = z.infer<typeof UpdateUserRequestSchema>;

export const UserListQuerySchema = z.object({
  role: RoleSchema.optional(),
  teamId: IdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
export type UserListQuery = z.infer<typeof UserListQuerySchema>;

export const UserListResponseSchema = z.object({ users: z.array(UserSchema), total: z.number().int() });
export type UserListResponse = z.infer<typeof UserListResponseSchema>;

export const UserResponseSchema = z.object({ user: UserSchema });
export type UserResponse = z.infer<typeof UserResponseSchema>;

export const TeamListResponseSchema = z.object({
  regions: z.array(RegionSchema),
  teams: z.array(TeamSchema.extend({ managerIds: z.array(IdSchema) })),
});
export type TeamListResponse = z.infer<typeof TeamListResponseSchema>;

export const HealthResponseSchema = z.object({
  status: z.literal('ok'),
  version: z.string(),
  store: z.enum(['postgres', 'pglite']),
});
export type HealthResponse = z.infer<typeof HealthResponseSchema>;
