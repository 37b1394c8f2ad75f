import { ActionIcon, Anchor, Badge, Group, Paper, SimpleGrid, Stack, Text, ThemeIcon, Title, Tooltip } from '@mantine/core';
import {
  IconCalendarEvent,
  IconCheck,
  IconChecklist,
  IconClockHour4,
  IconFileCheck,
  IconHourglassLow,
  type Icon,
} from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { daysInStage, FIRST_RESPONSE_MS, HEALTHY_FIRST_RESPONSE_MS as HEALTHY_MS, REVIEW_AFTER_MS as REVIEW_MS } from '../../../../shared/domain/clocks';
import type { Lead, Task } from '../../../../shared/domain/entities';
import type { IpcEventPayload } from '../../../../shared/ipc/contract';
import { ApiError } from '../../api/client';
import { useMutate } from '../../api/mutate';
import { useCall, useEvent } from '../../api/hooks';
import { useFormat } from '../../i18n/format';
import { useSyncGeneration } from '../../app/sync-context';
import { FirstSyncNotice } from '../../ui/FirstSyncNotice';
import { LoadError } from '../../ui/LoadError';
import { Loading } from '../../ui/Loading';
import { useToast } from '../../ui/toasts';
import { ViewHeader } from '../../ui/ViewHeader';
import { AttentionBadge } from '../attention/AttentionBadge';
import { freshest } from '../leads/lead-assign';
import { LeadDrawer } from '../leads/LeadDrawer';


type Proposal = IpcEventPayload<'proposal.opened'>;

export function AgendaView() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const agenda = useCall('agenda.today', {}, useSyncGeneration());
  // Opened proposals arrive as live events; they are kept for as long as the view is open.
  const [proposals, setProposals] = useState<Proposal[]>([]);
  useEvent('proposal.opened', (p) => setProposals((list) => [p, ...list.filter((x) => x.proposalId !== p.proposalId)]));
  useEvent('lead.routed', () => agenda.reload());
  const [opened, setOpened] = useState<Lead | null>(null);
  const openLead = freshest(agenda.data?.leadsAwaitingFirstTouch.find((l) => l.id === opened?.id), opened);

  const data = agenda.data;
  const now = Date.now();
  const today = new Date().toDateString();
  const meetings = (data?.recentActivities ?? []).filter(
    (a) => (a.type === 'meeting' || a.type === 'visit') && new Date(a.occurredAt).toDateString() === today,
  );

  return (
    <Stack gap={0}>
      <ViewHeader
        title={t('agenda.title')}
        subtitle={t('agenda.subtitle', { time: data ? fmt.time(data.generatedAt) : '…' })}
      />
      <FirstSyncNotice />
      {agenda.error && <LoadError error={agenda.error} onRetry={agenda.reload} />}
      {!data && agenda.loading ? (
        <Loading h={360} />
      ) : (
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
          <AgendaGroup
            testId="agenda-first-response"
            icon={IconClockHour4}
            color="red"
            title={t('agenda.firstResponse.title')}
            hint={t('agenda.firstResponse.hint')}
            count={data?.leadsAwaitingFirstTouch.length ?? 0}
            empty={t('agenda.firstResponse.empty')}
          >
            {data?.leadsAwaitingFirstTouch.map((lead) => {
              const waited = now - Date.parse(lead.assignedAt ?? lead.createdAt);
              const left = FIRST_RESPONSE_MS - waited;
              const color = waited < HEALTHY_MS ? 'teal' : left > 0 ? 'yellow' : 'red';
              const label =
                left > 0
                  ? t('agenda.firstResponse.left', { time: fmt.duration(left) })
                  : waited < REVIEW_MS
                    ? t('agenda.firstResponse.reviewSoon', { time: fmt.duration(REVIEW_MS - waited) })
                    : t('agenda.firstResponse.overdue', { time: fmt.duration(left) });
              return (
                <Row
                  key={lead.id}
                  primary={lead.name}
                  onOpen={() => setOpened(lead)}
                  marker={<AttentionBadge id={lead.id} />}
                  secondary={[lead.company, lead.city, t(`sources.${lead.source}`), t(`needs.${lead.need}`)].filter(Boolean).join(' · ')}
                  badge={<Badge color={color} variant="light">{label}</Badge>}
                />
              );
            })}
          </AgendaGroup>

          <AgendaGroup
            testId="agenda-tasks"
            icon={IconChecklist}
            color="verity"
            title={t('agenda.tasks.title')}
            hint={t('agenda.tasks.hint')}
            count={data?.tasksDue.length ?? 0}
            empty={t('agenda.tasks.empty')}
          >
            {data?.tasksDue.map((task) => {
              const late = Date.parse(task.dueAt) < now;
              return (
                <Row
                  key={task.id}
                  primary={task.title}
                  marker={<AttentionBadge id={task.id} />}
                  action={<CompleteTask task={task} />}
                  badge={
                    <Badge color={late ? 'red' : 'gray'} variant="light">
                      {late
                        ? t('agenda.tasks.overdue', { time: sameDay(task.dueAt) ? fmt.time(task.dueAt) : fmt.dateTime(task.dueAt) })
                        : t('agenda.tasks.due', { time: fmt.time(task.dueAt) })}
                    </Badge>
                  }
                />
              );
            })}
          </AgendaGroup>

          <AgendaGroup
            testId="agenda-proposals"
            icon={IconFileCheck}
            color="grape"
            title={t('agenda.proposals.title')}
            hint={t('agenda.proposals.hint')}
            count={proposals.length}
            empty={t('agenda.proposals.empty')}
          >
            {proposals.map((p) => (
              <Row
                key={p.proposalId}
                primary={p.contactName}
                badge={<Badge color="grape" variant="light">{t('agenda.proposals.opened', { time: fmt.time(p.openedAt) })}</Badge>}
              />
            ))}
          </AgendaGroup>

          <AgendaGroup
            testId="agenda-stalling"
            icon={IconHourglassLow}
            color="orange"
            title={t('agenda.stalling.title')}
            hint={t('agenda.stalling.hint')}
            count={data?.stallingDeals.length ?? 0}
            empty={t('agenda.stalling.empty')}
          >
            {data?.stallingDeals.map((deal) => (
              <Row
                key={deal.id}
                primary={deal.name}
                secondary={fmt.money(deal.amount, deal.currency)}
                badge={
                  <Badge color="orange" variant="light">
                    {t('agenda.stalling.days', {
                      days: Math.floor(daysInStage(deal.stageEnteredAt, new Date(now))),
                      stage: t(`stages.${deal.stage}`),
                    })}
                  </Badge>
                }
              />
            ))}
          </AgendaGroup>

          <AgendaGroup
            testId="agenda-meetings"
            icon={IconCalendarEvent}
            color="teal"
            title={t('agenda.meetings.title')}
            hint={t('agenda.meetings.hint')}
            count={meetings.length}
            empty={t('agenda.meetings.empty')}
          >
            {meetings.map((m) => (
              <Row
                key={m.id}
                primary={m.subject}
                badge={<Badge color="teal" variant="light">{fmt.time(m.occurredAt)}</Badge>}
              />
            ))}
          </AgendaGroup>
        </SimpleGrid>
      )}
      <LeadDrawer lead={openLead} onClose={() => setOpened(null)} onChange={setOpened} />
    </Stack>
  );
}

const MAX_ROWS = 8;

function sameDay(iso: string): boolean {
  return new Date(iso).toDateString() === new Date().toDateString();
}

/** One agenda group: a card with its count, a one-line why, and its rows or an empty line. */
function AgendaGroup(props: {
  testId: string;
  icon: Icon;
  color: string;
  title: string;
  hint: string;
  count: number;
  empty: string;
  children?: ReactNode;
}) {
  const { icon: IconComponent, color, title, hint, count, empty, children, testId } = props;
  const rows = Array.isArray(children) ? children.slice(0, MAX_ROWS) : children;
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
        <Badge size="lg" variant={count > 0 ? 'filled' : 'default'} color={color} data-testid={`${testId}-count`}>
          {count}
        </Badge>
      </Group>
      <Text size="sm" c="dimmed" mb="md">
        {hint}
      </Text>
      {count === 0 ? (
        <Text size="sm" c="dimmed" fs="italic" py="sm" px="md" bg="var(--mantine-color-default-hover)" style={{ borderRadius: 'var(--mantine-radius-md)' }}>
          {empty}
        </Text>
      ) : (
        <Stack gap="xs">{rows}</Stack>
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

function Row(props: { primary: string; secondary?: string; badge: ReactNode; marker?: ReactNode; action?: ReactNode; onOpen?: () => void }) {
  const { primary, secondary, badge, marker, action, onOpen } = props;
  return (
    <Group justify="space-between" wrap="nowrap" gap="sm" py={6} style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
      <Stack gap={0} style={{ minWidth: 0 }}>
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
      <Group gap="xs" wrap="nowrap">
        {badge}
        {action}
      </Group>
    </Group>
  );
}
