import { Anchor, Badge, Group, Paper, Select, Stack, Table, Text } from '@mantine/core';
import { IconAlertTriangle, IconBuildingStore, IconUserCheck, type Icon } from '@tabler/icons-react';
import { memo, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LEAD_SOURCES, type LeadSource } from '../../../../shared/domain/enums';
import type { Lead } from '../../../../shared/domain/entities';
import type { FirstResponseClockView } from '../../../../shared/ipc/contract';
import { useCall } from '../../api/hooks';
import { useRouter } from '../../app/router';
import type { ViewId } from '../../app/views';
import { durations, useFormat } from '../../i18n/format';
import { EmptyHint } from '../../ui/EmptyHint';
import { useSyncGeneration } from '../../app/sync-context';
import { useOwnerName } from '../../app/users-context';
import { FirstSyncNotice } from '../../ui/FirstSyncNotice';
import { LoadError } from '../../ui/LoadError';
import { Pager } from '../../ui/Pager';
import { Loading } from '../../ui/Loading';
import { ViewHeader } from '../../ui/ViewHeader';
import { AttentionBadge } from '../attention/AttentionBadge';
import { freshest } from './lead-assign';
import { LeadDrawer } from './LeadDrawer';
import { STATUS_COLOR } from './lead-status';

type Scope = 'mine' | 'pool' | 'review';
const PAGE = 50;

/** Copy and the empty-state pointer per scope; keys are checked by the typed t(). */
const SCOPES = {
  mine: {
    title: 'leads.myTitle',
    subtitle: 'leads.mySubtitle',
    empty: { title: 'leads.myEmpty.title', body: 'leads.myEmpty.body', next: 'leads.myEmpty.next' },
    icon: IconUserCheck,
    goTo: { view: 'lead-pool', label: 'leads.goToPool' },
  },
  pool: {
    title: 'leads.poolTitle',
    subtitle: 'leads.poolSubtitle',
    empty: { title: 'leads.poolEmpty.title', body: 'leads.poolEmpty.body', next: 'leads.poolEmpty.next' },
    icon: IconBuildingStore,
    goTo: { view: 'my-leads', label: 'leads.goToMine' },
  },
  review: {
    title: 'leads.reviewTitle',
    subtitle: 'leads.reviewSubtitle',
    empty: { title: 'leads.reviewEmpty.title', body: 'leads.reviewEmpty.body', next: 'leads.reviewEmpty.next' },
    icon: IconAlertTriangle,
    goTo: { view: 'team-heat-map', label: 'leads.goToHeatMap' },
  },
} as const satisfies Record<Scope, { icon: Icon; goTo: { view: ViewId; label: string } } & Record<string, unknown>>;

export const MyLeadsView = () => <LeadList scope="mine" />;
export const LeadPoolView = () => <LeadList scope="pool" />;
export const ReviewQueueView = () => <LeadList scope="review" />;

function LeadList({ scope }: { scope: Scope }) {
  const { t } = useTranslation();
  const { navigate } = useRouter();
  const [source, setSource] = useState<LeadSource | null>(null);
  const [page, setPage] = useState(1);
  const [opened, setOpened] = useState<Lead | null>(null);
  const generation = useSyncGeneration();
  const request = { scope, limit: PAGE, offset: (page - 1) * PAGE, ...(source ? { source } : {}) };
  const result = useCall('leads.list', request, `${JSON.stringify(request)}|${generation}`);
  const copy = SCOPES[scope];
  const total = result.data?.total ?? 0;
  const leads = result.data?.leads ?? NO_LEADS;
  // The drawer shows the freshest copy the list has (it re-queries after every change).
  const openLead = freshest(leads.find((l) => l.id === opened?.id), opened);

  // Elements kept between renders: a render for a new data version (before its answer) or for
  // an answer that changed one row re-renders neither the header, the drawer nor the other rows.
  const header = useMemo(
    () => (
      <ViewHeader
        title={t(copy.title)}
        subtitle={t(copy.subtitle)}
        actions={
          <Select
            label={t('leads.filterSource')}
            placeholder={t('leads.allSources')}
            data={LEAD_SOURCES.map((s) => ({ value: s, label: t(`sources.${s}`) }))}
            value={source}
            onChange={(v) => {
              setSource(v as LeadSource | null);
              setPage(1);
            }}
            clearable
            w={200}
            size="sm"
          />
        }
      />
    ),
    [t, copy, source],
  );
  const clocks = result.data?.clocks ?? NO_CLOCKS;
  const table = useMemo(
    () => (
      <Paper withBorder radius="lg" p={0} style={{ overflow: 'hidden' }}>
        <Table.ScrollContainer minWidth={760}>
          <LeadTable scope={scope} leads={leads} clocks={clocks} onOpen={setOpened} />
        </Table.ScrollContainer>
        <Group justify="space-between" px="md" py="sm">
          <Text size="sm" c="dimmed">
            {t('common.showing', { shown: leads.length, total })}
          </Text>
          <Pager total={total} pageSize={PAGE} page={page} onChange={setPage} />
        </Group>
      </Paper>
    ),
    [scope, leads, clocks, t, total, page],
  );
  const drawer = useMemo(() => <LeadDrawer lead={openLead} onClose={() => setOpened(null)} onChange={setOpened} />, [openLead]);

  return (
    <Stack gap={0}>
      {header}
      <FirstSyncNotice />
      {result.error && <LoadError error={result.error} onRetry={result.reload} />}
      {result.loading && !result.data ? (
        <Loading h={240} />
      ) : leads.length === 0 && !result.error ? (
        <EmptyHint
          icon={copy.icon}
          title={t(copy.empty.title)}
          body={t(copy.empty.body)}
          next={t(copy.empty.next)}
          action={{ label: t(copy.goTo.label), onClick: () => navigate(copy.goTo.view) }}
        />
      ) : (
        table
      )}
      {drawer}
    </Stack>
  );
}

const NO_CLOCKS: Record<string, FirstResponseClockView> = {};
const NO_LEADS: Lead[] = [];

function LeadTable({ scope, leads, clocks, onOpen }: { scope: Scope; leads: Lead[]; clocks: Record<string, FirstResponseClockView>; onOpen: (lead: Lead) => void }) {
  const { t } = useTranslation();
  const ownerName = useOwnerName();
  // To the minute, as the durations show it: an unchanged row does not re-render for the clock alone.
  const now = Math.floor(Date.now() / durations.MINUTE) * durations.MINUTE;
  return (
    <Table striped highlightOnHover verticalSpacing="sm" horizontalSpacing="md" aria-label={t('leads.tableLabel')}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('leads.columns.name')}</Table.Th>
          <Table.Th>{t('leads.columns.city')}</Table.Th>
          <Table.Th>{t('leads.columns.source')}</Table.Th>
          <Table.Th>{t('leads.columns.need')}</Table.Th>
          {scope === 'review' ? (
            <>
              <Table.Th>{t('leads.columns.owner')}</Table.Th>
              <Table.Th>{t('leads.columns.waiting')}</Table.Th>
              <Table.Th>{t('leads.columns.decideBy')}</Table.Th>
            </>
          ) : (
            <>
              <Table.Th>{t('leads.columns.status')}</Table.Th>
              <Table.Th>{t('leads.columns.created')}</Table.Th>
              {scope === 'mine' && <Table.Th>{t('leads.columns.firstTouch')}</Table.Th>}
            </>
          )}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {leads.map((lead) => (
          <LeadRow
            key={lead.id}
            scope={scope}
            lead={lead}
            clock={clocks[lead.id]}
            owner={scope === 'review' ? ownerName(lead.ownerId) : null}
            now={scope === 'review' ? now : 0}
            onOpen={onOpen}
          />
        ))}
      </Table.Tbody>
    </Table>
  );
}

interface LeadRowProps {
  scope: Scope;
  lead: Lead;
  clock: FirstResponseClockView | undefined;
  owner: string | null;
  now: number;
  onOpen: (lead: Lead) => void;
}

/**
 * One row, memoized: after a change elsewhere the list's answer keeps the
 * objects of unchanged leads (useCall shares them), so only the changed row renders.
 */
const LeadRow = memo(function LeadRow({ scope, lead, clock, owner, now, onOpen }: LeadRowProps) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const since = Date.parse(clock?.startedAt ?? lead.createdAt);
  // The manager's 2 h decision window opens when the lead tripped the breaker (the read model's clock).
  const decideBy = Date.parse(clock?.decideBy ?? lead.updatedAt);
  return (
    <Table.Tr data-testid={`lead-row-${lead.id}`}>
      <Table.Td>
        <Group gap={6} wrap="nowrap">
          <Anchor component="button" type="button" size="sm" fw={600} c="var(--mantine-color-text)" onClick={() => onOpen(lead)} aria-haspopup="dialog">
            {lead.name}
          </Anchor>
          <AttentionBadge id={lead.id} />
        </Group>
        <Text size="xs" c="dimmed">
          {lead.company ?? t('common.notSet')}
        </Text>
      </Table.Td>
      <Table.Td data-testid="lead-city">{lead.city ?? t('common.notSet')}</Table.Td>
      <Table.Td>{t(`sources.${lead.source}`)}</Table.Td>
      <Table.Td>{t(`needs.${lead.need}`)}</Table.Td>
      {scope === 'review' ? (
        <>
          <Table.Td data-testid="lead-owner">{owner ?? t('leads.noOwner')}</Table.Td>
          <Table.Td>{fmt.duration(now - since)}</Table.Td>
          <Table.Td>
            <Badge variant="light" color={decideBy < now ? 'red' : 'orange'}>
              {fmt.dateTime(new Date(decideBy).toISOString())}
            </Badge>
          </Table.Td>
        </>
      ) : (
        <>
          <Table.Td>
            <Badge variant="light" color={STATUS_COLOR[lead.status]}>
              {t(`leadStatuses.${lead.status}`)}
            </Badge>
          </Table.Td>
          <Table.Td>{fmt.dateTime(lead.createdAt)}</Table.Td>
          {scope === 'mine' && (
            <Table.Td>
              {lead.firstTouchAt ? (
                fmt.dateTime(lead.firstTouchAt)
              ) : (
                <Badge variant="outline" color="orange">
                  {t('leads.notTouched')}
                </Badge>
              )}
            </Table.Td>
          )}
        </>
      )}
    </Table.Tr>
  );
});
