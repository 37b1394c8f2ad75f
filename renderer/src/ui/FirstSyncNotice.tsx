import { Alert, Progress, Stack, Text } from '@mantine/core';
import { IconCloudDownload } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useSyncSelector } from '../app/sync-context';
import { useFormat } from '../i18n/format';
import { firstSyncPhase } from './first-sync-phase';

/**
 * Says why lists are empty before this computer has its first copy of the
 * team's data, and what the copy is doing from the first moment: preparing
 * (an indeterminate bar), parts and rows loaded, finishing.
 */
export function FirstSyncNotice() {
  const { t } = useTranslation();
  const fmt = useFormat();
  // Null once there is a copy: status events then do not re-render the notice.
  const sync = useSyncSelector((s) => (firstSyncPhase(s) ? s : null));
  const phase = firstSyncPhase(sync);
  if (!sync || !phase) return null;
  const syncing = sync.state === 'syncing';
  return (
    <Alert variant="light" color="blue" icon={<IconCloudDownload />} title={t('sync.firstSyncTitle')} mb="lg" role="status" data-testid="first-sync-notice">
      <Stack gap="xs">
        <Text size="sm">{phase.phase === 'offline' ? t('sync.firstSyncOffline') : t('sync.firstSyncBody')}</Text>
        {phase.phase !== 'offline' && (
          <>
            <Progress
              value={phase.phase === 'preparing' ? 100 : phase.percent}
              size="lg"
              radius="xl"
              striped
              animated={syncing}
              aria-label={t('sync.firstSyncProgress')}
              aria-valuetext={phase.phase === 'preparing' ? t('sync.firstSyncPreparing') : undefined}
              data-testid="first-sync-progress"
              data-phase={phase.phase}
              // Preparing has no amount yet: a faint moving bar, not a full one.
              opacity={phase.phase === 'preparing' ? 0.45 : 1}
            />
            <Text size="xs" c="dimmed" data-testid="first-sync-step">
              {phase.phase === 'preparing'
                ? t('sync.firstSyncPreparing')
                : `${t('sync.firstSyncParts', {
                    done: phase.progress.partsDone,
                    total: phase.progress.partsTotal,
                    rows: fmt.number(phase.progress.rowsDone),
                    rowsTotal: fmt.number(phase.progress.rowsTotal),
                  })}${phase.phase === 'finishing' ? ` · ${t('sync.firstSyncFinishing')}` : ''}`}
            </Text>
          </>
        )}
      </Stack>
    </Alert>
  );
}
