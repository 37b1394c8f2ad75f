import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, HTTP_STATUS, type ErrorBody } from '../../shared/api/errors';

function body(error: AppError): ErrorBody {
  return { error: error.toInfo() };
}

function isClientError(error: unknown): error is FastifyError {
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * Every failure leaves as JSON `{error:{code,message,fields?}}` with the status
 * from HTTP_STATUS. Fastify's own 4xx (malformed JSON, wrong content type, body
 * too large) become `bad_request`; anything unexpected is logged and becomes a
 * bare `internal`: no stack or driver message reaches the client.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    let appError: AppError;
    if (error instanceof AppError) {
      appError = error;
    } else if (isClientError(error)) {
      appError = new AppError('bad_request', error.message);
    } else {
      request.log.error({ err: error }, 'unhandled error');
      appError = new AppError('internal', 'Internal server error');
    }
    return reply.status(HTTP_STATUS[appError.code]).type('application/json').send(body(appError));
  });

  app.setNotFoundHandler((request, reply) => {
    const error = new AppError('not_found', `No route for ${request.method} ${request.url.split('?')[0]}`);
    return reply.status(HTTP_STATUS.not_found).send(body(error));
  });
}
