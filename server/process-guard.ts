import type { FastifyBaseLogger } from 'fastify';

/** What the guard needs of the running server. */
export interface GuardedServer {
  log: Pick<FastifyBaseLogger, 'error' | 'fatal'>;
  /** Whether the store still answers; false means the server cannot serve anything. */
  storeAnswers(): Promise<boolean>;
  close(): Promise<void>;
}

/** The process events the guard listens to (a stand-in in tests). */
export interface GuardedProcess {
  on(event: 'uncaughtException', listener: (error: Error) => void): unknown;
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  off(event: 'uncaughtException', listener: (error: Error) => void): unknown;
  off(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  exit(code: number): never;
}

/**
 * Keeps the team server serving after an error nothing caught.
 *
 * What is judged safe: the server holds no business state outside the store.
 * Every write is one database transaction (committed whole or rolled back when
 * its connection or request dies), and what lives in memory (live sockets, the
 * hub's seq cursor, rate-limit counters) is refreshed by the next commit or
 * request. So an error escaping one request's callbacks (a stream, a socket, a
 * forgotten promise) cannot leave a half-done write behind, and the server
 * keeps serving — as long as the store still answers. When it does not (for
 * instance PGlite's WebAssembly instance aborted, after which it is unusable),
 * nothing can be served: the server closes what it can and exits 1, so a
 * supervisor restarts it. Errors during start-up or shutdown are not guarded:
 * they end the process as before.
 */
export function installProcessGuard(server: GuardedServer, proc: GuardedProcess = process): () => void {
  let exiting = false;
  const judge = (error: unknown, kind: string): void => {
    server.log.error({ err: error }, `${kind}: logged; the server keeps serving if its store answers`);
    if (exiting) return;
    void server.storeAnswers().then(
      async (answers) => {
        if (answers || exiting) return;
        exiting = true;
        server.log.fatal({ err: error }, `${kind}: the store no longer answers; stopping`);
        await server.close().catch((closeError: unknown) => server.log.error({ err: closeError }, 'shutdown after a fatal error failed'));
        proc.exit(1);
      },
      // storeAnswers reports a failed check as false; a rejection here is itself unexpected.
      (checkError: unknown) => server.log.error({ err: checkError }, 'the store check failed'),
    );
  };
  const onException = (error: Error): void => judge(error, 'uncaught exception');
  const onRejection = (reason: unknown): void => judge(reason, 'unhandled promise rejection');
  proc.on('uncaughtException', onException);
  proc.on('unhandledRejection', onRejection);
  return () => {
    proc.off('uncaughtException', onException);
    proc.off('unhandledRejection', onRejection);
  };
}
