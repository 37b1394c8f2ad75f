import type { Kysely } from 'kysely';
import type { LiveMessage } from '../../shared/sync/protocol';
import { canSee, type Viewer } from '../../shared/sync/visibility';
import type { ServerDatabase } from '../db/schema';

export interface LiveSocket {
  send(message: string): void;
  close(): void;
}

interface Connection {
  socket: LiveSocket;
  viewer: Viewer;
  clientId: string | null;
}

/**
 * Pokes connected cockpits whose scope a commit touched. A poke carries no
 * data, only "pull now"; commits are coalesced over a few milliseconds.
 */
export class LiveHub {
  readonly #db: Kysely<ServerDatabase>;
  readonly #coalesceMs: number;
  readonly #connections = new Set<Connection>();
  #seenSeq: number | null = null;
  #pendingSeq = 0;
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> = Promise.resolve();
  readonly #heartbeat: NodeJS.Timeout;

  constructor(db: Kysely<ServerDatabase>, opts: { coalesceMs?: number; heartbeatMs?: number } = {}) {
    this.#db = db;
    this.#coalesceMs = opts.coalesceMs ?? 10;
    this.#heartbeat = setInterval(() => this.#broadcast({ t: 'ping' }), opts.heartbeatMs ?? 25_000);
    this.#heartbeat.unref();
  }

  get size(): number {
    return this.#connections.size;
  }

  add(socket: LiveSocket, viewer: Viewer, clientId: string | null): () => void {
    const c: Connection = { socket, viewer, clientId };
    this.#connections.add(c);
    return () => this.#connections.delete(c);
  }

  /** Called for every commit that appended to the change log (any instance). */
  notify(seq: number): void {
    if (this.#seenSeq === null) this.#seenSeq = seq - 1;
    this.#pendingSeq = Math.max(this.#pendingSeq, seq);
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#flushing = this.#flushing.then(() => this.#flush()).catch(() => undefined);
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
      .select(['owner_id', 'region_id', 'pool', 'prev_owner_id', 'prev_region_id', 'prev_pool'])
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
    const message = JSON.stringify({ t: 'poke', seq: upTo } satisfies LiveMessage);
    for (const c of this.#connections) {
      const touched =
        (c.clientId !== null && clients.has(c.clientId)) ||
        changes.some(
          (ch) =>
            canSee(c.viewer, { ownerId: ch.owner_id, regionId: ch.region_id, pool: ch.pool }) ||
            (ch.prev_pool !== null && canSee(c.viewer, { ownerId: ch.prev_owner_id, regionId: ch.prev_region_id, pool: ch.prev_pool })),
        );
      if (touched) safeSend(c.socket, message);
    }
  }

  #broadcast(message: LiveMessage): void {
    const text = JSON.stringify(message);
    for (const c of this.#connections) safeSend(c.socket, text);
  }

  async close(): Promise<void> {
    clearInterval(this.#heartbeat);
    if (this.#timer) clearTimeout(this.#timer);
    await this.#flushing;
    for (const c of this.#connections) c.socket.close();
    this.#connections.clear();
  }
}

function safeSend(socket: LiveSocket, message: string): void {
  try {
    socket.send(message);
  } catch {
    // A socket that just died is removed by its close handler.
  }
}
