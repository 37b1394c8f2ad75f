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

/** Waits between attempts to win back a lost LISTEN connection: quick at first, then every 10 s. */
const RELISTEN_DELAYS_MS = [250, 1000, 3000, 10_000];

export async function createPostgresCommitBus(databaseUrl: string, onError: BusErrorReporter): Promise<CommitBus> {
  const listeners = new Set<(seq: number) => void>();
  const publisher = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  publisher.on('error', (error) => onError(error, 'NOTIFY connection failed'));
  let closed = false;
  let listener: pg.Client | null = null;
  let retry: NodeJS.Timeout | null = null;
  let attempts = 0;

  const onNotification = (n: pg.Notification): void => {
    const seq = Number(n.payload);
    if (Number.isInteger(seq)) deliver(listeners, seq, onError);
    else onError(new Error(`payload ${JSON.stringify(n.payload)} is not a seq`), `notification on ${n.channel} ignored`);
  };

  /**
   * A LISTEN connection lost (Postgres restarted, the backend terminated) is
   * replaced, so commits on other instances poke this instance's cockpits
   * again. Commits made meanwhile send no poke here: the cockpits' 30 s poll
   * finds them.
   */
  const lost = (client: pg.Client): void => {
    if (closed || listener !== client) return;
    listener = null;
    client.off('notification', onNotification);
    client.end().catch((error: unknown) => onError(error, 'closing the lost LISTEN connection failed'));
    const delay = RELISTEN_DELAYS_MS[Math.min(attempts, RELISTEN_DELAYS_MS.length - 1)] ?? 10_000;
    attempts++;
    retry = setTimeout(() => {
      retry = null;
      listen().then(
        () => {
          attempts = 0;
        },
        (error: unknown) => onError(error, 'LISTEN reconnect failed; trying again'),
      );
    }, delay);
    retry.unref();
  };

  const listen = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: databaseUrl });
    client.on('notification', onNotification);
    client.on('error', (error) => {
      onError(error, 'LISTEN connection failed; reconnecting');
      lost(client);
    });
    client.on('end', () => lost(client));
    listener = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      lost(client);
      throw error;
    }
  };

  try {
    await listen();
  } catch (error) {
    // At start a store that cannot be reached is the caller's to report, not something to retry.
    closed = true;
    if (retry) clearTimeout(retry);
    await publisher.end().catch((e: unknown) => onError(e, 'closing the NOTIFY pool failed'));
    throw error;
  }
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
      if (retry) clearTimeout(retry);
      const client = listener;
      listener = null;
      await client?.end().catch((error: unknown) => onError(error, 'closing the LISTEN connection failed'));
      await publisher.end().catch((error: unknown) => onError(error, 'closing the NOTIFY pool failed'));
    },
  };
}
