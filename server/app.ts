import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { LoggerOptions } from 'pino';
import type { ServerDatabase } from './db/schema';
import { frameworkErrorHandler, installErrorHandling, writeClientError } from './http/error-handler';
import { installGracefulClose } from './http/graceful-close';
import { serverLoggerOptions, REDACT_PATHS } from './logging';
import { authRoutes, DEFAULT_SIGN_IN_LIMITS, type SignInLimits } from './modules/auth/auth.routes';
import type { OnSessionsEnded } from './modules/auth/auth.service';
import { healthRoutes } from './modules/health/health.routes';
import { teamsRoutes } from './modules/teams/teams.routes';
import { usersRoutes } from './modules/users/users.routes';

export interface BuildAppOptions {
  db: Kysely<ServerDatabase>;
  store: 'postgres' | 'pglite';
  version: string;
  /**
   * pino options (redaction is added) or a ready logger instance (see
   * createServerLogger). Omitted or false: no logs, as in most tests.
   */
  logger?: LoggerOptions | FastifyBaseLogger | boolean;
  /** Sign-in rate limits; defaults to DEFAULT_SIGN_IN_LIMITS. */
  signInLimits?: Partial<SignInLimits>;
  /** Called with the change-log seq after a commit outside the sync routes (user admin), to poke cockpits. */
  onCommit?: (seq: number) => void;
  /** Called when sessions end (sign-out, deactivation, new password), to close what was opened with them. */
  onSessionsEnded?: OnSessionsEnded;
}

function isLoggerInstance(value: unknown): value is FastifyBaseLogger {
  return typeof value === 'object' && value !== null && typeof (value as { child?: unknown }).child === 'function';
}

function loggerSettings(logger: BuildAppOptions['logger']): { logger?: LoggerOptions | boolean; loggerInstance?: FastifyBaseLogger } {
  if (isLoggerInstance(logger)) return { loggerInstance: logger };
  if (logger === true) return { logger: serverLoggerOptions() };
  if (!logger) return { logger: false };
  const redact = Array.isArray(logger.redact) ? logger.redact : (logger.redact?.paths ?? []);
  return { logger: { ...serverLoggerOptions(), ...logger, redact: { paths: [...REDACT_PATHS, ...redact], censor: '[redacted]' } } };
}

/**
 * The team server's HTTP app: health, auth, users admin and teams. It does not
 * listen (start.ts does), so tests drive it with `inject`.
 */
export function buildApp(options: BuildAppOptions): FastifyInstance {
  const app = Fastify({
    ...loggerSettings(options.logger),
    // Clients reach the server directly; X-Forwarded-For is not trusted, so it cannot dodge the rate limits.
    trustProxy: false,
    bodyLimit: 1024 * 1024,
    // Requests refused before routing (bad percent-encoding) or by Node's parser (431) get the documented error body too.
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler(this: FastifyInstance, error, socket) {
      writeClientError(this.log, error, socket);
    },
  });
  installErrorHandling(app);
  // The API speaks JSON only: any other body type is 415, not a string handed to a JSON schema.
  app.removeContentTypeParser('text/plain');
  installGracefulClose(app);

  const { db, store, version } = options;
  const limits: SignInLimits = { ...DEFAULT_SIGN_IN_LIMITS, ...options.signInLimits };
  // Only sign-in is limited (through createRateLimit), so no global hook.
  app.register(rateLimit, { global: false });
  app.register(healthRoutes, { db, store, version });
  const { onCommit, onSessionsEnded } = options;
  app.register(authRoutes, { db, limits, ...(onSessionsEnded ? { onSessionsEnded } : {}) });
  app.register(usersRoutes, { db, ...(onCommit ? { onCommit } : {}), ...(onSessionsEnded ? { onSessionsEnded } : {}) });
  app.register(teamsRoutes, { db });
  return app;
}
