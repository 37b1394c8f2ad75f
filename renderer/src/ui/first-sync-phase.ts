import type { BootstrapProgress, SyncStatus } from '../../../shared/ipc/contract';

/**
 * The sync status as the renderer shows it: main's status, plus the progress
 * of a first copy that finished loading in this session. Main clears
 * `bootstrap` once the copy is swapped in, but until the pull that follows
 * ends (lastSyncedAt set) the copy is still being finished, not prepared.
 */
export type ShownSyncStatus = SyncStatus & { loadedCopy: BootstrapProgress | null };

export function nextShownStatus(previous: ShownSyncStatus | null, status: SyncStatus): ShownSyncStatus {
  const boot = status.bootstrap;
  if (boot) return { ...status, loadedCopy: boot.partsTotal > 0 && boot.partsDone >= boot.partsTotal ? boot : null };
  return { ...status, loadedCopy: status.lastSyncedAt === null ? (previous?.loadedCopy ?? null) : null };
}

/**
 * What the first copy of the team's data is doing, from the sync status:
 * - preparing: signed in, nothing copied yet and no part counted (the engine
 *   is signing in or asking the server what to send);
 * - loading: parts are counted and rows arrive;
 * - finishing: every part is in; indexes are built, the copy swapped in and
 *   the changes made meanwhile pulled;
 * - offline: nothing copied and the server cannot be reached;
 * - null: there is a copy (or nobody is signed in): nothing to say.
 */
export type FirstSyncPhase =
  | { phase: 'preparing' }
  | { phase: 'loading' | 'finishing'; progress: BootstrapProgress; percent: number }
  | { phase: 'offline' };

export function firstSyncPhase(status: ShownSyncStatus | null): FirstSyncPhase | null {
  if (!status || status.state === 'signed_out') return null;
  const boot = status.bootstrap ?? (status.state === 'syncing' ? status.loadedCopy : null);
  if (boot && boot.partsTotal > 0) {
    return { phase: boot.partsDone >= boot.partsTotal ? 'finishing' : 'loading', progress: boot, percent: bootstrapPercent(boot) };
  }
  // update_required: the banner above every view says why nothing moves.
  if ((!boot && status.lastSyncedAt !== null) || status.state === 'update_required') return null;
  return status.state === 'offline' && !notTriedYet(status) ? { phase: 'offline' } : { phase: 'preparing' };
}

/**
 * The engine starts "offline" with no reason before its first attempt; every
 * failed attempt gives one. Until then nothing says the server is unreachable.
 */
export function notTriedYet(status: SyncStatus): boolean {
  return status.state === 'offline' && status.message === null;
}

/** 0–100, by rows when the snapshot says how many, else by parts. */
export function bootstrapPercent(b: BootstrapProgress): number {
  if (b.rowsTotal > 0) return Math.min(100, Math.round((b.rowsDone / b.rowsTotal) * 100));
  if (b.partsTotal > 0) return Math.min(100, Math.round((b.partsDone / b.partsTotal) * 100));
  return 0;
}
