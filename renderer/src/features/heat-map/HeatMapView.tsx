import { Badge, Paper, Stack, Table, Text } from '@mantine/core';
import { IconFlame } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { HOT_DWELL_RATIO } from '../../../../shared/domain/clocks';
import { useCall } from '../../api/hooks';
import { useRouter } from '../../app/router';
import { useSyncGeneration } from '../../app/sync-context';
import { useFormat } from '../../i18n/format';
import { EmptyHint } from '../../ui/EmptyHint';
import { FirstSyncNotice } from '../../ui/FirstSyncNotice';
import { LoadError } from '../../ui/LoadError';
import { Loading } from '../../ui/Loading';
import { ViewHeader } from '../../ui/ViewHeader';
import { HEAT_COLOR, heatTextColor } from './heat-model';

export function HeatMapView() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { navigate } = useRouter();
  // Every open deal in scope, measured and judged by the cockpit's read model.
  const result = useCall('heatMap.get', { scope: 'team' }, useSyncGeneration());
  const rows = result.data?.stages ?? [];
  const anyOpen = rows.some((r) => r.open > 0);
  const target = rows[0]?.targetDays;

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
          <Table.ScrollContainer minWidth={720}>
            <Table verticalSpacing="sm" horizontalSpacing="md" aria-label={t('heatMap.tableLabel')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('heatMap.columns.stage')}</Table.Th>
                  <Table.Th ta="right">{t('heatMap.columns.openDeals')}</Table.Th>
                  <Table.Th ta="center">{t('heatMap.columns.avgDays')}</Table.Th>
                  <Table.Th ta="right">{t('heatMap.columns.medianDays')}</Table.Th>
                  <Table.Th ta="right">{t('heatMap.columns.maxDays')}</Table.Th>
                  <Table.Th ta="right">{t('heatMap.columns.stalled')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((r, i) => (
                  <Table.Tr key={r.stage} data-testid={`heat-${r.stage}`}>
                    <Table.Td fw={600}>
                      {i + 1}. {t(`stages.${r.stage}`)}
                    </Table.Td>
                    <Table.Td ta="right">{r.open}</Table.Td>
                    <Table.Td ta="center" p={4}>
                      {r.heat ? (
                        <Badge
                          fullWidth
                          size="lg"
                          radius="sm"
                          variant="filled"
                          color={HEAT_COLOR[r.heat]}
                          c={heatTextColor(r.heat)}
                          data-heat={r.heat}
                          data-testid={`heat-${r.stage}-avg`}
                        >
                          {t('heatMap.days', { days: fmt.number(r.avgDays, 1) })}
                        </Badge>
                      ) : (
                        <Text size="sm" c="dimmed">
                          {t('common.notSet')}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td ta="right">{r.open > 0 ? t('heatMap.days', { days: fmt.number(r.medianDays, 1) }) : t('common.notSet')}</Table.Td>
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
          {target !== undefined && (
            <Text size="xs" c="dimmed" px="md" py="sm">
              {t('heatMap.legend', { target: fmt.number(target), hot: fmt.number(target * HOT_DWELL_RATIO) })}
            </Text>
          )}
        </Paper>
      )}
    </Stack>
  );
}
