import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { AppError } from '../../../shared/api/errors';
import { SignInRequestSchema, type MeResponse, type SignInResponse } from '../../../shared/api/http';
import type { ServerDatabase } from '../../db/schema';
import { authenticate } from '../../http/auth-guard';
import { parseInput } from '../../http/validate';
import { describeMe, signIn, signOut, type OnSessionsEnded } from './auth.service';

export interface SignInLimits {
  /** Attempts per client IP and email address in one window. */
  perIpAndEmail: number;
  /** Attempts per client IP across all emails in one window. */
  perIp: number;
  windowMs: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = { perIpAndEmail: 10, perIp: 50, windowMs: 60_000 };

function emailOf(request: FastifyRequest): string {
  const email = (request.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? email.trim().toLowerCase().slice(0, 254) : '';
}

/**
 * Sign-in, sign-out and "who am I". Sign-in is rate limited twice: tightly per
 * IP+email (guessing one account's password) and loosely per IP (spraying many
 * accounts). The limiters run before the password check, so a blocked attempt
 * costs no scrypt work.
 */
export async function authRoutes(
  app: FastifyInstance,
  options: { db: Kysely<ServerDatabase>; limits: SignInLimits; onSessionsEnded?: OnSessionsEnded },
): Promise<void> {
  const { db, limits, onSessionsEnded } = options;
  const perIpAndEmail = app.createRateLimit({
    max: limits.perIpAndEmail,
    timeWindow: limits.windowMs,
    keyGenerator: (request) => `sign-in|${request.ip}|${emailOf(request)}`,
  });
  const perIp = app.createRateLimit({
    max: limits.perIp,
    timeWindow: limits.windowMs,
    keyGenerator: (request) => `sign-in|${request.ip}`,
  });

  app.post(
    '/api/auth/sign-in',
    {
      preHandler: async (request, reply) => {
        for (const limiter of [perIp, perIpAndEmail]) {
          const result = await limiter(request);
          if (!result.isAllowed && result.isExceeded) {
            reply.header('retry-after', String(result.ttlInSeconds));
            request.log.warn({ key: result.key }, 'sign-in rate limited');
            throw new AppError('rate_limited', `Too many sign-in attempts; try again in ${result.ttlInSeconds} s`);
          }
        }
      },
    },
    async (request): Promise<SignInResponse> => {
      const input = parseInput(SignInRequestSchema, request.body, 'body');
      const result = await signIn(db, input);
      request.log.info({ userId: result.user.id }, 'signed in');
      return result;
    },
  );

  app.post('/api/auth/sign-out', async (request, reply) => {
    const actor = await authenticate(db, request);
    await signOut(db, actor.tokenHash);
    onSessionsEnded?.({ tokenHash: actor.tokenHash });
    return reply.status(204).send();
  });

  app.get('/api/me', async (request): Promise<MeResponse> => {
    const actor = await authenticate(db, request);
    return describeMe(db, actor.user);
  });
}
