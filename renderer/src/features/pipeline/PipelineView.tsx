import { Anchor, Badge, Group, Paper, SegmentedControl, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { IconTimeline } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isLeader } from '../../../../shared/domain/roles';
import { useCall } from '../../api/hooks';
import { useSignedIn } from '../../app/app-context';
import { useRouter } from '../../app/router';
import { useSyncGeneration } from '../../app/sync-context';
import { useFormat } from '../../i18n/format';
import { EmptyHint } from '../../ui/EmptyHint';
import { FirstSyncNotice } from '../../ui/FirstSyncNotice';
import { LoadError } from '../../ui/LoadError';
import { Loading } from '../../ui/Loading';
import { Pager } from '../../ui/Pager';
import { ViewHeader } from '../../ui/ViewHeader';
import { AttentionBadge } from '../attention/AttentionBadge';
import { DealDrawer } from './DealDrawer';
import { amountLines } from './pipeline-model';
import { StageMove } from './StageMove';

const PAGE = 100;

export function PipelineView() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { navigate } = useRouter();
  const session = useSignedIn();
  const leader = isLeader(session.user.role);
  const [scope, setScope] = useState<'mine' | 'team'>(leader ? 'team' : 'mine');
  const [page, setPage] = useState(1);
  const [openDeal, setOpenDeal] = useState<string | null>(null);
  const generation = useSyncGeneration();
  const request = { scope, limit: PAGE, offset: (page - 1) * PAGE };
  const result = useCall('opportunities.list', request, `${JSON.stringify(request)}|${generation}`);
  // The stage cards cover every deal in scope, whatever page the table shows.
  const summary = useCall('pipeline.summary', { scope }, `${scope}|${generation}`);
  const deals = result.data?.opportunities ?? [];
  const clocks = result.data?.clocks ?? {};
  const total = result.data?.total ?? 0;
  const error = result.error ?? summary.error;

  const scopeControl = leader ? (
    <SegmentedControl
      aria-label={t('pipeline.scope')}
      value={scope}
      onChange={(v) => {
        setScope(v === 'team' ? 'team' : 'mine');
        setPage(1);
      }}
      data={[
        { value: 'mine', label: t('pipeline.scopeMine') },
        { value: 'team', label: t('pipeline.scopeTeam') },
      ]}
    />
  ) : undefined;

  return (
    <Stack gap={0}>
      <ViewHeader title={t('pipeline.title')} subtitle={t('pipeline.subtitle')} actions={scopeControl} />
      <FirstSyncNotice />
      {error && (
        <LoadError
          error={error}
          onRetry={() => {
            result.reload();
            summary.reload();
          }}
        />
      )}
      {(result.loading && !result.data) || (summary.loading && !summary.data) ? (
        <Loading h={320} />
      ) : deals.length === 0 && !error ? (
        <EmptyHint
          icon={IconTimeline}
          title={t('pipeline.empty.title')}
          body={t('pipeline.empty.body')}
          next={t('pipeline.empty.next')}
          action={{ label: t('leads.goToMine'), onClick: () => navigate('my-leads') }}
        />
      ) : (
        <Stack gap="lg">
          <SimpleGrid cols={{ base: 2, sm: 4, xl: 8 }} spacing="sm" aria-label={t('pipeline.stageSummary')} role="list">
            {(summary.data?.stages ?? []).map((s, i) => (
              <Paper key={s.stage} withBorder radius="md" p="sm" role="listitem" data-testid={`stage-${s.stage}`}>
                <Text size="xs" c="dimmed" fw={600}>
                  {i + 1}. {t(`stages.${s.stage}`)}
                </Text>
                <Group gap={6} align="baseline" wrap="nowrap">
                  <Text fw={700} size="xl" lh={1.3} data-testid={`stage-${s.stage}-open`}>
                    {s.open}
                  </Text>
                  {s.stalled > 0 && (
                    <Text size="xs" c="orange" fw={600} data-testid={`stage-${s.stage}-stalled`}>
                      {t('pipeline.stalledCount', { count: s.stalled })}
                    </Text>
                  )}
                </Group>
                {(amountLines(s.amounts, fmt.money) ?? [t('common.notSet')]).map((line) => (
                  <Text key={line} size="xs" c="dimmed">
                    {line}
                  </Text>
                ))}
              </Paper>
            ))}
          </SimpleGrid>
          <Paper withBorder radius="lg" p={0} style={{ overflow: 'hidden' }}>
            <Table.ScrollContainer minWidth={760}>
              <Table striped highlightOnHover verticalSpacing="sm" horizontalSpacing="md" aria-label={t('pipeline.tableLabel')}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('pipeline.columns.name')}</Table.Th>
                    <Table.Th>{t('pipeline.columns.stage')}</Table.Th>
                    <Table.Th ta="right">{t('pipeline.columns.amount')}</Table.Th>
                    <Table.Th ta="right">{t('pipeline.columns.daysInStage')}</Table.Th>
                    <Table.Th>{t('pipeline.columns.expectedClose')}</Table.Th>
                    <Table.Th>{t('pipeline.columns.outcome')}</Table.Th>
                    <Table.Th ta="center">{t('pipeline.columns.move')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {deals.map((d) => {
                    const clock = clocks[d.id];
                    return (
                      <Table.Tr key={d.id} data-testid={`deal-row-${d.id}`}>
                        <Table.Td>
                          <Group gap={6} wrap="nowrap">
                            <Anchor
                              component="button"
                              type="button"
                              size="sm"
                              fw={600}
                              c="var(--mantine-color-text)"
                              onClick={() => setOpenDeal(d.id)}
                              aria-haspopup="dialog"
                            >
                              {d.name}
                            </Anchor>
                            <AttentionBadge id={d.id} />
                          </Group>
                        </Table.Td>
                        <Table.Td>{t(`stages.${d.stage}`)}</Table.Td>
                        <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                          {fmt.money(d.amount, d.currency)}
                        </Table.Td>
                        <Table.Td ta="right">
                          <Group gap={6} justify="flex-end" wrap="nowrap">
                            {clock?.stalled && (
                              <Badge size="xs" color="orange" variant="light">
                                {t('pipeline.stalled')}
                              </Badge>
                            )}
                            <Text size="sm">{clock ? Math.floor(clock.daysInStage) : t('common.notSet')}</Text>
                          </Group>
                        </Table.Td>
                        <Table.Td>{d.expectedCloseOn ? fmt.day(d.expectedCloseOn) : t('common.notSet')}</Table.Td>
                        <Table.Td>
                          <Badge variant="light" color={d.outcome === 'won' ? 'green' : d.outcome === 'lost' ? 'gray' : 'verity'}>
                            {t(`outcomes.${d.outcome}`)}
                          </Badge>
                        </Table.Td>
                        <Table.Td>
                          <StageMove deal={d} canEdit={leader || d.ownerId === session.user.id} />
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Group justify="space-between" px="md" py="sm">
              <Text size="sm" c="dimmed">
                {t('common.showing', { shown: deals.length, total })}
              </Text>
              <Pager total={total} pageSize={PAGE} page={page} onChange={setPage} />
            </Group>
          </Paper>
        </Stack>
      )}
      <DealDrawer id={openDeal} onClose={() => setOpenDeal(null)} />
    </Stack>
  );
}
