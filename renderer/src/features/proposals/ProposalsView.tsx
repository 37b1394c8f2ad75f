import { Stack } from '@mantine/core';
import { IconMailOpened } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useRouter } from '../../app/router';
import { EmptyHint } from '../../ui/EmptyHint';
import { ViewHeader } from '../../ui/ViewHeader';

/** The contract has no proposals call yet, so this view explains what it will track. */
export function ProposalsView() {
  const { t } = useTranslation();
  const { navigate } = useRouter();
  return (
    <Stack gap={0}>
      <ViewHeader title={t('proposals.title')} subtitle={t('proposals.subtitle')} />
      <EmptyHint
        icon={IconMailOpened}
        title={t('proposals.empty.title')}
        body={t('proposals.empty.body')}
        next={t('proposals.empty.next')}
        action={{ label: t('proposals.goToPipeline'), onClick: () => navigate('pipeline') }}
      />
    </Stack>
  );
}
