import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/**
 * Secrets never reach the logs: bearer tokens travel in the Authorization
 * header and passwords in request bodies; both are censored wherever a
 * serializer or a log call might put them.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'password',
  '*.password',
  'body.password',
  'req.body.password',
  'password_hash',
  '*.password_hash',
  'passwordHash',
  '*.passwordHash',
];

/** pino options shared by every server logger: JSON lines, ISO time, redaction. */
export function serverLoggerOptions(level = 'info'): LoggerOptions {
  return {
    level,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
}

/** A JSON-lines logger to `destination` (stdout by default). */
export function createServerLogger(level = 'info', destination?: DestinationStream): Logger {
  return destination ? pino(serverLoggerOptions(level), destination) : pino(serverLoggerOptions(level));
}
