import { Alert, Text } from '@mantine/core';
import { IconAlertTriangle, IconCloudOff } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useSyncSelector } from '../app/sync-context';
import { notTriedYet } from './first-sync-phase';

/**
 * Above every view while the cockpit cannot sync: working offline is normal
 * (changes wait on this computer), an outdated cockpit is not.
 */
export function SyncBanner() {
  const { t } = useTranslation();
  // Null while online: status events then do not re-render the banner.
  const sync = useSyncSelector((s) => (s && ((s.state === 'offline' && !notTriedYet(s)) || s.state === 'update_required') ? s : null));
  if (!sync) return null;
  const update = sync.state === 'update_required';
  return (
    <Alert
      variant="light"
      color={update ? 'red' : 'gray'}
      icon={update ? <IconAlertTriangle /> : <IconCloudOff />}
      title={update ? t('sync.updateTitle') : t('sync.offlineTitle')}
      mb="lg"
      data-testid="sync-banner"
      data-state={sync.state}
    >
      <Text size="sm">
        {update ? t('sync.updateHint') : t('sync.offlineHint')}
        {sync.pendingWrites > 0 ? ` ${t('sync.pending', { count: sync.pendingWrites })}.` : ''}
      </Text>
      {sync.message && (
        <Text size="xs" c="dimmed" mt={4}>
          {t('sync.reason', { message: sync.message })}
        </Text>
      )}
    </Alert>
  );
}
