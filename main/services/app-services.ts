import { join } from 'node:path';
import { AppError } from '../../shared/api/errors';
import { assignableRegions } from '../../shared/domain/roles';
import type { AppInfo } from '../../shared/ipc/contract';
import { openLocalDb, type LocalDb } from '../db/local-db';
import type { IpcHandlers } from '../ipc/dispatch';
import { AppEvents } from './app-events';
import { claimDataDir, localDbFile } from './data-dir';
import { KeyValueStore } from './key-value.store';
import { consoleLogger, type Logger } from './logger';
import { QueriesService } from './queries.service';
import { SessionService } from './session.service';
import { SettingsService } from './settings.service';
import { SyncService } from './sync.service';
import { TeamServerClient, type FetchFn } from './team-server.client';
import { FileTokenStore, type TokenCodec, type TokenStore } from './token-store';

export const TOKEN_FILE = 'session.token';

export interface AppServicesOptions {
  dataDir: string;
  /** better_sqlite3.node for the running ABI (the Electron shell passes one). */
  nativeBinding?: string | undefined;
  osLocale: string;
  transport: AppInfo['transport'];
  version: string;
  /** Default team server for the sign-in form (e.g. env VERITY_SERVER_URL). */
  serverUrl?: string | undefined;
  /** How the bearer token is stored on disk; the Electron shell passes safeStorage. */
  tokenCodec?: TokenCodec | undefined;
  /** Replaces the file token store entirely (tests). */
  tokenStore?: TokenStore | undefined;
  fetch?: FetchFn | undefined;
  /** How often to pull without a live socket (default 30 s). */
  syncPollMs?: number | undefined;
  now?: (() => Date) | undefined;
  log?: Logger | undefined;
}

export interface AppServices {
  handlers: IpcHandlers;
  events: AppEvents;
  settings: SettingsService;
  session: SessionService;
  sync: SyncService;
  local: LocalDb;
  close(): Promise<void>;
}

/** The composition root: builds the local store and every service for one cockpit process. */
export async function createAppServices(options: AppServicesOptions): Promise<AppServices> {
  const log = options.log ?? consoleLogger;
  // One engine per data folder: a second web host or desktop on it is refused, naming the first.
  const folder = claimDataDir(options.dataDir, `the Verity cockpit (${options.transport})`, log);
  const local = await openLocalDb({ file: localDbFile(options.dataDir), nativeBinding: options.nativeBinding }).catch((error: unknown) => {
    folder.release();
    throw error;
  });
  const db = local.db;
  const events = new AppEvents(log);
  const kv = new KeyValueStore(db, log);
  const client = new TeamServerClient({ fetch: options.fetch });
  const tokens = options.tokenStore ?? new FileTokenStore(join(options.dataDir, TOKEN_FILE), options.tokenCodec);
  const settings = new SettingsService(db, kv);
  const session = new SessionService({
    db,
    kv,
    tokens,
    client,
    log,
    defaultServerUrl: options.serverUrl,
    now: options.now,
  });
  let locale = (await settings.get()).locale ?? options.osLocale;
  settings.onChange((next) => {
    locale = next.locale ?? options.osLocale;
  });
  const sync = new SyncService({
    local,
    dataDir: options.dataDir,
    session,
    events,
    log,
    locale: () => locale,
    fetch: options.fetch,
    pollMs: options.syncPollMs,
  });
  const queries = new QueriesService({
    db,
    currentUserId: async () => {
      const id = (await session.active())?.userId ?? null;
      // Between sign-in and attaching that user's cache there is nothing to show yet (and never another user's rows).
      if (id !== null && sync.attachedUserId() !== id) throw new AppError('unavailable', 'Opening your workspace…');
      return id;
    },
    now: options.now,
  });

  session.onChange((state) => {
    events.emit('session.changed', state);
    void sync.follow();
  });

  const info: AppInfo = {
    version: options.version,
    transport: options.transport,
    dataDir: options.dataDir,
    osLocale: options.osLocale,
  };

  const handlers = {
    'app.info': async () => info,
    'session.get': () => session.get(),
    // The user's cache is attached before the call returns, so the first query finds it.
    'session.signIn': async (req) => {
      const state = await session.signIn(req);
      await sync.follow();
      return state;
    },
    'session.signOut': async () => {
      const state = await session.signOut();
      await sync.follow();
      return state;
    },
    'settings.get': () => settings.get(),
    'settings.update': (req) => settings.update(req),
    'sync.status': async () => sync.status(),
    'sync.now': () => sync.now(),
    'sync.mutate': async (req) => sync.mutate(req.name, req.args),
    'attention.list': async () => ({ items: sync.attention() }),
    'attention.discard': async (req) => sync.discard(req.mutationId),
    'attention.resend': async (req) => sync.resend(req.mutationId, req.args),
    'workspace.summary': () => queries.workspaceSummary(),
    'agenda.today': (req) => queries.agendaToday(req),
    'pipeline.summary': (req) => queries.pipelineSummary(req),
    'heatMap.get': (req) => queries.heatMap(req),
    'leads.list': (req) => queries.leadsList(req),
    'opportunities.list': (req) => queries.opportunitiesList(req),
    'opportunities.get': (req) => queries.opportunityGet(req),
    'leads.get': (req) => queries.leadGet(req),
    'users.list': (req) =>
      queries.usersList(req, async () => {
        const active = await session.active();
        if (!active) return [];
        const regions = assignableRegions(active);
        return regions === null ? null : [...regions];
      }),
    'activities.list': (req) => queries.activitiesList(req),
  } satisfies IpcHandlers;

  // Attach the signed-in user's cache before any query can run.
  await sync.follow();

  let closed: Promise<void> | null = null;
  return {
    handlers,
    events,
    settings,
    session,
    sync,
    local,
    close: () => {
      closed ??= (async () => {
        await sync.close();
        await local.close();
        folder.release();
      })();
      return closed;
    },
  };
}
