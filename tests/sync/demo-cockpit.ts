import { afterAll, beforeAll } from 'vitest';
import { createDispatcher, type Dispatch } from '../../main/ipc/dispatch';
import { createAppServices, type AppServices } from '../../main/services/app-services';
import { silentLogger } from '../../main/services/logger';
import { startServer, type RunningServer } from '../../server/start';
import type { IpcResult } from '../../shared/ipc/contract';
import { makeTempDirs } from '../main/temp-dir';
import { createTestDatabase, type StoreKind, type TestDatabase } from '../server/store-harness';

/** The value of an IPC result, or a failure naming the error. */
export function ipcValue<T>(result: IpcResult<unknown>): T {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value as T;
}

export interface DemoCockpit {
  server: RunningServer;
  services: AppServices;
  /** The IPC contract as the renderer calls it. */
  dispatch: Dispatch;
}

/**
 * One cockpit (the real services, zh-CN, no polling) against a demo team
 * server on `kind`, for the enclosing describe block. Fields are set before
 * the first test runs.
 */
export function useDemoCockpit(kind: StoreKind): DemoCockpit {
  const dirs = makeTempDirs();
  let database: TestDatabase | undefined;
  const env = {} as DemoCockpit;
  beforeAll(async () => {
    database = await createTestDatabase(kind, { onDisk: true });
    env.server = await startServer({ port: 0, ...database.options, demo: true, logLevel: 'silent', log: () => undefined });
    env.services = await createAppServices({ dataDir: dirs.make(), osLocale: 'zh-CN', transport: 'web', version: 'test', log: silentLogger, syncPollMs: 3_600_000 });
    env.dispatch = createDispatcher(env.services.handlers, silentLogger);
  });
  afterAll(async () => {
    await env.services?.close();
    await env.server?.close();
    await database?.drop();
    dirs.cleanup();
  });
  return env;
}
