import { Badge, Drawer, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { isLeader } from '../../../../shared/domain/roles';
import { useCall } from '../../api/hooks';
import { useSignedIn } from '../../app/app-context';
import { useSyncGeneration } from '../../app/sync-context';
import { useOwnerName } from '../../app/users-context';
import { useFormat } from '../../i18n/format';
import { LoadError } from '../../ui/LoadError';
import { Loading } from '../../ui/Loading';
import { StageMove } from './StageMove';

const HISTORY = 10;

/**
 * One deal, opened from the agenda or the pipeline (there is no deal page
 * yet): where it stands, how long it has waited, its latest activities, and
 * the stage move. Closing it clears `id`.
 */
export function DealDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Drawer
      opened={id !== null}
      onClose={onClose}
      position="right"
      size="md"
      title={<Title order={3}>{t('deal.title')}</Title>}
      closeButtonProps={{ 'aria-label': t('common.close') }}
      data-testid="deal-drawer"
    >
      {id !== null && <DealDetail key={id} id={id} />}
    </Drawer>
  );
}

function DealDetail({ id }: { id: string }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const session = useSignedIn();
  const ownerName = useOwnerName();
  const generation = useSyncGeneration();
  const result = useCall('opportunities.get', { id }, `${id}|${generation}`);
  const history = useCall('activities.list', { opportunityId: id, limit: HISTORY }, `${id}|${generation}`);
  if (result.error) return <LoadError error={result.error} onRetry={result.reload} />;
  if (!result.data) return <Loading h={200} />;
  const { opportunity: deal, clock } = result.data;
  const canEdit = isLeader(session.user.role) || deal.ownerId === session.user.id;
  const row = (label: string, value: string) => (
    <Table.Tr>
      <Table.Th w="40%" fw={500} c="dimmed">
        {label}
      </Table.Th>
      <Table.Td>{value}</Table.Td>
    </Table.Tr>
  );
  return (
    <Stack gap="md">
      <Stack gap={4}>
        <Text fw={700} size="lg" data-testid="deal-drawer-name">
          {deal.name}
        </Text>
        <Group gap="xs">
          <Badge variant="light">{t(`stages.${deal.stage}`)}</Badge>
          <Badge variant="light" color={deal.outcome === 'won' ? 'green' : deal.outcome === 'lost' ? 'gray' : 'verity'}>
            {t(`outcomes.${deal.outcome}`)}
          </Badge>
          {clock.stalled && (
            <Badge variant="light" color="orange">
              {t('pipeline.stalled')}
            </Badge>
          )}
        </Group>
      </Stack>
      <Table withRowBorders={false} verticalSpacing={4}>
        <Table.Tbody>
          {row(t('pipeline.columns.amount'), fmt.money(deal.amount, deal.currency))}
          {row(t('pipeline.columns.daysInStage'), fmt.number(Math.floor(clock.daysInStage)))}
          {row(t('deal.stageEntered'), fmt.dateTime(deal.stageEnteredAt))}
          {row(t('pipeline.columns.expectedClose'), deal.expectedCloseOn ? fmt.day(deal.expectedCloseOn) : t('common.notSet'))}
          {row(t('deal.owner'), ownerName(deal.ownerId) ?? t('common.notSet'))}
        </Table.Tbody>
      </Table>
      {deal.outcome === 'open' && canEdit && (
        <Group gap="sm">
          <Text size="sm" c="dimmed">
            {t('pipeline.columns.move')}
          </Text>
          <StageMove deal={deal} canEdit={canEdit} />
        </Group>
      )}
      <Stack gap={4}>
        <Title order={4} size="h5">
          {t('deal.history')}
        </Title>
        {history.error && <LoadError error={history.error} onRetry={history.reload} />}
        {history.data && history.data.activities.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('deal.noHistory')}
          </Text>
        )}
        {history.data?.activities.map((a) => (
          <Group key={a.id} justify="space-between" wrap="nowrap" gap="sm">
            <Text size="sm" truncate>
              {a.subject}
            </Text>
            <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
              {fmt.dateTime(a.occurredAt)}
            </Text>
          </Group>
        ))}
      </Stack>
    </Stack>
  );
}
