import { ActionIcon, Badge, Button, Group, Loader, Stack, Text, Tooltip } from '@mantine/core';
import { IconAlertOctagon, IconAlertTriangle, IconCloudCheck, IconCloudOff, IconCloudUpload, IconRefresh } from '@tabler/icons-react';
import { useContext, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SyncStatus } from '../../../shared/ipc/contract';
import { call } from '../api/client';
import { useEvent } from '../api/hooks';
import { useFormat } from '../i18n/format';
import { bootstrapPercent, nextShownStatus, type ShownSyncStatus } from '../ui/first-sync-phase';
import type { Store } from './store';
import { SyncStatusContext, useSync } from './sync-context';

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

/**
 * The header's status bar: connection state (with the reason when not
 * online), first-sync progress, writes waiting to upload, refused writes
 * that need the user, and "sync now".
 */
export function SyncIndicator({ onOpenAttention }: { onOpenAttention: () => void }) {
  const status = useSync();
  const store = useContext(SyncStatusContext);
  const { t } = useTranslation();
  const fmt = useFormat();
  const [syncing, setSyncing] = useState(false);
  if (!status) return null;
  const { color, Icon } = LOOK[status.state];
  const stateLabel = status.bootstrap ? t('sync.firstSyncShort', { percent: bootstrapPercent(status.bootstrap) }) : t(`sync.${status.state}`);

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

  const details = (
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

  return (
    <Group gap={6} wrap="nowrap" role="status" aria-label={t('sync.label')} data-testid="sync-status" data-state={status.state}>
      <Tooltip label={details} multiline withArrow>
        <Badge
          size="lg"
          variant="light"
          color={color}
          // A spinner while syncing: a pulsing dot on the icon was clipped by the badge's edge.
          leftSection={status.state === 'syncing' ? <Loader size={12} color={color} aria-hidden /> : <Icon size={16} aria-hidden />}
          tabIndex={0}
          data-testid="sync-state"
        >
          {stateLabel}
        </Badge>
      </Tooltip>
      {status.pendingWrites > 0 && (
        <Tooltip label={t('sync.pending', { count: status.pendingWrites })} withArrow>
          <Badge size="lg" variant="outline" color="blue" leftSection={<IconCloudUpload size={14} aria-hidden />} data-testid="sync-pending" tabIndex={0}>
            {t('sync.pendingShort', { count: status.pendingWrites })}
          </Badge>
        </Tooltip>
      )}
      {status.needsAttention > 0 && (
        <Button size="compact-sm" color="red" leftSection={<IconAlertOctagon size={14} aria-hidden />} onClick={onOpenAttention} data-testid="sync-attention">
          {t('sync.attention', { count: status.needsAttention })}
        </Button>
      )}
      {status.state !== 'signed_out' && (
        <Tooltip label={t('sync.syncNow')} withArrow>
          <ActionIcon variant="subtle" color="gray" size="lg" onClick={syncNow} loading={syncing} aria-label={t('sync.syncNow')} data-testid="sync-now">
            <IconRefresh size={18} />
          </ActionIcon>
        </Tooltip>
      )}
    </Group>
  );
}
