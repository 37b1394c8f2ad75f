import { AppError } from '../../shared/api/errors';
import type { AttentionItem, SyncStatus } from '../../shared/ipc/contract';
import type { SyncEntity } from '../../shared/sync/protocol';
import type { LocalDb } from '../db/local-db';
import type { LocalActor } from '../sync/local-apply';
import { SyncEngine, type EngineStatus } from '../sync/sync-engine';
import { SyncHttp, type FetchFn } from '../sync/sync-http';
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

/**
 * Runs the sync engine for whoever is signed in: attaches that user's cache
 * and outbox files to the local store, starts push/pull/live, and stops it on
 * sign-out. Another user's files are never attached at the same time.
 */
export class SyncService {
  readonly #deps: SyncServiceDeps;
  #current: { key: string; userId: string; store: SyncStore; engine: SyncEngine } | null = null;
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
    if (this.#current && this.#current.key === key) return;
    const old = this.#current;
    // Nobody may read the old user's cache from here on (see attachedUserId).
    this.#current = null;
    if (old) await old.engine.stop();
    // Synchronous from here: no query can run between detaching one cache and attaching the next.
    old?.store.detach();
    if (!active || !key) {
      this.#setStatus(SIGNED_OUT);
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
    const actor = (): LocalActor => ({
      locale: this.#deps.locale(),
      userId: active.userId,
      role: active.role,
      regionId: active.regionId,
      managedRegionIds: active.managedRegionIds,
    });
    const http = new SyncHttp({
      serverUrl: active.serverUrl,
      token: async () => (await this.#deps.session.active())?.token ?? null,
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
      ...(this.#deps.pollMs ? { pollMs: this.#deps.pollMs } : {}),
    });
    this.#current = { key, userId: active.userId, store, engine };
    this.#setStatus(toStatus(engine.status()));
    engine.start();
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
    await this.#current?.engine.syncNow();
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
