import { AppError } from '../../shared/api/errors';
import type { AttentionItem, SyncStatus } from '../../shared/ipc/contract';
import type { SyncEntity } from '../../shared/sync/protocol';
import type { LocalDb } from '../db/local-db';
import type { LocalActor } from '../sync/local-apply';
import { SESSION_ENDED_MESSAGE, SyncEngine, type EngineStatus } from '../sync/sync-engine';
import { SyncHttp, SyncHttpError, type FetchFn } from '../sync/sync-http';
import { SyncStore, syncFiles } from '../sync/sync-store';
import type { AppEvents } from './app-events';
import type { Logger } from './logger';
import type { ActiveSession, SessionService } from './session.service';

export interface SyncServiceDeps {
  local: LocalDb;
  dataDir: string;
  session: SessionService;
  events: AppEvents;
  log: Logger;
  /** The UI language, for messages of locally refused changes. */
  locale: () => string;
  fetch?: FetchFn | undefined;
  pollMs?: number | undefined;
}

const SIGNED_OUT: SyncStatus = { state: 'signed_out', pendingWrites: 0, needsAttention: 0, lastSyncedAt: null, message: null, bootstrap: null };

interface Current {
  key: string;
  userId: string;
  /** Who the user is now: replaced when `me` is refreshed (role, regions), so local rules follow a demotion. */
  active: ActiveSession;
  store: SyncStore;
  engine: SyncEngine;
}

/**
 * Runs the sync engine for whoever is signed in: attaches that user's cache
 * and outbox files to the local store, starts push/pull/live, and stops it on
 * sign-out. Another user's files are never attached at the same time.
 */
export class SyncService {
  readonly #deps: SyncServiceDeps;
  #current: Current | null = null;
  #status: SyncStatus = SIGNED_OUT;
  #switching: Promise<void> = Promise.resolve();

  constructor(deps: SyncServiceDeps) {
    this.#deps = deps;
  }

  status(): SyncStatus {
    return this.#status;
  }

  /** Follows the session: call on start and whenever it changes. */
  follow(): Promise<void> {
    this.#switching = this.#switching.then(() => this.#follow()).catch((error: unknown) => this.#deps.log.error('sync could not start', error));
    return this.#switching;
  }

  async #follow(): Promise<void> {
    const active = await this.#deps.session.active();
    const key = active ? `${active.serverUrl}\n${active.userId}` : null;
    if (this.#current && active && this.#current.key === key) {
      this.#current.active = active;
      return;
    }
    const old = this.#current;
    // Nobody may read the old user's cache from here on (see attachedUserId).
    this.#current = null;
    if (old) await old.engine.stop();
    // Synchronous from here: no query can run between detaching one cache and attaching the next.
    old?.store.detach();
    if (!active || !key) {
      const session = await this.#deps.session.get();
      const ended = session.status === 'signed_out' && session.reason === 'session_ended';
      this.#setStatus(ended ? { ...SIGNED_OUT, message: SESSION_ENDED_MESSAGE } : SIGNED_OUT);
      return;
    }
    this.#start(active, key);
  }

  /** Whose cache is attached right now (null while switching or signed out). */
  attachedUserId(): string | null {
    return this.#current?.userId ?? null;
  }

  #start(active: ActiveSession, key: string): void {
    const store = new SyncStore(this.#deps.local.sqlite, syncFiles(this.#deps.dataDir, active.serverUrl, active.userId));
    let current: Current | null = null;
    const now = (): ActiveSession => current?.active ?? active;
    const actor = (): LocalActor => ({
      locale: this.#deps.locale(),
      userId: now().userId,
      role: now().role,
      regionId: now().regionId,
      managedRegionIds: now().managedRegionIds,
    });
    // The token each request carried, so a 401 ends that session and never a newer one.
    let lastToken = active.token;
    const http = new SyncHttp({
      serverUrl: active.serverUrl,
      token: async () => {
        const token = (await this.#deps.session.active())?.token ?? null;
        if (token) lastToken = token;
        return token;
      },
      locale: this.#deps.locale,
      clientId: store.clientId(),
      ...(this.#deps.fetch ? { fetch: this.#deps.fetch } : {}),
    });
    const engine = new SyncEngine({
      store,
      http,
      actor,
      onStatus: (s) => this.#setStatus(toStatus(s)),
      onChanged: (c) => this.#deps.events.emit('data.changed', c),
      log: this.#deps.log,
      refreshIdentity: () => this.#refreshIdentity(key, (next) => {
        if (current) current.active = next;
      }),
      onUnauthenticated: () => {
        void this.#deps.session.expire(lastToken).catch((error: unknown) => this.#deps.log.error('could not end the refused session', error));
      },
      ...(this.#deps.pollMs ? { pollMs: this.#deps.pollMs } : {}),
    });
    current = { key, userId: active.userId, active, store, engine };
    this.#current = current;
    this.#setStatus(toStatus(engine.status()));
    engine.start();
  }

  /** Refreshes `me` for the engine; failures become the engine's own kinds (offline, signed out). */
  async #refreshIdentity(key: string, update: (active: ActiveSession) => void): Promise<void> {
    try {
      await this.#deps.session.refresh();
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      if (error.code === 'server_unreachable' || error.code === 'unavailable') throw new SyncHttpError({ kind: 'offline', message: error.message });
      throw new SyncHttpError({ kind: 'refused', status: 0, code: error.code, message: error.message });
    }
    const next = await this.#deps.session.active();
    if (!next) throw new SyncHttpError({ kind: 'unauthenticated', message: SESSION_ENDED_MESSAGE });
    if (`${next.serverUrl}\n${next.userId}` === key) update(next);
  }

  async #stopCurrent(): Promise<void> {
    const current = this.#current;
    this.#current = null;
    if (!current) return;
    await current.engine.stop();
    current.store.detach();
  }

  async now(): Promise<SyncStatus> {
    await this.#switching;
    // Asked for by the user (or after sleep): who they are is read again too.
    await this.#current?.engine.syncNow({ refreshIdentity: true });
    return this.#status;
  }

  mutate(name: string, args: unknown): { mutationId: number } {
    return { mutationId: this.#engine().mutate(name, args) };
  }

  attention(): AttentionItem[] {
    const current = this.#current;
    if (!current) return [];
    return current.engine.needsAttention().map((e) => ({
      mutationId: e.mutationId,
      name: e.name,
      args: e.args,
      at: e.at,
      code: e.error?.code ?? null,
      reason: e.error?.reason ?? null,
      message: e.error?.message ?? null,
      fields: e.error?.fields ?? [],
      serverValues: e.error?.serverValues ?? null,
      supportId: e.error?.supportId ?? null,
      subject: subjectOf(current.store, e.touched[0] ?? null),
    }));
  }

  discard(mutationId: number): SyncStatus {
    this.#engine().discard(mutationId);
    return this.#status;
  }

  resend(mutationId: number, args: unknown): { mutationId: number } {
    return { mutationId: this.#engine().resend(mutationId, args) };
  }

  #engine(): SyncEngine {
    if (!this.#current) throw new AppError('unauthenticated', 'Sign in to make changes');
    return this.#current.engine;
  }

  async close(): Promise<void> {
    await this.#switching;
    await this.#stopCurrent();
  }

  #setStatus(next: SyncStatus): void {
    if (JSON.stringify(next) === JSON.stringify(this.#status)) return;
    this.#status = next;
    this.#deps.events.emit('sync.status', next);
  }
}

function toStatus(s: EngineStatus): SyncStatus {
  return {
    state: s.state,
    pendingWrites: s.pendingWrites,
    needsAttention: s.needsAttention,
    lastSyncedAt: s.lastSyncedAt,
    message: s.message,
    bootstrap: s.bootstrap,
  };
}

const LABEL_FIELDS = ['name', 'title', 'subject', 'displayName'];

function subjectOf(store: SyncStore, touched: string | null): AttentionItem['subject'] {
  if (!touched) return null;
  const [entity, ...rest] = touched.split(':');
  const id = rest.join(':');
  if (!entity || !id) return null;
  const row = store.getRow(entity as SyncEntity, id);
  const label = LABEL_FIELDS.map((f) => row?.[f]).find((v): v is string => typeof v === 'string') ?? id;
  return { entity, id, label, row };
}
