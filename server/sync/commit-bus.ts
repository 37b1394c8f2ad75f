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

/** Where a bus reports what it drops; by default stderr, so nothing is lost silently. */
export type BusErrorReporter = (error: unknown, what: string) => void;

const toStderr: BusErrorReporter = (error, what) => {
  process.stderr.write(`commit bus: ${what}: ${error instanceof Error ? error.message : String(error)}\n`);
};

/**
 * Calls every listener; one that throws is reported and does not stop the
 * others, nor reach the publisher (a push that already committed).
 */
function deliver(listeners: Iterable<(seq: number) => void>, seq: number, report: BusErrorReporter): void {
  for (const l of listeners) {
    try {
      l(seq);
    } catch (error) {
      report(error, `listener failed for seq ${seq}`);
    }
  }
}

export function createLocalCommitBus(report: BusErrorReporter = toStderr): CommitBus {
  const listeners = new Set<(seq: number) => void>();
  return {
    publish(seq) {
      deliver(listeners, seq, report);
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

export async function createPostgresCommitBus(databaseUrl: string, onError: BusErrorReporter): Promise<CommitBus> {
  const listeners = new Set<(seq: number) => void>();
  const listener = new pg.Client({ connectionString: databaseUrl });
  const publisher = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  listener.on('notification', (n) => {
    const seq = Number(n.payload);
    if (Number.isInteger(seq)) deliver(listeners, seq, onError);
    else onError(new Error(`payload ${JSON.stringify(n.payload)} is not a seq`), `notification on ${n.channel} ignored`);
  });
  listener.on('error', (error) => onError(error, 'LISTEN connection failed; commits on other instances poke no cockpits here'));
  publisher.on('error', (error) => onError(error, 'NOTIFY connection failed'));
  await listener.connect();
  await listener.query(`LISTEN ${CHANNEL}`);
  let closed = false;
  return {
    publish(seq) {
      if (closed) return;
      publisher
        .query('SELECT pg_notify($1, $2)', [CHANNEL, String(seq)])
        // Cockpits on other instances miss this poke; their 30 s poll still finds the change.
        .catch((error: unknown) => onError(error, `NOTIFY of seq ${seq} failed`));
    },
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    async close() {
      closed = true;
      listeners.clear();
      await listener.end().catch((error: unknown) => onError(error, 'closing the LISTEN connection failed'));
      await publisher.end().catch((error: unknown) => onError(error, 'closing the NOTIFY pool failed'));
    },
  };
}
