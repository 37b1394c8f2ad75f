import { Alert, Progress, Stack, Text } from '@mantine/core';
import { IconCloudDownload } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useSync } from '../app/sync-context';
import { bootstrapPercent } from '../app/SyncIndicator';
import { useFormat } from '../i18n/format';

/**
 * Says why lists are empty before this computer has its first copy of the
 * team's data, with the copy's progress (parts and rows) while it runs.
 */
export function FirstSyncNotice() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const sync = useSync();
  if (!sync || sync.state === 'signed_out') return null;
  const boot = sync.bootstrap;
  if (!boot && sync.lastSyncedAt !== null) return null;
  const percent = boot ? bootstrapPercent(boot) : 0;
  return (
    <Alert variant="light" color="blue" icon={<IconCloudDownload />} title={t('sync.firstSyncTitle')} mb="lg" role="status" data-testid="first-sync-notice">
      <Stack gap="xs">
        <Text size="sm">{sync.state === 'offline' ? t('sync.firstSyncOffline') : t('sync.firstSyncBody')}</Text>
        {boot && (
          <>
            <Progress
              value={percent}
              size="lg"
              radius="xl"
              striped
              animated={sync.state === 'syncing'}
              aria-label={t('sync.firstSyncProgress')}
              data-testid="first-sync-progress"
            />
            <Text size="xs" c="dimmed">
              {t('sync.firstSyncParts', {
                done: boot.partsDone,
                total: boot.partsTotal,
                rows: fmt.number(boot.rowsDone),
                rowsTotal: fmt.number(boot.rowsTotal),
              })}
            </Text>
          </>
        )}
      </Stack>
    </Alert>
  );
}
