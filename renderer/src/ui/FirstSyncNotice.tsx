import { Alert } from '@mantine/core';
import { IconCloudDownload } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useSync } from '../app/sync-context';

/** Says why lists are empty before this computer has its first copy of the team's data. */
export function FirstSyncNotice() {
  const { t } = useTranslation();
  const sync = useSync();
  if (!sync || sync.lastSyncedAt !== null || sync.state === 'signed_out') return null;
  return (
    <Alert variant="light" color="blue" icon={<IconCloudDownload />} title={t('sync.firstSyncTitle')} mb="lg" role="status" data-testid="first-sync-notice">
      {sync.state === 'offline' ? t('sync.firstSyncOffline') : t('sync.firstSyncBody')}
    </Alert>
  );
}
