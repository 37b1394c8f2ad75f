import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { AppError } from '../../shared/api/errors';
import { pipeline, Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import {
  PullQuerySchema,
  PushRequestSchema,
  SnapshotPartQuerySchema,
  SnapshotQuerySchema,
  SYNC_SCHEMA_VERSION,
  SyncEntitySchema,
  UpgradeRequiredSchema,
} from '../../shared/sync/protocol';
import type { Viewer } from '../../shared/sync/visibility';
import { systemClock, type Clock } from '../clock';
import type { CopyOut } from '../db/copy-out';
import type { ServerDatabase } from '../db/schema';
import { authenticate } from '../http/auth-guard';
import { parseInput } from '../http/validate';
import type { CommitBus } from './commit-bus';
import type { LiveHub, LiveSession } from './live-hub';
import { handlePull, setScopeKey } from './pull';
import { buildManifest, snapshotPartLines } from './snapshot';
import { ensureSyncClient } from './sync-clients';
import { handlePush } from './push';
import { checkVersions, SyncResetError, TransientSyncError, UpgradeRequiredError } from './sync-errors';
import { loadViewer, scopeKey } from './viewer';

export interface SyncRoutesOptions {
  db: Kysely<ServerDatabase>;
  /** The store's COPY reader (ServerDb.copyOut), for snapshots. */
  copyOut: CopyOut;
  bus: CommitBus;
  hub: LiveHub;
  /** Rows per snapshot part (tests use small parts). */
  snapshotPartRows?: number;
  /** Business time of pushed mutations; default the system clock. */
  clock?: Clock;
}

/** The user's language for rejection messages: the cockpit sends its UI locale. */
function localeOf(request: FastifyRequest): string {
  const header = request.headers['accept-language'];
  return typeof header === 'string' && header.trim() ? (header.split(',')[0] ?? 'en').trim() : 'en';
}

/** Who is calling: the visibility rule's viewer and the session it came with. */
interface SignedIn {
  viewer: Viewer;
  session: LiveSession;
}

async function signedIn(db: Kysely<ServerDatabase>, request: FastifyRequest): Promise<SignedIn> {
  const actor = await authenticate(db, request);
  const viewer = await loadViewer(db, actor.user.id);
  if (!viewer) throw new AppError('unauthenticated', 'Sign in to continue');
  return { viewer, session: { tokenHash: actor.tokenHash, userId: actor.user.id, expiresAt: actor.expiresAt } };
}

/** A download that ended because the client went away is not a server failure. */
function isDropped(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ERR_STREAM_PREMATURE_CLOSE';
}

/** Sync-specific failures have their own status and body; everything else goes to the app's error handler. */
function sendSyncError(reply: FastifyReply, error: unknown): FastifyReply | never {
  if (error instanceof UpgradeRequiredError) {
    return reply.code(426).send(
      UpgradeRequiredSchema.parse({
        error: { code: 'upgrade_required', message: error.message },
        minSchemaVersion: error.minSchemaVersion,
        maxSchemaVersion: error.maxSchemaVersion,
      }),
    );
  }
  if (error instanceof SyncResetError) return reply.code(409).send(error.body);
  if (error instanceof TransientSyncError) {
    return reply.code(503).header('retry-after', '2').send({ error: { code: 'unavailable', message: error.message } });
  }
  throw error;
}

const LiveQuerySchema = z.object({ clientId: z.string().uuid().optional() });

/**
 * The live channel only carries server → cockpit pokes; the cockpit sends no
 * messages (ping/pong are control frames of at most 125 bytes). A few KB is
 * plenty, where `ws` would otherwise buffer a 100 MiB frame per socket.
 */
export const MAX_LIVE_FRAME_BYTES = 4 * 1024;
const PartParamsSchema = z.object({ entity: SyncEntitySchema, part: z.coerce.number().int().nonnegative() });

export async function syncRoutes(app: FastifyInstance, opts: SyncRoutesOptions): Promise<void> {
  const { db, bus, hub } = opts;
  const unsubscribe = bus.subscribe((seq) => hub.notify(seq));
  app.addHook('onClose', async () => {
    unsubscribe();
    await hub.close();
  });

  // Registered before the authentication hook: its own onRequest hook marks upgrade requests, so a
  // refused upgrade's socket is still closed after the refusal is written.
  await app.register(websocket, {
    options: { maxPayload: MAX_LIVE_FRAME_BYTES },
    // A socket error (a frame over the limit, a client gone mid-frame) ends that socket only.
    errorHandler: (error, socket, request) => {
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && code.startsWith('WS_ERR_')) {
        // ws has already sent the close frame naming the violation (1009 for a frame too large).
        request.log.info({ code }, 'live socket closed: protocol violation');
        return;
      }
      request.log.warn({ err: error }, 'live socket failed');
      socket.terminate();
    },
  });
  // Every sync route, the live socket included, authenticates first: before the
  // body is parsed, the input validated or a WebSocket handshake completed.
  const callers = new WeakMap<FastifyRequest, SignedIn>();
  app.addHook('onRequest', async (request) => {
    callers.set(request, await signedIn(db, request));
  });
  const callerOf = (request: FastifyRequest): SignedIn => {
    const caller = callers.get(request);
    if (!caller) throw new Error('sync route reached without its authentication hook');
    return caller;
  };

  app.post('/sync/push', async (request, reply) => {
    const { viewer } = callerOf(request);
    const body = parseInput(PushRequestSchema, request.body, 'body');
    try {
      return await handlePush(
        {
          db,
          viewer,
          locale: localeOf(request),
          clock: opts.clock ?? systemClock,
          onCommit: (seq) => bus.publish(seq),
          logError: (error, context) => request.log.error({ err: error, ...context }, 'push mutation failed'),
        },
        body,
      );
    } catch (error) {
      return sendSyncError(reply, error);
    }
  });

  app.get('/sync/pull', async (request, reply) => {
    const { viewer } = callerOf(request);
    const query = parseInput(PullQuerySchema, request.query, 'query');
    try {
      return await handlePull(db, viewer, query, localeOf(request));
    } catch (error) {
      return sendSyncError(reply, error);
    }
  });

  // First sync: the manifest fixes the parts; a fresh cache accepts the viewer's current scope.
  app.get('/sync/snapshot', async (request, reply) => {
    const { viewer } = callerOf(request);
    const query = parseInput(SnapshotQuerySchema, request.query, 'query');
    try {
      checkVersions(query.protocolVersion, query.schemaVersion);
      await ensureSyncClient(db, query.clientId, viewer.userId, query.schemaVersion);
      await setScopeKey(db, query.clientId, scopeKey(viewer));
      return await buildManifest(db, viewer, opts.snapshotPartRows);
    } catch (error) {
      return sendSyncError(reply, error);
    }
  });

  app.get('/sync/snapshot/:entity/:part', async (request, reply) => {
    const { viewer } = callerOf(request);
    const params = parseInput(PartParamsSchema, request.params, 'params');
    const query = parseInput(SnapshotPartQuerySchema, request.query, 'query');
    try {
      checkVersions(query.protocolVersion, query.schemaVersion);
    } catch (error) {
      return sendSyncError(reply, error);
    }
    const part = { entity: params.entity, part: params.part };
    const lines = snapshotPartLines({ db, copyOut: opts.copyOut }, viewer, {
      ...part,
      of: query.of,
      snapshotSeq: query.snapshotSeq,
      after: query.after ?? null,
      until: query.until ?? null,
    });
    reply.header('content-type', 'application/gzip');
    // pipeline, not pipe: a failure anywhere in the source (a query, a COPY cut
    // off by Postgres) destroys the gzip stream, so Fastify answers an error or
    // cuts this response off. An unhandled stream error would end the process.
    // Level 1: the server's CPU, not the bytes, limits a first sync (~20% more bytes than level 6 at about half the CPU).
    const body = pipeline(Readable.from(lines), createGzip({ level: 1 }), (error) => {
      if (!error) return;
      if (isDropped(error)) request.log.info(part, 'snapshot part download dropped');
      else request.log.error({ err: error, ...part }, 'snapshot part failed');
    });
    return reply.send(body);
  });

  app.get(
    '/sync/live',
    {
      websocket: true,
      // Before the handshake: a client id of another user's cockpit is refused with 403, not subscribed.
      // A new id is registered to this user, as a snapshot or push would (the stored schema version is
      // informational only; nothing reads it).
      preValidation: async (request) => {
        const { clientId } = parseInput(LiveQuerySchema, request.query, 'query');
        if (clientId) await ensureSyncClient(db, clientId, callerOf(request).viewer.userId, SYNC_SCHEMA_VERSION);
      },
    },
    (socket, request) => {
      const { viewer, session } = callerOf(request);
      const { clientId } = parseInput(LiveQuerySchema, request.query, 'query');
      const remove = hub.add(
        {
          send: (message) =>
            socket.send(message, (error) => {
              if (error) request.log.debug({ err: error }, 'live message not delivered (socket closing)');
            }),
          close: (code, reason) => socket.close(code, reason),
        },
        viewer,
        session,
        clientId ?? null,
      );
      socket.on('close', remove);
      socket.send(JSON.stringify({ t: 'ping' }));
    },
  );
}
