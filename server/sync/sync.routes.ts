import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { AppError } from '../../shared/api/errors';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import {
  PullQuerySchema,
  PushRequestSchema,
  SnapshotPartQuerySchema,
  SnapshotQuerySchema,
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
import type { LiveHub } from './live-hub';
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

async function viewerOf(db: Kysely<ServerDatabase>, request: FastifyRequest): Promise<Viewer> {
  const actor = await authenticate(db, request);
  const viewer = await loadViewer(db, actor.user.id);
  if (!viewer) throw new AppError('unauthenticated', 'Sign in to continue');
  return viewer;
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
const PartParamsSchema = z.object({ entity: SyncEntitySchema, part: z.coerce.number().int().nonnegative() });

export async function syncRoutes(app: FastifyInstance, opts: SyncRoutesOptions): Promise<void> {
  const { db, bus, hub } = opts;
  const unsubscribe = bus.subscribe((seq) => hub.notify(seq));
  app.addHook('onClose', async () => {
    unsubscribe();
    await hub.close();
  });

  app.post('/sync/push', async (request, reply) => {
    const body = parseInput(PushRequestSchema, request.body, 'body');
    const viewer = await viewerOf(db, request);
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
    const query = parseInput(PullQuerySchema, request.query, 'query');
    const viewer = await viewerOf(db, request);
    try {
      return await handlePull(db, viewer, query, localeOf(request));
    } catch (error) {
      return sendSyncError(reply, error);
    }
  });

  // First sync: the manifest fixes the parts; a fresh cache accepts the viewer's current scope.
  app.get('/sync/snapshot', async (request, reply) => {
    const query = parseInput(SnapshotQuerySchema, request.query, 'query');
    const viewer = await viewerOf(db, request);
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
    const params = parseInput(PartParamsSchema, request.params, 'params');
    const query = parseInput(SnapshotPartQuerySchema, request.query, 'query');
    const viewer = await viewerOf(db, request);
    try {
      checkVersions(query.protocolVersion, query.schemaVersion);
    } catch (error) {
      return sendSyncError(reply, error);
    }
    const lines = snapshotPartLines({ db, copyOut: opts.copyOut }, viewer, {
      entity: params.entity,
      part: params.part,
      of: query.of,
      snapshotSeq: query.snapshotSeq,
      after: query.after ?? null,
      until: query.until ?? null,
    });
    reply.header('content-type', 'application/gzip');
    // Level 1: the server's CPU, not the bytes, limits a first sync (~20% more bytes than level 6 at about half the CPU).
    return reply.send(Readable.from(lines).pipe(createGzip({ level: 1 })));
  });

  await app.register(websocket);
  app.get('/sync/live', { websocket: true }, (socket, request) => {
    // Authenticate before accepting anything; an unauthenticated socket is closed at once.
    void (async () => {
      try {
        const { clientId } = parseInput(LiveQuerySchema, request.query, 'query');
        const viewer = await viewerOf(db, request);
        const remove = hub.add({ send: (m) => socket.send(m), close: () => socket.close() }, viewer, clientId ?? null);
        socket.on('close', remove);
        socket.send(JSON.stringify({ t: 'ping' }));
      } catch (error) {
        const code = error instanceof AppError ? error.code : 'internal';
        socket.close(4401, code);
      }
    })();
  });
}
