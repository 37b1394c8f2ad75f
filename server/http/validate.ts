import type { z } from 'zod';
import { AppError, describeZodError } from '../../shared/api/errors';

/**
 * Parses untrusted input (body, query, params) with a shared schema.
 * Failure is a 400 `bad_request` naming the offending fields, prefixed with
 * where they came from only in the message, so `fields` match the schema keys.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'params'): z.output<S> {
  const result = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (result.success) return result.data;
  const { message, fields } = describeZodError(result.error);
  throw new AppError('bad_request', `Invalid ${where}: ${message}`, fields);
}
