import { Badge, Paper, Stack, Table, Text } from '@mantine/core';
import { IconFlame } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { STAGES, type Stage } from '../../../../shared/domain/enums';
import { daysInStage, isStalling } from '../../../../shared/domain/clocks';
import type { Opportunity } from '../../../../shared/domain/entities';
import { useCall } from '../../api/hooks';
import { useRouter } from '../../app/router';
import { useFormat } from '../../i18n/format';
import { EmptyHint } from '../../ui/EmptyHint';
import { useSyncGeneration } from '../../app/sync-context';
import { FirstSyncNotice } from '../../ui/FirstSyncNotice';
import { LoadError } from '../../ui/LoadError';
import { Loading } from '../../ui/Loading';
import { ViewHeader } from '../../ui/ViewHeader';

interface StageHeat {
  stage: Stage;
  open: number;
  avgDays: number;
  maxDays: number;
  stalled: number;
}

function heatByStage(deals: Opportunity[], now: number): StageHeat[] {
  return STAGES.map((stage) => {
    const open = deals.filter((d) => d.outcome === 'open' && d.stage === stage);
    const days = open.map((d) => daysInStage(d.stageEnteredAt, new Date(now)));
    const sum = days.reduce((a, b) => a + b, 0);
    return {
      stage,
      open: days.length,
      avgDays: days.length ? sum / days.length : 0,
      maxDays: days.length ? Math.max(...days) : 0,
      stalled: open.filter((d) => isStalling(d, new Date(now))).length,
    };
  });
}

/** Green under 5 days, yellow to 10, red beyond (DOMAIN.md: 14 days against an industry 7 is the alarm). */
function heatColor(days: number): string {
  if (days < 5) return 'teal';
  if (days <= 10) return 'yellow';
  return 'red';
}

export function HeatMapView() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { navigate } = useRouter();
  const result = useCall('opportunities.list', { scope: 'team', limit: 500 }, useSyncGeneration());
  const deals = result.data?.opportunities ?? [];
  const rows = heatByStage(deals, Date.now());
  const anyOpen = rows.some((r) => r.open > 0);

  return (
    <Stack gap={0}>
      <ViewHeader title={t('heatMap.title')} subtitle={t('heatMap.subtitle')} />
      <FirstSyncNotice />
      {result.error && <LoadError error={result.error} onRetry={result.reload} />}
      {result.loading && !result.data ? (
        <Loading h={320} />
      ) : !anyOpen && !result.error ? (
        <EmptyHint
          icon={IconFlame}
          title={t('heatMap.empty.title')}
          body={t('heatMap.empty.body')}
          next={t('heatMap.empty.next')}
          action={{ label: t('heatMap.goToReview'), onClick: () => navigate('review-queue') }}
        />
      ) : (
        <Paper withBorder radius="lg" p={0} style={{ overflow: 'hidden' }}>
          <Table.ScrollContainer minWidth={640}>
            <Table verticalSpacing="sm" horizontalSpacing="md" aria-label={t('heatMap.tableLabel')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('heatMap.columns.stage')}</Table.Th>
                  <Table.Th ta="right">{t('heatMap.columns.openDeals')}</Table.Th>
                  <Table.Th ta="center">{t('heatMap.columns.avgDays')}</Table.Th>
                  <Table.Th ta="right">{t('heatMap.columns.maxDays')}</Table.Th>
                  <Table.Th ta="right">{t('heatMap.columns.stalled')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((r, i) => (
                  <Table.Tr key={r.stage}>
                    <Table.Td fw={600}>
                      {i + 1}. {t(`stages.${r.stage}`)}
                    </Table.Td>
                    <Table.Td ta="right">{r.open}</Table.Td>
                    <Table.Td ta="center" p={4}>
                      {r.open > 0 ? (
                        <Badge fullWidth size="lg" radius="sm" variant="filled" color={heatColor(r.avgDays)} c={r.avgDays > 5 && r.avgDays <= 10 ? 'dark' : undefined}>
                          {t('heatMap.days', { days: fmt.number(r.avgDays, 1) })}
                        </Badge>
                      ) : (
                        <Text size="sm" c="dimmed">
                          {t('common.notSet')}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td ta="right">{r.open > 0 ? t('heatMap.days', { days: fmt.number(r.maxDays, 0) }) : t('common.notSet')}</Table.Td>
                    <Table.Td ta="right">
                      {r.stalled > 0 ? (
                        <Badge color="orange" variant="light">
                          {r.stalled}
                        </Badge>
                      ) : (
                        0
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Text size="xs" c="dimmed" px="md" py="sm">
            {t('heatMap.legend')}
          </Text>
        </Paper>
      )}
    </Stack>
  );
}
