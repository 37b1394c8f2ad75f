import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { z } from 'zod';
import { ErrorBodySchema } from '../../shared/api/errors';
import {
  PullResponseSchema,
  PushResponseSchema,
  SnapshotManifestSchema,
  SyncResetSchema,
  SYNC_PROTOCOL_VERSION,
  SYNC_SCHEMA_VERSION,
  UpgradeRequiredSchema,
  type PullResponse,
  type PushedMutation,
  type PushResponse,
  type SnapshotManifest,
  type SyncReset,
} from '../../shared/sync/protocol';

/** Why a sync call failed, as the engine needs to react to it. */
export type SyncFailure =
  | { kind: 'offline'; message: string }
  | { kind: 'unavailable'; message: string; retryAfterMs: number | null }
  | { kind: 'upgrade_required'; message: string }
  | { kind: 'reset'; reset: SyncReset['reset']; message: string }
  | { kind: 'unauthenticated'; message: string }
  | { kind: 'refused'; status: number; code: string; message: string };

export class SyncHttpError extends Error {
  readonly failure: SyncFailure;
  constructor(failure: SyncFailure) {
    super(failure.message);
    this.name = 'SyncHttpError';
    this.failure = failure;
  }
}

export type FetchFn = typeof fetch;

/** The cockpit's side of the sync endpoints; every response is parsed with the shared schemas. */
export class SyncHttp {
  constructor(
    private readonly opts: { serverUrl: string; token: () => Promise<string | null>; locale: () => string; clientId: string; fetch?: FetchFn },
  ) {}

  get serverUrl(): string {
    return this.opts.serverUrl;
  }

  async #request(path: string, init: RequestInit = {}): Promise<Response> {
    const token = await this.opts.token();
    if (!token) throw new SyncHttpError({ kind: 'unauthenticated', message: 'Signed out' });
    const fetchFn = this.opts.fetch ?? fetch;
    let response: Response;
    try {
      response = await fetchFn(new URL(path, this.opts.serverUrl), {
        ...init,
        headers: { ...(init.headers ?? {}), authorization: `Bearer ${token}`, 'accept-language': this.opts.locale() },
        signal: init.signal ?? AbortSignal.timeout(60_000),
      });
    } catch (error) {
      throw new SyncHttpError({ kind: 'offline', message: `Cannot reach ${this.opts.serverUrl}: ${(error as Error).message}` });
    }
    if (response.ok) return response;
    const body: unknown = await response.json().catch(() => null);
    if (response.status === 426) {
      const parsed = UpgradeRequiredSchema.safeParse(body);
      throw new SyncHttpError({ kind: 'upgrade_required', message: parsed.success ? parsed.data.error.message : 'Update Verity' });
    }
    if (response.status === 409) {
      const reset = SyncResetSchema.safeParse(body);
      if (reset.success) throw new SyncHttpError({ kind: 'reset', reset: reset.data.reset, message: reset.data.message });
    }
    const error = ErrorBodySchema.safeParse(body);
    const message = error.success
      ? error.data.error.message
      : response.status === 404
        ? `The team server at ${this.opts.serverUrl} does not offer sync (is it an older Verity server?)`
        : `The team server at ${this.opts.serverUrl} answered ${response.status}`;
    if (response.status === 401) throw new SyncHttpError({ kind: 'unauthenticated', message });
    if (response.status === 503 || response.status === 502 || response.status === 504) {
      const retryAfter = Number(response.headers.get('retry-after'));
      throw new SyncHttpError({ kind: 'unavailable', message, retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : null });
    }
    throw new SyncHttpError({ kind: 'refused', status: response.status, code: error.success ? error.data.error.code : 'internal', message });
  }

  async #json<S extends z.ZodType>(schema: S, path: string, init?: RequestInit): Promise<z.output<S>> {
    const response = await this.#request(path, init);
    const parsed = schema.safeParse(await response.json());
    if (!parsed.success) throw new SyncHttpError({ kind: 'refused', status: 200, code: 'internal', message: `Unexpected reply from ${path}` });
    return parsed.data;
  }

  #versions(): string {
    return `protocolVersion=${SYNC_PROTOCOL_VERSION}&schemaVersion=${SYNC_SCHEMA_VERSION}&clientId=${this.opts.clientId}`;
  }

  push(mutations: PushedMutation[]): Promise<PushResponse> {
    return this.#json(PushResponseSchema, '/sync/push', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ protocolVersion: SYNC_PROTOCOL_VERSION, schemaVersion: SYNC_SCHEMA_VERSION, clientId: this.opts.clientId, mutations }),
    });
  }

  pull(cursor: number, limit = 1000): Promise<PullResponse> {
    return this.#json(PullResponseSchema, `/sync/pull?${this.#versions()}&cursor=${cursor}&limit=${limit}`);
  }

  manifest(): Promise<SnapshotManifest> {
    return this.#json(SnapshotManifestSchema, `/sync/snapshot?${this.#versions()}`);
  }

  /** One snapshot part as a byte stream (gzip). */
  async part(manifest: SnapshotManifest, p: SnapshotManifest['parts'][number]): Promise<Readable> {
    const range = `${p.after ? `&after=${encodeURIComponent(p.after)}` : ''}${p.until ? `&until=${encodeURIComponent(p.until)}` : ''}`;
    const response = await this.#request(
      `/sync/snapshot/${p.entity}/${p.part}?${this.#versions()}&snapshotSeq=${manifest.snapshotSeq}&of=${p.of}${range}`,
      { signal: AbortSignal.timeout(15 * 60_000) },
    );
    if (!response.body) throw new SyncHttpError({ kind: 'refused', status: 200, code: 'internal', message: 'empty snapshot part' });
    return Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>);
  }

  /** URL and headers of the live socket. */
  async liveTarget(): Promise<{ url: string; headers: Record<string, string> } | null> {
    const token = await this.opts.token();
    if (!token) return null;
    const url = new URL(`/sync/live?clientId=${this.opts.clientId}`, this.opts.serverUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return { url: url.toString(), headers: { authorization: `Bearer ${token}` } };
  }
}
