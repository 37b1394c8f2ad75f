import type { z } from 'zod';
import { AppError, describeZodError } from '../../shared/api/errors';
import { findUnstorable, UNSTORABLE_TEXT_MESSAGE } from '../../shared/domain/text';

/**
 * Parses untrusted input (body, query, params) with a shared schema.
 * Failure is a 400 `bad_request` naming the offending fields, prefixed with
 * where they came from only in the message, so `fields` match the schema keys.
 * Any string the store cannot hold (NUL, lone surrogates) is refused here,
 * wherever it sits, before the schema runs, so none reaches SQL; parts the
 * schema marks `checkedPerEntry` are left to their own check.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'params'): z.output<S> {
  const input = value ?? (where === 'body' ? undefined : {});
  const unstorable = findUnstorable(input, schema);
  if (unstorable !== null) throw new AppError('bad_request', `Invalid ${where}: ${unstorable}: ${UNSTORABLE_TEXT_MESSAGE}`, [unstorable]);
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const { message, fields } = describeZodError(result.error);
  throw new AppError('bad_request', `Invalid ${where}: ${message}`, fields);
}
