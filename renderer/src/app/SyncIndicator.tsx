import { Badge, Group, Indicator, Stack, Text, Tooltip } from '@mantine/core';
import { IconCloudCheck, IconCloudOff, IconRefresh } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SyncStatus } from '../../../shared/ipc/contract';
import { call } from '../api/client';
import { useEvent } from '../api/hooks';
import { useFormat } from '../i18n/format';

/** The latest sync status: one call on mount, then every pushed update. */
export function useSyncStatus(): SyncStatus | null {
  const [status, setStatus] = useState<SyncStatus | null>(null);
  useEffect(() => {
    let live = true;
    call('sync.status', {}).then(
      (s) => live && setStatus((current) => current ?? s),
      () => undefined, // the header simply shows nothing until the first event
    );
    return () => {
      live = false;
    };
  }, []);
  useEvent('sync.status', setStatus);
  return status;
}

const LOOK = {
  online: { color: 'teal', Icon: IconCloudCheck },
  syncing: { color: 'blue', Icon: IconRefresh },
  offline: { color: 'gray', Icon: IconCloudOff },
  signed_out: { color: 'gray', Icon: IconCloudOff },
} as const;

export function SyncIndicator({ status }: { status: SyncStatus | null }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  if (!status) return null;
  const { color, Icon } = LOOK[status.state];
  const stateLabel = t(`sync.${status.state}`);
  const details = (
    <Stack gap={2}>
      <Text size="xs">{stateLabel}</Text>
      <Text size="xs">
        {status.lastSyncedAt ? t('sync.lastSynced', { time: fmt.dateTime(status.lastSyncedAt) }) : t('sync.neverSynced')}
      </Text>
      {status.pendingWrites > 0 && <Text size="xs">{t('sync.pending', { count: status.pendingWrites })}</Text>}
      {status.state === 'offline' && (
        <Text size="xs" maw={260}>
          {t('sync.offlineHint')}
        </Text>
      )}
    </Stack>
  );
  return (
    <Group gap={6} wrap="nowrap" role="status" aria-label={t('sync.label')} data-testid="sync-status" data-state={status.state}>
      <Tooltip label={details} multiline withArrow>
        <Badge
          size="lg"
          variant="light"
          color={color}
          leftSection={
            <Indicator disabled={status.state !== 'syncing'} processing size={6} color={color} offset={-2}>
              <Icon size={16} aria-hidden />
            </Indicator>
          }
          tabIndex={0}
        >
          {stateLabel}
          {status.pendingWrites > 0 ? ` · ${t('sync.pendingShort', { count: status.pendingWrites })}` : ''}
        </Badge>
      </Tooltip>
      {status.needsAttention > 0 && (
        <Badge size="lg" variant="filled" color="orange" data-testid="sync-attention">
          {t('sync.attention', { count: status.needsAttention })}
        </Badge>
      )}
    </Group>
  );
}
