import type { FastifyBaseLogger } from 'fastify';
import { sql, type Kysely } from 'kysely';
import type { DestinationStream } from 'pino';
import { buildApp } from './app';
import { openServerDb } from './db/connection';
import type { ServerDatabase } from './db/schema';
import { DEFAULT_PORT } from './defaults';
import { createServerLogger } from './logging';
import { ensureDemoData } from './seed/demo';
import { createLocalCommitBus, createPostgresCommitBus, type CommitBus } from './sync/commit-bus';
import { checkRetentionDays, compactChangeLog, DEFAULT_CHANGE_LOG_RETENTION_DAYS } from './sync/compaction';
import { LiveHub } from './sync/live-hub';
import { syncRoutes } from './sync/sync.routes';
import type { Clock } from './clock';
import { serverVersion } from './version';

export interface StartServerOptions {
  /** 0 picks a free port. Default 4310. */
  port?: number;
  /** Default 127.0.0.1: the server is reachable from other machines only when asked. */
  host?: string;
  /** postgres://… selects Postgres; otherwise PGlite in `dataDir`. */
  databaseUrl?: string;
  /** PGlite data folder (or `memory://`), used when no databaseUrl. */
  dataDir?: string;
  /** pino level; default 'info'. */
  logLevel?: string;
  /** Where the JSON log lines go; default stdout. */
  logDestination?: DestinationStream;
  /** Seed a small demo team when the users table is empty. */
  demo?: boolean;
  /** Human-readable lines (the demo sign-ins); default: logged at info. */
  log?: (line: string) => void;
  /** Days the change log keeps a change (compacted hourly); default DEFAULT_CHANGE_LOG_RETENTION_DAYS. */
  changeLogRetentionDays?: number;
  /** Business time of every mutation; default the system clock (tests move it). */
  clock?: Clock;
}

export interface RunningServer {
  url: string;
  store: 'postgres' | 'pglite';
  db: Kysely<ServerDatabase>;
  /** The server's JSON logger. */
  log: FastifyBaseLogger;
  /** Whether the store still answers a trivial query (for the process guard's judgement). */
  storeAnswers(): Promise<boolean>;
  /** Graceful shutdown: stop accepting, let in-flight requests finish, then close the store. Idempotent. */
  close(): Promise<void>;
}

export { DEFAULT_PORT };

const COMPACTION_EVERY_MS = 60 * 60 * 1000;

/** Opens (and migrates) the store, then serves the HTTP API until `close()`. */
export async function startServer(opts: StartServerOptions = {}): Promise<RunningServer> {
  const retentionDays = opts.changeLogRetentionDays ?? DEFAULT_CHANGE_LOG_RETENTION_DAYS;
  checkRetentionDays(retentionDays);
  const logger = createServerLogger(opts.logLevel ?? 'info', opts.logDestination);
  const store = await openServerDb({ databaseUrl: opts.databaseUrl, dataDir: opts.dataDir, log: logger, holder: 'Verity team server' });
  let bus: CommitBus | null = null;
  const hub = new LiveHub(store.db, { log: logger.child({ module: 'live' }) });
  // User admin commits poke cockpits too (the bus exists by the time a request can arrive);
  // sign-out, deactivation and new passwords close the live sockets of the sessions they end.
  const app = buildApp({
    db: store.db,
    store: store.kind,
    version: serverVersion(),
    logger,
    onCommit: (seq) => bus?.publish(seq),
    onSessionsEnded: (ended) => hub.endSessions(ended),
  });
  const reportBus = (error: unknown, what: string): void => logger.error({ err: error }, `sync notifications: ${what}`);
  try {
    // Several instances may share one Postgres: commits reach every instance's cockpits via NOTIFY.
    bus = opts.databaseUrl
      ? await createPostgresCommitBus(opts.databaseUrl, reportBus)
      : createLocalCommitBus(reportBus);
    await app.register(syncRoutes, { db: store.db, copyOut: store.copyOut, bus, hub, clock: opts.clock });
    if (opts.demo) await ensureDemoData(store.db, opts.log ?? ((line: string) => logger.info(line)));
    await app.listen({ port: opts.port ?? DEFAULT_PORT, host: opts.host ?? '127.0.0.1' });
  } catch (error) {
    // The start failure is what the caller needs; failures while undoing it are only logged.
    await app.close().catch((e: unknown) => logger.error({ err: e }, 'closing the app after a failed start failed'));
    await bus?.close().catch((e: unknown) => logger.error({ err: e }, 'closing sync notifications after a failed start failed'));
    await hub.close();
    await store.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? DEFAULT_PORT);
  const host = opts.host ?? '127.0.0.1';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  app.log.info({ url, store: store.kind }, 'listening');

  // Old changes leave the log; a cockpit that was away longer rebuilds from a snapshot.
  let compacting: Promise<void> = Promise.resolve();
  const compact = (): void => {
    compacting = compactChangeLog(store.db, { retentionDays }).then(
      (r) => {
        if (r.removed > 0) app.log.info({ removed: r.removed, compactedThrough: r.compactedThrough }, 'change log compacted');
      },
      (error: unknown) => app.log.error({ err: error }, 'change log compaction failed'),
    );
  };
  compact();
  const compaction = setInterval(compact, COMPACTION_EVERY_MS);
  compaction.unref();

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      app.log.info('shutting down');
      clearInterval(compaction);
      await compacting;
      try {
        // Stops accepting, answers 503 to new requests on kept-alive sockets, waits for in-flight ones.
        await app.close();
      } finally {
        await bus?.close().catch((error: unknown) => app.log.error({ err: error }, 'closing sync notifications failed'));
        await store.close();
      }
      app.log.info('stopped');
    })();
    return closing;
  };
  const storeAnswers = async (): Promise<boolean> => {
    try {
      await sql`select 1`.execute(store.db);
      return true;
    } catch (error) {
      app.log.error({ err: error }, 'the store does not answer');
      return false;
    }
  };
  return { url, store: store.kind, db: store.db, log: app.log, storeAnswers, close };
}
