import WebSocket from 'ws';
import { AppError } from '../../shared/api/errors';
import { LiveMessageSchema } from '../../shared/sync/protocol';
import { loadSnapshot, discardSnapshot, type BootstrapProgress } from './bootstrap';
import { mutateLocally, planLocally, rebase, type LocalActor } from './local-apply';
import { applyPullPage, applyPushResults } from './pull-applier';
import type { SyncHttp} from './sync-http';
import { SyncHttpError } from './sync-http';
import type { OutboxEntry, SyncStore } from './sync-store';

/** signed_out: the server refused the session; the engine stops trying until the user signs in again. */
export type EngineState = 'online' | 'offline' | 'syncing' | 'update_required' | 'signed_out';

export interface EngineStatus {
  state: EngineState;
  pendingWrites: number;
  needsAttention: number;
  lastSyncedAt: string | null;
  /** Why the engine is not online, in words for the status bar. */
  message: string | null;
  bootstrap: BootstrapProgress | null;
}

export interface SyncEngineOptions {
  store: SyncStore;
  http: SyncHttp;
  actor: () => LocalActor;
  onStatus: (status: EngineStatus) => void;
  /** Entities whose rows changed (views refresh), and rejections just recorded. */
  onChanged: (change: { entities: string[]; rejected: number }) => void;
  log: { warn(message: string, meta?: unknown): void; error(message: string, meta?: unknown): void };
  pollMs?: number;
  pushBatch?: number;
  /** Connect the live socket (tests of polling turn it off). */
  live?: boolean;
  /**
   * Reads who the user is now (role, regions, managed teams) and updates the
   * actor; throws a SyncHttpError when that fails. Called when the engine
   * starts, after a scope reset and when a pull changed users.
   */
  refreshIdentity?: () => Promise<void>;
  /** The server answered 401: the session is over (the engine stops syncing). */
  onUnauthenticated?: (message: string) => void;
}

const BACKOFF_MS = [1_000, 2_000, 5_000, 10_000, 30_000];
/** What the status bar says once the server refused the session (whatever its own words were). */
export const SESSION_ENDED_MESSAGE = 'Your session has ended; sign in again';

/**
 * Keeps one user's cache in step with the team server: bootstrap when the
 * cache is empty, push the outbox in order, pull after the cursor, and pull
 * again whenever the server pokes (or every 30 s without a live socket, at
 * once on reconnect and after the machine wakes).
 */
export class SyncEngine {
  readonly #o: SyncEngineOptions;
  #running = false;
  #current: Promise<void> | null = null;
  #again = false;
  /** The newest change the server poked about while a sync ran; the sync goes round again if its pull ended short of it. */
  #pokedSeq = 0;
  #lastSyncOk = false;
  #retryTimer: NodeJS.Timeout | null = null;
  #pollTimer: NodeJS.Timeout | null = null;
  #wakeTimer: NodeJS.Timeout | null = null;
  #failures = 0;
  #socket: WebSocket | null = null;
  #socketOpen = false;
  #socketFailures = 0;
  #socketTimer: NodeJS.Timeout | null = null;
  #status: EngineStatus;
  // Not every sync: a poke per remote edit would add two requests to each live update.
  #identityStale = true;

  constructor(options: SyncEngineOptions) {
    // Replays that no longer apply are reported to the engine's log.
    this.#o = { ...options, actor: () => ({ log: options.log, ...options.actor() }) };
    const counts = options.store.counts();
    this.#status = {
      state: 'offline',
      pendingWrites: counts.pending,
      needsAttention: counts.rejected,
      lastSyncedAt: options.store.lastSyncedAt(),
      message: null,
      bootstrap: null,
    };
  }

  status(): EngineStatus {
    return { ...this.#status };
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#pollTimer = setInterval(() => {
      if (!this.#socketOpen) void this.syncNow();
    }, this.#o.pollMs ?? 30_000);
    // A timer that fires far too late means the machine slept: catch up at once.
    let last = Date.now();
    this.#wakeTimer = setInterval(() => {
      const now = Date.now();
      if (now - last > 20_000) void this.syncNow({ refreshIdentity: true });
      last = now;
    }, 5_000);
    this.#pollTimer.unref();
    this.#wakeTimer.unref();
    if (this.#o.live !== false) this.#connectLive();
    void this.syncNow();
  }

  async stop(): Promise<void> {
    this.#running = false;
    for (const t of [this.#retryTimer, this.#socketTimer]) if (t) clearTimeout(t);
    for (const t of [this.#pollTimer, this.#wakeTimer]) if (t) clearInterval(t);
    this.#socket?.terminate();
    this.#socket = null;
    await this.#current?.catch(() => undefined);
  }

  /**
   * Runs one sync; if one is running, runs another right after it.
   * `refreshIdentity`: read `me` again first (the user asked, the machine woke, the socket came back).
   */
  syncNow(options: { refreshIdentity?: boolean } = {}): Promise<void> {
    if (!this.#running) return Promise.resolve();
    if (options.refreshIdentity) this.#identityStale = true;
    if (this.#current) {
      this.#again = true;
      return this.#current;
    }
    this.#current = (async () => {
      try {
        do {
          this.#again = false;
          await this.#syncOnce();
        } while ((this.#again || (this.#lastSyncOk && this.#behindPoke())) && this.#running);
      } finally {
        this.#current = null;
      }
    })();
    return this.#current;
  }

  /** The user's action: applied to the cache at once, pushed when possible. */
  mutate(name: string, args: unknown): number {
    const id = mutateLocally(this.#o.store, this.#o.actor(), name, args);
    this.#refreshCounts();
    this.#o.onChanged({ entities: [], rejected: 0 });
    void this.syncNow();
    return id;
  }

  needsAttention(): OutboxEntry[] {
    return this.#o.store.outbox(['rejected']);
  }

  /** Only the user discards a rejected change. */
  discard(mutationId: number): void {
    if (!this.#o.store.discardRejected(mutationId)) throw new AppError('not_found', 'This change is no longer waiting for you', ['mutationId']);
    this.#refreshCounts();
    this.#o.onChanged({ entities: [], rejected: 0 });
  }

  /** Fix and send again: a new mutation with the corrected input replaces the rejected one. */
  resend(mutationId: number, args: unknown): number {
    const store = this.#o.store;
    const entry = store.outbox(['rejected']).find((e) => e.mutationId === mutationId);
    if (!entry) throw new AppError('not_found', 'This change is no longer waiting for you', ['mutationId']);
    // Validate first: if the new input is refused, the rejected entry (the user's input) stays.
    planLocally(store, this.#o.actor(), entry.name, args, new Date().toISOString());
    const id = store.transaction(() => {
      const next = mutateLocally(store, this.#o.actor(), entry.name, args);
      store.discardRejected(mutationId);
      return next;
    });
    this.#refreshCounts();
    this.#o.onChanged({ entities: [], rejected: 0 });
    void this.syncNow();
    return id;
  }

  /**
   * A poke for a change this cache already pulled is no news: after our own
   * push, the pull in the same sync usually gets there before the poke does.
   * A poke during a sync is remembered and checked when it ends.
   */
  #onPoke(seq: number): void {
    if (this.#current) {
      this.#pokedSeq = Math.max(this.#pokedSeq, seq);
      return;
    }
    if (!this.#behindPoke(seq)) return;
    void this.syncNow();
  }

  #behindPoke(seq = this.#pokedSeq): boolean {
    const cursor = this.#o.store.cursor();
    return cursor === null || cursor < seq;
  }

  async #syncOnce(): Promise<void> {
    const store = this.#o.store;
    try {
      this.#setStatus({ state: 'syncing' });
      // Who the user is decides what the rebuilt cache holds and what the cockpit offers.
      await this.#refreshIdentityIfStale();
      if (store.cursor() === null) await this.#bootstrap();
      await this.#pushAll();
      await this.#pullAll();
      await this.#refreshIdentityIfStale();
      this.#failures = 0;
      this.#lastSyncOk = true;
      this.#setStatus({ state: 'online', message: null, lastSyncedAt: store.lastSyncedAt() });
    } catch (error) {
      this.#lastSyncOk = false;
      this.#onFailure(error);
    } finally {
      this.#refreshCounts();
    }
  }

  async #refreshIdentityIfStale(): Promise<void> {
    if (!this.#identityStale || !this.#o.refreshIdentity) return;
    await this.#o.refreshIdentity();
    this.#identityStale = false;
  }

  async #bootstrap(): Promise<void> {
    const store = this.#o.store;
    const next = `${store.cacheFile}.next`;
    try {
      await loadSnapshot(store.sqlite, next, this.#o.http, (p) => this.#setStatus({ bootstrap: p }));
    } catch (error) {
      // A damaged part is fetched again next time; a refused snapshot starts over.
      if (!(error instanceof SyncHttpError)) discardSnapshot(next);
      throw error;
    }
    store.swapCache(next);
    // Writes still queued are replayed on top of the fresh rows.
    store.transaction(() => rebase(store, this.#o.actor()));
    this.#setStatus({ bootstrap: null });
    this.#o.onChanged({ entities: ['*'], rejected: 0 });
  }

  async #pushAll(): Promise<void> {
    const store = this.#o.store;
    for (;;) {
      const pending = store.outbox(['pending']).slice(0, this.#o.pushBatch ?? 100);
      if (pending.length === 0) return;
      const response = await this.#o.http.push(pending.map((e) => ({ id: e.mutationId, name: e.name, args: e.args, at: e.at })));
      const rejected = applyPushResults(store, this.#o.actor(), response.results);
      this.#refreshCounts();
      if (rejected > 0) this.#o.onChanged({ entities: ['*'], rejected });
      if (response.results.length === 0) return;
    }
  }

  async #pullAll(): Promise<void> {
    const store = this.#o.store;
    for (;;) {
      const page = await this.#o.http.pull(store.cursor() ?? 0);
      const { changedEntities, rejected } = applyPullPage(store, this.#o.actor(), page);
      // The user's own row may be among them (a new team, a new name).
      if (changedEntities.has('user')) this.#identityStale = true;
      if (changedEntities.size > 0 || rejected > 0) this.#o.onChanged({ entities: [...changedEntities], rejected });
      if (!page.hasMore) return;
    }
  }

  #onFailure(error: unknown): void {
    if (!(error instanceof SyncHttpError)) {
      this.#o.log.error('sync failed', error);
      this.#setStatus({ state: 'offline', message: (error as Error).message });
      this.#scheduleRetry(null);
      return;
    }
    const f = error.failure;
    switch (f.kind) {
      case 'upgrade_required':
        // Queued writes stay; nothing is pushed until Verity is updated.
        this.#setStatus({ state: 'update_required', message: f.message });
        this.#scheduleRetry(5 * 60_000);
        return;
      case 'reset':
        if (f.reset === 'scope_changed') this.#identityStale = true;
        this.#o.store.resetCache();
        this.#again = true;
        return;
      case 'offline':
      case 'unavailable':
        this.#setStatus({ state: 'offline', message: f.message });
        this.#scheduleRetry(f.kind === 'unavailable' ? f.retryAfterMs : null);
        return;
      case 'unauthenticated':
        // Not "offline": retrying cannot help, and the cache must not be served as if signed in.
        this.#setStatus({ state: 'signed_out', message: SESSION_ENDED_MESSAGE });
        this.#o.onUnauthenticated?.(f.message);
        return;
      case 'refused':
        this.#o.log.error('sync refused', f);
        this.#setStatus({ state: 'offline', message: f.message });
        this.#scheduleRetry(null);
        return;
    }
  }

  #scheduleRetry(afterMs: number | null): void {
    if (!this.#running) return;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    const delay = afterMs ?? BACKOFF_MS[Math.min(this.#failures, BACKOFF_MS.length - 1)] ?? 30_000;
    this.#failures++;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      void this.syncNow();
    }, delay);
    this.#retryTimer.unref();
  }

  #connectLive(): void {
    if (!this.#running) return;
    void this.#o.http.liveTarget().then((target) => {
      if (!target || !this.#running) return;
      const socket = new WebSocket(target.url, { headers: target.headers });
      this.#socket = socket;
      socket.on('open', () => {
        this.#socketOpen = true;
        this.#socketFailures = 0;
        // Reconnected: catch up on whatever happened meanwhile, who the user is included.
        void this.syncNow({ refreshIdentity: true });
      });
      socket.on('message', (data) => {
        const parsed = LiveMessageSchema.safeParse(safeJson(String(data)));
        if (!parsed.success) return;
        if (parsed.data.t === 'poke') this.#onPoke(parsed.data.seq);
        if (parsed.data.t === 'reset') {
          this.#o.store.resetCache();
          void this.syncNow();
        }
      });
      // A refused upgrade (401: session over) is found out by a pull, the one place that decides it.
      socket.on('unexpected-response', (_request, response) => {
        if (response.statusCode === 401) void this.syncNow();
        socket.terminate();
      });
      // The close that follows decides what to do; the reason is kept for whoever reads the log.
      socket.on('error', (error) => this.#o.log.warn('live connection error', error));
      socket.on('close', () => {
        const wasOpen = this.#socketOpen;
        this.#socketOpen = false;
        if (this.#socket === socket) this.#socket = null;
        if (!this.#running) return;
        // A dropped live connection is the first sign of a network change: find out now, not at the next poll.
        if (wasOpen) void this.syncNow();
        const delay = BACKOFF_MS[Math.min(this.#socketFailures++, BACKOFF_MS.length - 1)] ?? 30_000;
        this.#socketTimer = setTimeout(() => this.#connectLive(), delay);
        this.#socketTimer.unref();
      });
    });
  }

  #refreshCounts(): void {
    const counts = this.#o.store.counts();
    this.#setStatus({ pendingWrites: counts.pending, needsAttention: counts.rejected });
  }

  #setStatus(patch: Partial<EngineStatus>): void {
    const next = { ...this.#status, ...patch };
    if (JSON.stringify(next) === JSON.stringify(this.#status)) return;
    this.#status = next;
    this.#o.onStatus({ ...next });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
