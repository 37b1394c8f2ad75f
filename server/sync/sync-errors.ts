import { AppError } from '../../shared/api/errors';
import { MIN_SUPPORTED_SCHEMA_VERSION, SYNC_PROTOCOL_VERSION, SYNC_SCHEMA_VERSION, type SyncReset } from '../../shared/sync/protocol';

/** A cockpit older than the server supports: answered 426, its queued writes stay on the cockpit. */
export class UpgradeRequiredError extends Error {
  readonly minSchemaVersion = MIN_SUPPORTED_SCHEMA_VERSION;
  readonly maxSchemaVersion = SYNC_SCHEMA_VERSION;
  constructor(clientSchema: number) {
    super(
      `This Verity is too old for the team server (data schema ${clientSchema}, server accepts ` +
        `${MIN_SUPPORTED_SCHEMA_VERSION}–${SYNC_SCHEMA_VERSION}). Update Verity; your unsent changes are kept.`,
    );
    this.name = 'UpgradeRequiredError';
  }
}

/** The cockpit must rebuild its cache from a snapshot (409). */
export class SyncResetError extends Error {
  readonly body: SyncReset;
  constructor(reset: SyncReset['reset'], message: string) {
    super(message);
    this.name = 'SyncResetError';
    this.body = { reset, message };
  }
}

/** The store failed in a way that may pass (503): the cockpit retries with backoff. */
export class TransientSyncError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransientSyncError';
  }
}

export function checkVersions(protocolVersion: number, schemaVersion: number): void {
  if (protocolVersion !== SYNC_PROTOCOL_VERSION || schemaVersion < MIN_SUPPORTED_SCHEMA_VERSION) {
    throw new UpgradeRequiredError(schemaVersion);
  }
  if (schemaVersion > SYNC_SCHEMA_VERSION) {
    throw new AppError('bad_request', `This cockpit speaks data schema ${schemaVersion}, newer than the server's ${SYNC_SCHEMA_VERSION}. Update the team server.`, ['schemaVersion']);
  }
}

/** Data errors a retry can never fix: integrity (23) and data exceptions (22). */
export function isPermanentStoreError(error: unknown): boolean {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^(22|23)/.test(code);
}
