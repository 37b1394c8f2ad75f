import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import pino from 'pino';
import type { LiveMessage } from '../../shared/sync/protocol';
import { canSee, type Viewer } from '../../shared/sync/visibility';
import type { ServerDatabase } from '../db/schema';
import { serverLoggerOptions } from '../logging';
import type { EndedSessions } from '../modules/auth/auth.service';
import { loadViewer } from './viewer';

export interface LiveSocket {
  send(message: string): void;
  close(code: number, reason: string): void;
}

/** The session a socket was opened with; when it ends, so does the socket. */
export interface LiveSession {
  /** sha256 of the bearer token, as stored in `sessions`. */
  tokenHash: string;
  userId: string;
  expiresAt: Date;
}


export type HubLogger = Pick<FastifyBaseLogger, 'error' | 'warn' | 'info' | 'debug'>;

/** The close code a cockpit reads as "signed out: sign in again" (4000 + the HTTP status). */
export const SESSION_ENDED_CLOSE_CODE = 4401;
const GOING_AWAY_CLOSE_CODE = 1001;

interface Connection {
  socket: LiveSocket;
  viewer: Viewer;
  session: LiveSession;
  clientId: string | null;
}

export interface LiveHubOptions {
  coalesceMs?: number;
  heartbeatMs?: number;
  /**
   * How often the sessions behind open sockets are re-read, to close those
   * signed out on another instance or expired. Sign-out and deactivation on
   * this instance close at once (endSessions).
   */
  sessionCheckMs?: number;
  log?: HubLogger;
}

/**
 * Pokes connected cockpits whose scope a commit touched. A poke carries no
 * data, only "pull now"; commits are coalesced over a few milliseconds.
 * Each socket keeps its session: a socket outlives neither its sign-out, nor
 * its expiry, nor its user's deactivation.
 */
export class LiveHub {
  readonly #db: Kysely<ServerDatabase>;
  readonly #coalesceMs: number;
  readonly #log: HubLogger;
  readonly #connections = new Set<Connection>();
  #seenSeq: number | null = null;
  #pendingSeq = 0;
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> = Promise.resolve();
  #checking: Promise<void> = Promise.resolve();
  readonly #heartbeat: NodeJS.Timeout;
  readonly #sessionCheck: NodeJS.Timeout;

  constructor(db: Kysely<ServerDatabase>, opts: LiveHubOptions = {}) {
    this.#db = db;
    this.#coalesceMs = opts.coalesceMs ?? 1;
    // Without a logger of the server's, drops still reach stderr.
    this.#log = opts.log ?? pino({ ...serverLoggerOptions('warn'), name: 'live-hub' }, pino.destination(2));
    this.#heartbeat = setInterval(() => this.#broadcast({ t: 'ping' }), opts.heartbeatMs ?? 25_000);
    this.#heartbeat.unref();
    this.#sessionCheck = setInterval(() => void this.checkSessions(), opts.sessionCheckMs ?? 30_000);
    this.#sessionCheck.unref();
  }

  get size(): number {
    return this.#connections.size;
  }

  add(socket: LiveSocket, viewer: Viewer, session: LiveSession, clientId: string | null): () => void {
    const c: Connection = { socket, viewer, session, clientId };
    this.#connections.add(c);
    return () => this.#connections.delete(c);
  }

  /** Closes the sockets of sessions that ended here (sign-out, deactivation); returns how many. */
  endSessions(ended: EndedSessions): number {
    let closed = 0;
    for (const c of this.#connections) {
      const matches = 'tokenHash' in ended ? c.session.tokenHash === ended.tokenHash : c.session.userId === ended.userId;
      if (!matches) continue;
      this.#end(c, 'session ended');
      closed++;
    }
    return closed;
  }

  /**
   * Re-reads the sessions of open sockets and closes those gone (signed out
   * elsewhere), expired, or whose user is no longer active.
   */
  checkSessions(): Promise<void> {
    this.#checking = this.#checking.then(
      () => this.#checkSessions(),
      () => undefined,
    );
    return this.#checking;
  }

  async #checkSessions(): Promise<void> {
    const now = Date.now();
    for (const c of this.#connections) if (c.session.expiresAt.getTime() <= now) this.#end(c, 'session expired');
    const hashes = [...new Set([...this.#connections].map((c) => c.session.tokenHash))];
    if (hashes.length === 0) return;
    let live: Set<string>;
    try {
      const rows = await this.#db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select('sessions.token_hash')
        .where('sessions.token_hash', 'in', hashes)
        .where('sessions.expires_at', '>', new Date(now))
        .where('users.active', '=', true)
        .execute();
      live = new Set(rows.map((r) => r.token_hash));
    } catch (error) {
      // The store is unreachable: keep the sockets; the next check tries again.
      this.#log.error({ err: error }, 'live sockets: session check failed');
      return;
    }
    for (const c of this.#connections) {
      if (hashes.includes(c.session.tokenHash) && !live.has(c.session.tokenHash)) this.#end(c, 'session ended');
    }
  }

  #end(c: Connection, why: string): void {
    this.#connections.delete(c);
    this.#log.info({ userId: c.session.userId, why }, 'live socket closed: session over');
    try {
      c.socket.close(SESSION_ENDED_CLOSE_CODE, 'unauthenticated');
    } catch (error) {
      this.#log.warn({ err: error }, 'live socket: close failed');
    }
  }

  /** Called for every commit that appended to the change log (any instance). */
  notify(seq: number): void {
    if (this.#seenSeq === null) this.#seenSeq = seq - 1;
    this.#pendingSeq = Math.max(this.#pendingSeq, seq);
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#flushing = this.#flushing
        .then(() => this.#flush())
        // Those pokes are lost; the cockpits' 30 s poll still finds the change.
        .catch((error: unknown) => this.#log.error({ err: error, upTo: this.#pendingSeq }, 'live pokes dropped'));
    }, this.#coalesceMs);
  }

  async #flush(): Promise<void> {
    const upTo = this.#pendingSeq;
    const from = this.#seenSeq ?? upTo;
    if (upTo <= from || this.#connections.size === 0) {
      this.#seenSeq = Math.max(from, upTo);
      return;
    }
    const changes = await this.#db
      .selectFrom('change_log')
      .select(['entity', 'entity_id', 'owner_id', 'region_id', 'pool', 'prev_owner_id', 'prev_region_id', 'prev_pool'])
      .where('seq', '>', from)
      .where('seq', '<=', upTo)
      .execute();
    const results = await this.#db
      .selectFrom('mutation_results')
      .select('client_id')
      .where('seq', '>', from)
      .where('seq', '<=', upTo)
      .execute();
    const clients = new Set(results.map((r) => r.client_id));
    this.#seenSeq = upTo;
    // A user whose role, region or teams changed is poked with the scope they have now, not the one they connected with.
    const movedUsers = new Set(changes.filter((ch) => ch.entity === 'user').map((ch) => ch.entity_id));
    if (movedUsers.size > 0) await this.#refreshViewers(movedUsers);
    const message = JSON.stringify({ t: 'poke', seq: upTo } satisfies LiveMessage);
    const now = Date.now();
    for (const c of this.#connections) {
      // An expired session gets no more pokes, and no socket.
      if (c.session.expiresAt.getTime() <= now) {
        this.#end(c, 'session expired');
        continue;
      }
      const touched =
        (c.clientId !== null && clients.has(c.clientId)) ||
        changes.some(
          (ch) =>
            canSee(c.viewer, { ownerId: ch.owner_id, regionId: ch.region_id, pool: ch.pool }) ||
            (ch.prev_pool !== null && canSee(c.viewer, { ownerId: ch.prev_owner_id, regionId: ch.prev_region_id, pool: ch.prev_pool })),
        );
      if (touched) this.#send(c.socket, message);
    }
  }

  async #refreshViewers(userIds: ReadonlySet<string>): Promise<void> {
    const fresh = new Map<string, Viewer | null>();
    for (const id of userIds) {
      if (![...this.#connections].some((c) => c.session.userId === id)) continue;
      fresh.set(id, await loadViewer(this.#db, id));
    }
    for (const c of this.#connections) {
      if (!fresh.has(c.session.userId)) continue;
      const viewer = fresh.get(c.session.userId) ?? null;
      if (viewer === null) this.#end(c, 'user deactivated');
      else c.viewer = viewer;
    }
  }

  #broadcast(message: LiveMessage): void {
    const text = JSON.stringify(message);
    for (const c of this.#connections) this.#send(c.socket, text);
  }

  #send(socket: LiveSocket, message: string): void {
    try {
      socket.send(message);
    } catch (error) {
      // A socket that just died is removed by its close handler; the message is not needed then.
      this.#log.debug({ err: error }, 'live message not sent');
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#heartbeat);
    clearInterval(this.#sessionCheck);
    if (this.#timer) clearTimeout(this.#timer);
    await this.#flushing;
    await this.#checking;
    for (const c of this.#connections) {
      try {
        c.socket.close(GOING_AWAY_CLOSE_CODE, 'server shutting down');
      } catch (error) {
        this.#log.warn({ err: error }, 'live socket: close failed');
      }
    }
    this.#connections.clear();
  }
}
