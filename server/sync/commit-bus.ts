import pg from 'pg';

/**
 * Tells every server instance that the change log grew. With one embedded
 * store it is an in-process call; with Postgres it is NOTIFY/LISTEN, so a
 * commit on instance A pokes cockpits connected to instance B.
 */
export interface CommitBus {
  publish(seq: number): void;
  subscribe(listener: (seq: number) => void): () => void;
  close(): Promise<void>;
}

const CHANNEL = 'verity_sync';

export function createLocalCommitBus(): CommitBus {
  const listeners = new Set<(seq: number) => void>();
  return {
    publish(seq) {
      for (const l of listeners) l(seq);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
    },
  };
}

export async function createPostgresCommitBus(databaseUrl: string, onError: (e: unknown) => void): Promise<CommitBus> {
  const listeners = new Set<(seq: number) => void>();
  const listener = new pg.Client({ connectionString: databaseUrl });
  const publisher = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  listener.on('notification', (n) => {
    const seq = Number(n.payload);
    if (Number.isFinite(seq)) for (const l of listeners) l(seq);
  });
  listener.on('error', onError);
  publisher.on('error', onError);
  await listener.connect();
  await listener.query(`LISTEN ${CHANNEL}`);
  let closed = false;
  return {
    publish(seq) {
      if (closed) return;
      publisher.query('SELECT pg_notify($1, $2)', [CHANNEL, String(seq)]).catch(onError);
    },
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    async close() {
      closed = true;
      listeners.clear();
      await listener.end().catch(onError);
      await publisher.end().catch(onError);
    },
  };
}
