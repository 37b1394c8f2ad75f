import type { z } from 'zod';
import {
  HealthResponseSchema,
  MeResponseSchema,
  SignInResponseSchema,
  TeamListResponseSchema,
  type TeamListResponse,
  type HealthResponse,
  type MeResponse,
  type SignInRequest,
  type SignInResponse,
} from '../../shared/api/http';
import { AppError, ErrorBodySchema, type ErrorCode } from '../../shared/api/errors';

export type FetchFn = typeof fetch;

export interface TeamServerClientOptions {
  fetch?: FetchFn;
  /** Per-request time limit; a silent server is reported as unreachable. */
  timeoutMs?: number;
}

/** Normalises a server URL to its base (no trailing slash), for joining paths. */
export function serverBase(serverUrl: string): string {
  const url = new URL(serverUrl);
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}

/** Status → code when a server answers an error without our JSON error body. */
function codeForStatus(status: number): ErrorCode {
  if (status === 400) return 'bad_request';
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'unavailable';
  return 'internal';
}

/**
 * The team server's HTTP API as the cockpit uses it. Every response is parsed
 * with the shared schemas; every failure becomes an AppError with a code.
 */
export class TeamServerClient {
  readonly #fetch: FetchFn;
  readonly #timeoutMs: number;

  constructor(options: TeamServerClientOptions = {}) {
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  async signIn(serverUrl: string, credentials: SignInRequest): Promise<SignInResponse> {
    try {
      return await this.#request(serverUrl, 'POST', '/api/auth/sign-in', SignInResponseSchema, { body: credentials });
    } catch (error) {
      // A bare 401 on sign-in can only mean the credentials were refused.
      if (error instanceof AppError && error.code === 'unauthenticated') {
        throw new AppError('invalid_credentials', 'Wrong email or password', ['email', 'password']);
      }
      throw error;
    }
  }

  me(serverUrl: string, token: string): Promise<MeResponse> {
    return this.#request(serverUrl, 'GET', '/api/me', MeResponseSchema, { token });
  }

  teams(serverUrl: string, token: string): Promise<TeamListResponse> {
    return this.#request(serverUrl, 'GET', '/api/teams', TeamListResponseSchema, { token });
  }

  async signOut(serverUrl: string, token: string): Promise<void> {
    await this.#request(serverUrl, 'POST', '/api/auth/sign-out', null, { token });
  }

  health(serverUrl: string, timeoutMs?: number): Promise<HealthResponse> {
    return this.#request(serverUrl, 'GET', '/healthz', HealthResponseSchema, { timeoutMs });
  }

  async #request<S extends z.ZodType>(
    serverUrl: string,
    method: 'GET' | 'POST',
    path: string,
    schema: S | null,
    options: { body?: unknown; token?: string; timeoutMs?: number | undefined },
  ): Promise<z.output<S>> {
    let base: string;
    try {
      base = serverBase(serverUrl);
    } catch {
      throw new AppError('bad_request', `Not a valid server URL: ${serverUrl}`, ['serverUrl']);
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;

    let response: Response;
    try {
      response = await this.#fetch(`${base}${path}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(options.timeoutMs ?? this.#timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      const why = error instanceof Error && error.name === 'TimeoutError' ? ' (no answer in time)' : '';
      throw new AppError('server_unreachable', `Cannot reach the team server at ${base}${why}`, ['serverUrl']);
    }

    const text = await response.text().catch(() => '');
    let json: unknown = undefined;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }

    if (!response.ok) {
      const body = ErrorBodySchema.safeParse(json);
      if (body.success) throw new AppError(body.data.error.code, body.data.error.message, body.data.error.fields);
      if (response.status === 404) {
        throw new AppError('server_unreachable', `${base} does not look like a Verity team server (404 on ${path})`, ['serverUrl']);
      }
      throw new AppError(codeForStatus(response.status), `The team server at ${base} answered ${response.status}`);
    }

    if (schema === null) return undefined as z.output<S>;
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new AppError('server_unreachable', `${base} did not answer like a Verity team server (${path})`, ['serverUrl']);
    }
    return parsed.data;
  }
}
