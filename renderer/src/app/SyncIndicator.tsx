import { ActionIcon, Badge, Button, Group, Loader, Stack, Text, Tooltip } from '@mantine/core';
import { IconAlertOctagon, IconAlertTriangle, IconCloudCheck, IconCloudOff, IconCloudUpload, IconRefresh } from '@tabler/icons-react';
import { useContext, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SyncStatus } from '../../../shared/ipc/contract';
import { call } from '../api/client';
import { useEvent } from '../api/hooks';
import { useFormat } from '../i18n/format';
import { bootstrapPercent, nextShownStatus, notTriedYet, type ShownSyncStatus } from '../ui/first-sync-phase';
import type { Store } from './store';
import { SyncStatusContext, useSync, useSyncSelector } from './sync-context';

/**
 * Feeds the frame's status store: one call on mount, then every pushed
 * update. Setting the store re-renders only the components that read it.
 */
export function useSyncStatusFeed(store: Store<ShownSyncStatus | null>): void {
  useEffect(() => {
    let live = true;
    call('sync.status', {}).then(
      // A pushed event that came first is newer than this answer.
      (s) => live && store.get() === null && store.set(nextShownStatus(null, s)),
      (error: unknown) => console.warn('sync.status failed; the status bar waits for the first event', error),
    );
    return () => {
      live = false;
    };
  }, [store]);
  useEvent('sync.status', (s) => store.set(nextShownStatus(store.get(), s)));
}

const LOOK = {
  online: { color: 'teal', Icon: IconCloudCheck },
  syncing: { color: 'blue', Icon: IconRefresh },
  offline: { color: 'gray', Icon: IconCloudOff },
  update_required: { color: 'red', Icon: IconAlertTriangle },
  signed_out: { color: 'gray', Icon: IconCloudOff },
} as const satisfies Record<SyncStatus['state'], unknown>;

/** A sync shorter than this keeps the badge as it was: live updates do not make the header flicker. */
const SLOW_SYNC_MS = 400;

/**
 * The state the badge shows. A first sync and a sync that runs longer than
 * SLOW_SYNC_MS show as syncing; a quick one (a live update, an empty poll)
 * leaves the badge alone, so it neither flickers nor re-renders the header.
 * Read from the store directly: a quick sync's two status events set nothing.
 */
function useBadgeState(store: Store<ShownSyncStatus | null>): SyncStatus['state'] | null {
  const [shown, setShown] = useState<SyncStatus['state'] | null>(() => badgeNow(store.get()));
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const update = (): void => {
      const s = store.get();
      if (s?.state === 'syncing' && !s.bootstrap) {
        timer ??= setTimeout(() => {
          timer = null;
          if (store.get()?.state === 'syncing') setShown('syncing');
        }, SLOW_SYNC_MS);
        return;
      }
      if (timer) clearTimeout(timer);
      timer = null;
      setShown(badgeNow(s));
    };
    update();
    const off = store.subscribe(update);
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [store]);
  return shown;
}

/** The badge for a status as it is now; before the engine's first attempt it is syncing, not offline. */
function badgeNow(s: ShownSyncStatus | null): SyncStatus['state'] | null {
  if (!s) return null;
  return notTriedYet(s) ? 'syncing' : s.state;
}

/**
 * The header's status bar: connection state (with the reason when not
 * online), first-sync progress, writes waiting to upload, refused writes
 * that need the user, and "sync now". Each part reads only what it shows.
 */
export function SyncIndicator({ onOpenAttention }: { onOpenAttention: () => void }) {
  const store = useContext(SyncStatusContext);
  const state = useBadgeState(store);
  const percent = useSyncSelector((s) => (s?.bootstrap ? bootstrapPercent(s.bootstrap) : null));
  const pendingWrites = useSyncSelector((s) => s?.pendingWrites ?? 0);
  const needsAttention = useSyncSelector((s) => s?.needsAttention ?? 0);
  const { t } = useTranslation();
  const [syncing, setSyncing] = useState(false);
  // One element for the tooltip: its content follows the status by itself.
  const details = useMemo(() => <StatusDetails />, []);
  if (!state) return null;
  const { color, Icon } = LOOK[state];
  const stateLabel = percent !== null ? t('sync.firstSyncShort', { percent }) : t(`sync.${state}`);

  const syncNow = () => {
    setSyncing(true);
    call('sync.now', {}).then(
      (s) => {
        store.set(nextShownStatus(store.get(), s));
        setSyncing(false);
      },
      // The failure shows in the status itself (offline, with its reason).
      () => setSyncing(false),
    );
  };

  return (
    <Group gap={6} wrap="nowrap" role="status" aria-label={t('sync.label')} data-testid="sync-status" data-state={state}>
      <Tooltip label={details} multiline withArrow>
        <Badge
          size="lg"
          variant="light"
          color={color}
          // A spinner while syncing: a pulsing dot on the icon was clipped by the badge's edge.
          leftSection={state === 'syncing' ? <Loader size={12} color={color} aria-hidden /> : <Icon size={16} aria-hidden />}
          tabIndex={0}
          data-testid="sync-state"
        >
          {stateLabel}
        </Badge>
      </Tooltip>
      {pendingWrites > 0 && (
        <Tooltip label={t('sync.pending', { count: pendingWrites })} withArrow>
          <Badge size="lg" variant="outline" color="blue" leftSection={<IconCloudUpload size={14} aria-hidden />} data-testid="sync-pending" tabIndex={0}>
            {t('sync.pendingShort', { count: pendingWrites })}
          </Badge>
        </Tooltip>
      )}
      {needsAttention > 0 && (
        <Button size="compact-sm" color="red" leftSection={<IconAlertOctagon size={14} aria-hidden />} onClick={onOpenAttention} data-testid="sync-attention">
          {t('sync.attention', { count: needsAttention })}
        </Button>
      )}
      {state !== 'signed_out' && (
        <Tooltip label={t('sync.syncNow')} withArrow>
          <ActionIcon variant="subtle" color="gray" size="lg" onClick={syncNow} loading={syncing} aria-label={t('sync.syncNow')} data-testid="sync-now">
            <IconRefresh size={18} />
          </ActionIcon>
        </Tooltip>
      )}
    </Group>
  );
}

/** The status bar's tooltip: the whole status, in words. */
function StatusDetails() {
  const status = useSync();
  const { t } = useTranslation();
  const fmt = useFormat();
  if (!status) return null;
  return (
    <Stack gap={2} maw={300}>
      <Text size="xs" fw={700}>
        {t(`sync.${status.state}`)}
      </Text>
      {status.message && status.state !== 'online' && (
        <Text size="xs" data-testid="sync-message">
          {status.message}
        </Text>
      )}
      <Text size="xs">
        {status.lastSyncedAt ? t('sync.lastSynced', { time: fmt.dateTime(status.lastSyncedAt) }) : t('sync.neverSynced')}
      </Text>
      {status.bootstrap && (
        <Text size="xs">
          {t('sync.firstSyncParts', {
            done: status.bootstrap.partsDone,
            total: status.bootstrap.partsTotal,
            rows: fmt.number(status.bootstrap.rowsDone),
            rowsTotal: fmt.number(status.bootstrap.rowsTotal),
          })}
        </Text>
      )}
      {status.pendingWrites > 0 && <Text size="xs">{t('sync.pending', { count: status.pendingWrites })}</Text>}
      {status.state === 'offline' && <Text size="xs">{t('sync.offlineHint')}</Text>}
      {status.state === 'update_required' && <Text size="xs">{t('sync.updateHint')}</Text>}
    </Stack>
  );
}
