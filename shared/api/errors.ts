import { z } from 'zod';

/**
 * Error codes shared by the HTTP API and the IPC contract. Every failure that
 * crosses a boundary carries one of these, never a stack trace.
 */
export const ERROR_CODES = [
  'bad_request',
  'payload_too_large',
  'unsupported_media_type',
  'headers_too_large',
  'uri_too_long',
  'request_timeout',
  'unauthenticated',
  'invalid_credentials',
  'forbidden',
  'not_found',
  'conflict',
  'rate_limited',
  'unavailable',
  'server_unreachable',
  'internal',
] as const;
export const ErrorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const ErrorInfoSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  /** Input fields the error is about, e.g. ["email"]. */
  fields: z.array(z.string()).optional(),
});
export type ErrorInfo = z.infer<typeof ErrorInfoSchema>;

/** The JSON body of every non-2xx HTTP response. */
export const ErrorBodySchema = z.object({ error: ErrorInfoSchema });
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** HTTP status for each code; one place so server and clients agree. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  headers_too_large: 431,
  uri_too_long: 414,
  request_timeout: 408,
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
  server_unreachable: 502,
  internal: 500,
};

/** A failure with a code, thrown inside services and turned into data at the boundary. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fields: string[] | undefined;
  constructor(code: ErrorCode, message: string, fields?: string[]) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.fields = fields;
  }
  toInfo(): ErrorInfo {
    return this.fields ? { code: this.code, message: this.message, fields: this.fields } : { code: this.code, message: this.message };
  }
}

/** Collects the offending paths of a zod error into a readable message and field list. */
export function describeZodError(error: z.ZodError): { message: string; fields: string[] } {
  const fields = [...new Set(error.issues.map((i) => i.path.join('.') || '(root)'))];
  const message = error.issues
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
  return { message, fields };
}
