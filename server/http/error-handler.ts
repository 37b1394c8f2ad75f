import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { AppError, HTTP_STATUS, type ErrorBody, type ErrorCode } from '../../shared/api/errors';

function body(error: AppError): ErrorBody {
  return { error: error.toInfo() };
}

function isClientError(error: unknown): error is FastifyError {
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** Fastify's own 4xx by status; any other 4xx of Fastify's (malformed JSON, empty body) is `bad_request`. */
const FRAMEWORK_CODES: Partial<Record<number, ErrorCode>> = {
  408: 'request_timeout',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  431: 'headers_too_large',
};

function sendError(reply: FastifyReply, error: AppError): FastifyReply {
  return reply.status(HTTP_STATUS[error.code]).type('application/json').send(body(error));
}

/**
 * Every failure leaves as JSON `{error:{code,message,fields?}}` with the status
 * from HTTP_STATUS. Fastify's own 4xx keep their status and get the matching
 * code; anything unexpected is logged and becomes a bare `internal`: no stack
 * or driver message reaches the client.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    let appError: AppError;
    if (error instanceof AppError) {
      appError = error;
    } else if (isClientError(error)) {
      appError = new AppError(FRAMEWORK_CODES[error.statusCode ?? 400] ?? 'bad_request', error.message);
    } else {
      request.log.error({ err: error }, 'unhandled error');
      appError = new AppError('internal', 'Internal server error');
    }
    return sendError(reply, appError);
  });

  app.setNotFoundHandler((request, reply) => {
    const error = new AppError('not_found', `No route for ${request.method} ${request.url.split('?')[0]}`);
    return sendError(reply, error);
  });
}

/**
 * Fastify's `frameworkErrors`: failures before routing, such as a path that is
 * not valid percent-encoding (`/%E0%A4%A`) or a path parameter over the length
 * limit. They get the same body as every other error.
 */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  request.log.info({ code: error.code }, 'request refused before routing');
  const code = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'uri_too_long' : (FRAMEWORK_CODES[error.statusCode ?? 400] ?? 'bad_request');
  const message = error.code === 'FST_ERR_BAD_URL' ? 'The URL is not valid percent-encoding' : error.message;
  void sendError(reply, new AppError(code, message));
}

/** What Node's HTTP parser rejected, as a status and code. */
function clientErrorCode(error: NodeJS.ErrnoException): ErrorCode {
  if (error.code === 'HPE_HEADER_OVERFLOW') return 'headers_too_large';
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'request_timeout';
  return 'bad_request';
}

const CLIENT_ERROR_MESSAGES: Partial<Record<ErrorCode, string>> = {
  headers_too_large: 'The request headers are too large',
  request_timeout: 'The request took too long to arrive',
  bad_request: 'Malformed HTTP request',
};

/**
 * Node's `clientError`: requests the HTTP parser refuses (headers over
 * maxHeaderSize, garbage on the wire, a request too slow to arrive) never reach
 * Fastify's routing, so the response is written to the socket here, with the
 * same JSON body, and the connection is closed.
 */
export function writeClientError(log: FastifyBaseLogger, error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const code = clientErrorCode(error);
  log.info({ code: error.code }, 'malformed HTTP request refused');
  if (socket.writable) {
    const status = HTTP_STATUS[code];
    const text = JSON.stringify(body(new AppError(code, CLIENT_ERROR_MESSAGES[code] ?? 'Malformed HTTP request')));
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
    );
  }
  socket.destroy();
}
