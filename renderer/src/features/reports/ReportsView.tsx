import { List, Stack, ThemeIcon } from '@mantine/core';
import { IconChartBar, IconTarget } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { EmptyHint } from '../../ui/EmptyHint';
import { ViewHeader } from '../../ui/ViewHeader';

const KPIS = [
  'reports.kpis.assignment',
  'reports.kpis.firstTouch',
  'reports.kpis.density',
  'reports.kpis.stageFailures',
  'reports.kpis.credibility',
] as const;

/** No report calls exist in the contract yet; the empty state lists the KPIs and their targets. */
export function ReportsView() {
  const { t } = useTranslation();
  return (
    <Stack gap={0}>
      <ViewHeader title={t('reports.title')} subtitle={t('reports.subtitle')} />
      <EmptyHint
        icon={IconChartBar}
        title={t('reports.empty.title')}
        body={t('reports.empty.body')}
        details={
          <List
            mt="xs"
            size="sm"
            spacing={6}
            ta="left"
            icon={
              <ThemeIcon size={20} radius="xl" variant="light">
                <IconTarget size={12} />
              </ThemeIcon>
            }
          >
            {KPIS.map((k) => (
              <List.Item key={k}>{t(k)}</List.Item>
            ))}
          </List>
        }
        next={t('reports.empty.next')}
      />
    </Stack>
  );
}
