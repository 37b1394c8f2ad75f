import { ActionIcon, Anchor, Badge, Button, Group, Paper, SimpleGrid, Stack, Text, ThemeIcon, Title, Tooltip } from '@mantine/core';
import { IconCalendarEvent, IconCheck, IconChecklist, IconClockHour4, IconHourglassLow, type Icon } from '@tabler/icons-react';
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Task } from '../../../../shared/domain/entities';
import type { AgendaSection, SubjectRef } from '../../../../shared/ipc/contract';
import { ApiError } from '../../api/client';
import { useCall } from '../../api/hooks';
import { useMutate } from '../../api/mutate';
import { useSyncGeneration } from '../../app/sync-context';
import { useFormat } from '../../i18n/format';
import { FirstSyncNotice } from '../../ui/FirstSyncNotice';
import { LoadError } from '../../ui/LoadError';
import { Loading } from '../../ui/Loading';
import { Pager } from '../../ui/Pager';
import { useToast } from '../../ui/toasts';
import { ViewHeader } from '../../ui/ViewHeader';
import { AttentionBadge } from '../attention/AttentionBadge';
import { DealDrawer } from '../pipeline/DealDrawer';
import { agendaRequest, CARD_PAGE, clampAll, COLLAPSED, FIRST_RESPONSE_COLOR, firstResponseLabel, hasMore, type CardPaging } from './agenda-model';
import { LeadDrawerById } from './LeadDrawerById';

const ALL_COLLAPSED: Record<AgendaSection, CardPaging> = {
  firstResponse: COLLAPSED,
  tasksDue: COLLAPSED,
  stallingDeals: COLLAPSED,
  meetingsToday: COLLAPSED,
};

export function AgendaView() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [paging, setPaging] = useState(ALL_COLLAPSED);
  const request = agendaRequest(paging);
  const agenda = useCall('agenda.today', request, `${JSON.stringify(request)}|${useSyncGeneration()}`);
  const [openLead, setOpenLead] = useState<string | null>(null);
  const [openDeal, setOpenDeal] = useState<string | null>(null);
  const open = (subject: SubjectRef | null) => {
    if (subject?.kind === 'lead') setOpenLead(subject.id);
    else if (subject?.kind === 'deal') setOpenDeal(subject.id);
  };
  const data = agenda.data;
  useEffect(() => {
    // Items done or moved on can leave an open card past its last page: step back to the last one.
    if (data)
      setPaging((p) =>
        clampAll(p, {
          firstResponse: data.firstResponse.total,
          tasksDue: data.tasksDue.total,
          stallingDeals: data.stallingDeals.total,
          meetingsToday: data.meetingsToday.total,
        }),
      );
  }, [data]);
  const card = (section: AgendaSection) => ({
    total: data?.[section].total ?? 0,
    paging: paging[section],
    onPaging: (next: CardPaging) => setPaging((p) => ({ ...p, [section]: next })),
  });

  return (
    <Stack gap={0}>
      <ViewHeader title={t('agenda.title')} subtitle={t('agenda.subtitle', { time: data ? fmt.time(data.generatedAt) : '…' })} />
      <FirstSyncNotice />
      {agenda.error && <LoadError error={agenda.error} onRetry={agenda.reload} />}
      {!data && agenda.loading ? (
        <Loading h={360} />
      ) : (
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
          <AgendaCard
            testId="agenda-first-response"
            icon={IconClockHour4}
            color="red"
            title={t('agenda.firstResponse.title')}
            hint={t('agenda.firstResponse.hint')}
            empty={t('agenda.firstResponse.empty')}
            {...card('firstResponse')}
          >
            {data?.firstResponse.items.map(({ lead, clock }) => {
              const label = firstResponseLabel(clock);
              return (
                <Row
                  key={lead.id}
                  primary={lead.name}
                  onOpen={() => setOpenLead(lead.id)}
                  marker={<AttentionBadge id={lead.id} />}
                  secondary={[lead.company, lead.city, t(`sources.${lead.source}`), t(`needs.${lead.need}`)].filter(Boolean).join(' · ')}
                  badge={
                    <Badge color={FIRST_RESPONSE_COLOR[clock.state]} variant="light" data-state={clock.state}>
                      {t(label.key, { time: fmt.duration(label.ms) })}
                    </Badge>
                  }
                />
              );
            })}
          </AgendaCard>

          <AgendaCard
            testId="agenda-tasks"
            icon={IconChecklist}
            color="verity"
            title={t('agenda.tasks.title')}
            hint={t('agenda.tasks.hint')}
            empty={t('agenda.tasks.empty')}
            {...card('tasksDue')}
          >
            {data?.tasksDue.items.map(({ task, overdue, subject }) => (
              <Row
                key={task.id}
                primary={task.title}
                secondary={subject?.label}
                onOpen={subject ? () => open(subject) : undefined}
                marker={<AttentionBadge id={task.id} />}
                action={<CompleteTask task={task} />}
                badge={
                  <Badge color={overdue ? 'red' : 'gray'} variant="light">
                    {overdue
                      ? t('agenda.tasks.overdue', { time: sameDay(task.dueAt, data.generatedAt) ? fmt.time(task.dueAt) : fmt.dateTime(task.dueAt) })
                      : t('agenda.tasks.due', { time: fmt.time(task.dueAt) })}
                  </Badge>
                }
              />
            ))}
          </AgendaCard>

          <AgendaCard
            testId="agenda-stalling"
            icon={IconHourglassLow}
            color="orange"
            title={t('agenda.stalling.title')}
            hint={t('agenda.stalling.hint')}
            empty={t('agenda.stalling.empty')}
            {...card('stallingDeals')}
          >
            {data?.stallingDeals.items.map(({ deal, clock }) => (
              <Row
                key={deal.id}
                primary={deal.name}
                onOpen={() => setOpenDeal(deal.id)}
                marker={<AttentionBadge id={deal.id} />}
                secondary={fmt.money(deal.amount, deal.currency)}
                badge={
                  <Badge color="orange" variant="light">
                    {t('agenda.stalling.days', { days: Math.floor(clock.daysInStage), stage: t(`stages.${deal.stage}`) })}
                  </Badge>
                }
              />
            ))}
          </AgendaCard>

          <AgendaCard
            testId="agenda-meetings"
            icon={IconCalendarEvent}
            color="teal"
            title={t('agenda.meetings.title')}
            hint={t('agenda.meetings.hint')}
            empty={t('agenda.meetings.empty')}
            {...card('meetingsToday')}
          >
            {data?.meetingsToday.items.map(({ activity, subject }) => (
              <Row
                key={activity.id}
                primary={activity.subject}
                secondary={subject?.label}
                onOpen={subject ? () => open(subject) : undefined}
                badge={<Badge color="teal" variant="light">{fmt.time(activity.occurredAt)}</Badge>}
              />
            ))}
          </AgendaCard>
        </SimpleGrid>
      )}
      <LeadDrawerById id={openLead} onClose={() => setOpenLead(null)} />
      <DealDrawer id={openDeal} onClose={() => setOpenDeal(null)} />
    </Stack>
  );
}

/** Same local calendar day as the agenda's own "now". */
function sameDay(iso: string, now: string): boolean {
  return new Date(iso).toDateString() === new Date(now).toDateString();
}

/**
 * One agenda card: its true total, a one-line why, and its rows; "show all"
 * turns it into pages of every item.
 */
function AgendaCard(props: {
  testId: string;
  icon: Icon;
  color: string;
  title: string;
  hint: string;
  empty: string;
  total: number;
  paging: CardPaging;
  onPaging: (paging: CardPaging) => void;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const { icon: IconComponent, color, title, hint, empty, total, paging, onPaging, children, testId } = props;
  return (
    <Paper withBorder radius="lg" p="lg" component="section" aria-label={title} data-testid={testId}>
      <Group justify="space-between" wrap="nowrap" mb={4}>
        <Group gap="sm" wrap="nowrap">
          <ThemeIcon variant="light" color={color} size={36} radius="md" aria-hidden>
            <IconComponent size={20} />
          </ThemeIcon>
          <Title order={3} size="h4">
            {title}
          </Title>
        </Group>
        <Badge size="lg" variant={total > 0 ? 'filled' : 'default'} color={color} data-testid={`${testId}-count`}>
          {total}
        </Badge>
      </Group>
      <Text size="sm" c="dimmed" mb="md">
        {hint}
      </Text>
      {total === 0 ? (
        <Text size="sm" c="dimmed" fs="italic" py="sm" px="md" bg="var(--mantine-color-default-hover)" style={{ borderRadius: 'var(--mantine-radius-md)' }}>
          {empty}
        </Text>
      ) : (
        <Stack gap="xs">
          <Stack gap="xs" data-testid={`${testId}-rows`}>
            {children}
          </Stack>
          {hasMore(total) && (
            <Group justify="space-between" wrap="wrap" gap="xs">
              {paging.expanded ? (
                <>
                  <Pager total={total} pageSize={CARD_PAGE} page={paging.page} onChange={(page) => onPaging({ expanded: true, page })} />
                  <Button variant="subtle" size="compact-sm" onClick={() => onPaging(COLLAPSED)} data-testid={`${testId}-fewer`}>
                    {t('agenda.showFewer')}
                  </Button>
                </>
              ) : (
                <Button variant="subtle" size="compact-sm" onClick={() => onPaging({ expanded: true, page: 1 })} data-testid={`${testId}-all`}>
                  {t('agenda.showAll', { count: total })}
                </Button>
              )}
            </Group>
          )}
        </Stack>
      )}
    </Paper>
  );
}

/** Marks a task done (task.complete@1); it leaves the list at once and uploads with the next sync. */
function CompleteTask({ task }: { task: Task }) {
  const { t } = useTranslation();
  const mutate = useMutate();
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const label = t('agenda.tasks.markDone', { title: task.title });
  return (
    <Tooltip label={label} withArrow>
      <ActionIcon
        variant="light"
        color="teal"
        aria-label={label}
        loading={busy}
        onClick={() => {
          setBusy(true);
          mutate('task.complete@1', { taskId: task.id }).then(
            () => setBusy(false),
            (error: unknown) => {
              setBusy(false);
              toast({ color: 'red', title: t('agenda.tasks.notDone'), message: error instanceof ApiError ? error.message : String(error) });
            },
          );
        }}
        data-testid="task-done"
      >
        <IconCheck size={16} />
      </ActionIcon>
    </Tooltip>
  );
}

function Row(props: { primary: string; secondary?: string | undefined; badge: ReactNode; marker?: ReactNode; action?: ReactNode; onOpen?: (() => void) | undefined }) {
  const { primary, secondary, badge, marker, action, onOpen } = props;
  return (
    <Group justify="space-between" wrap="nowrap" gap="sm" py={6} style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
      <Stack gap={0} style={{ minWidth: 0, flex: 1 }}>
        <Group gap={6} wrap="nowrap">
          {onOpen ? (
            <Anchor component="button" type="button" size="sm" fw={600} c="var(--mantine-color-text)" onClick={onOpen} aria-haspopup="dialog" truncate>
              {primary}
            </Anchor>
          ) : (
            <Text size="sm" fw={600} truncate>
              {primary}
            </Text>
          )}
          {marker}
        </Group>
        {secondary && (
          <Text size="xs" c="dimmed" truncate>
            {secondary}
          </Text>
        )}
      </Stack>
      {/* The name and company give way first: the deadline is what the row is for. */}
      <Group gap="xs" wrap="nowrap" style={{ flexShrink: 0 }}>
        {badge}
        {action}
      </Group>
    </Group>
  );
}
