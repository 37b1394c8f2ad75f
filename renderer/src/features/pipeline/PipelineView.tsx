import { ActionIcon, Badge, Group, Paper, SegmentedControl, SimpleGrid, Stack, Table, Text, Tooltip } from '@mantine/core';
import { IconChevronLeft, IconChevronRight, IconTimeline } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { daysInStage, isStalling } from '../../../../shared/domain/clocks';
import type { Opportunity } from '../../../../shared/domain/entities';
import { STAGES, type Stage } from '../../../../shared/domain/enums';
import { ApiError } from '../../api/client';
import { newId, useMutate } from '../../api/mutate';
import { useCall } from '../../api/hooks';
import { useSignedIn } from '../../app/app-context';
import { useRouter } from '../../app/router';
import { isLeader } from '../../../../shared/domain/roles';
import { useFormat } from '../../i18n/format';
import { EmptyHint } from '../../ui/EmptyHint';
import { useSyncGeneration } from '../../app/sync-context';
import { FirstSyncNotice } from '../../ui/FirstSyncNotice';
import { LoadError } from '../../ui/LoadError';
import { Pager } from '../../ui/Pager';
import { Loading } from '../../ui/Loading';
import { useToast } from '../../ui/toasts';
import { ViewHeader } from '../../ui/ViewHeader';
import { AttentionBadge } from '../attention/AttentionBadge';

const PAGE = 100;

export function PipelineView() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { navigate } = useRouter();
  const session = useSignedIn();
  const leader = isLeader(session.user.role);
  const [scope, setScope] = useState<'mine' | 'team'>(leader ? 'team' : 'mine');
  const [page, setPage] = useState(1);
  const generation = useSyncGeneration();
  const request = { scope, limit: PAGE, offset: (page - 1) * PAGE };
  const result = useCall('opportunities.list', request, `${JSON.stringify(request)}|${generation}`);
  const deals = result.data?.opportunities ?? [];
  const total = result.data?.total ?? 0;
  const now = Date.now();

  const perStage = STAGES.map((stage) => {
    const inStage = deals.filter((d) => d.stage === stage && d.outcome === 'open');
    const currency = inStage[0]?.currency ?? 'CNY';
    return { stage, count: inStage.length, amount: inStage.reduce((sum, d) => sum + d.amount, 0), currency };
  });

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
      {result.error && <LoadError error={result.error} onRetry={result.reload} />}
      {result.loading && !result.data ? (
        <Loading h={320} />
      ) : deals.length === 0 && !result.error ? (
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
              {perStage.map((s, i) => (
                <Paper key={s.stage} withBorder radius="md" p="sm" role="listitem" data-testid={`stage-${s.stage}`}>
                  <Text size="xs" c="dimmed" fw={600}>
                    {i + 1}. {t(`stages.${s.stage}`)}
                  </Text>
                  <Text fw={700} size="xl" lh={1.3}>
                    {s.count}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {fmt.money(s.amount, s.currency)}
                  </Text>
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
                    const days = Math.floor(daysInStage(d.stageEnteredAt, new Date(now)));
                    const stalled = isStalling(d, new Date(now));
                    return (
                      <Table.Tr key={d.id} data-testid={`deal-row-${d.id}`}>
                        <Table.Td>
                          <Group gap={6} wrap="nowrap">
                            <Text size="sm" fw={600}>
                              {d.name}
                            </Text>
                            <AttentionBadge id={d.id} />
                          </Group>
                        </Table.Td>
                        <Table.Td>{t(`stages.${d.stage}`)}</Table.Td>
                        <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                          {fmt.money(d.amount, d.currency)}
                        </Table.Td>
                        <Table.Td ta="right">
                          <Group gap={6} justify="flex-end" wrap="nowrap">
                            {stalled && (
                              <Badge size="xs" color="orange" variant="light">
                                {t('pipeline.stalled')}
                              </Badge>
                            )}
                            <Text size="sm">{days}</Text>
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
    </Stack>
  );
}

/** Moves an open deal one stage back or forward (deal.moveStage@1), applied here at once. */
function StageMove({ deal, canEdit }: { deal: Opportunity; canEdit: boolean }) {
  const { t } = useTranslation();
  const mutate = useMutate();
  const toast = useToast();
  const [busy, setBusy] = useState<'prev' | 'next' | null>(null);
  if (deal.outcome !== 'open' || !canEdit) return null;
  const at = STAGES.indexOf(deal.stage);
  const move = (dir: 'prev' | 'next', to: Stage | undefined) => {
    if (!to) return;
    setBusy(dir);
    mutate('deal.moveStage@1', { opportunityId: deal.id, historyId: newId(), fromStage: deal.stage, toStage: to }).then(
      () => setBusy(null),
      (error: unknown) => {
        setBusy(null);
        toast({ color: 'red', title: t('pipeline.moveFailed', { name: deal.name }), message: error instanceof ApiError ? error.message : String(error) });
      },
    );
  };
  const button = (dir: 'prev' | 'next', to: Stage | undefined) => {
    const label = to ? t(dir === 'prev' ? 'pipeline.moveBack' : 'pipeline.moveForward', { stage: t(`stages.${to}`) }) : '';
    return (
      <Tooltip label={label} withArrow disabled={!to}>
        <ActionIcon
          variant="light"
          size="sm"
          disabled={!to || busy !== null}
          loading={busy === dir}
          onClick={() => move(dir, to)}
          aria-label={label || t(dir === 'prev' ? 'pipeline.firstStage' : 'pipeline.lastStage')}
          data-testid={`deal-${dir}`}
        >
          {dir === 'prev' ? <IconChevronLeft size={14} /> : <IconChevronRight size={14} />}
        </ActionIcon>
      </Tooltip>
    );
  };
  return (
    <Group gap={4} justify="center" wrap="nowrap">
      {button('prev', STAGES[at - 1])}
      {button('next', STAGES[at + 1])}
    </Group>
  );
}
