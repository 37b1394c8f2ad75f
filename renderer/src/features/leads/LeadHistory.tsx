import { Button, Group, Skeleton, Text, ThemeIcon, Timeline, Tooltip } from '@mantine/core';
import { IconBrandWechat, IconMail, IconMapPin, IconNote, IconPhone, IconUsers, type Icon } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ActivityType } from '../../../../shared/domain/enums';
import { useCall } from '../../api/hooks';
import { useSyncGeneration } from '../../app/sync-context';
import { useOwnerName } from '../../app/users-context';
import { useFormat } from '../../i18n/format';
import { LoadError } from '../../ui/LoadError';

const TYPE_ICON: Record<ActivityType, Icon> = {
  call: IconPhone,
  email: IconMail,
  meeting: IconUsers,
  visit: IconMapPin,
  wechat: IconBrandWechat,
  note: IconNote,
};

const PAGE = 10;
/** The contract's largest page; a lead with more history than this shows its newest 500. */
const MAX_SHOWN = 500;

/**
 * A lead's activities, newest first. "More" asks for a longer first page
 * rather than appending, so a refresh after a touch or a pull stays in order.
 */
export function LeadHistory({ leadId }: { leadId: string }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const ownerName = useOwnerName();
  const [limit, setLimit] = useState(PAGE);
  const generation = useSyncGeneration();
  const result = useCall('activities.list', { leadId, limit }, `${leadId}|${limit}|${generation}`);
  const activities = result.data?.activities ?? [];
  const total = result.data?.total ?? 0;
  const now = Date.now();

  if (result.error && !result.data) return <LoadError error={result.error} onRetry={result.reload} />;
  if (!result.data) return <Skeleton h={80} radius="md" aria-busy="true" aria-label={t('common.loading')} />;
  if (activities.length === 0) {
    return (
      <Text size="sm" c="dimmed" data-testid="lead-history-empty">
        {t('leadHistory.empty')}
      </Text>
    );
  }

  return (
    <>
      <Timeline bulletSize={26} lineWidth={2} aria-label={t('leadHistory.label')} data-testid="lead-history">
        {activities.map((a) => {
          const TypeIcon = TYPE_ICON[a.type];
          return (
            <Timeline.Item
              key={a.id}
              data-testid="history-item"
              bullet={
                <ThemeIcon size={26} radius="xl" variant="light" aria-label={t(`activityTypes.${a.type}`)} role="img">
                  <TypeIcon size={15} aria-hidden />
                </ThemeIcon>
              }
              title={
                <Text size="sm" fw={600} data-testid="history-subject">
                  {a.subject}
                </Text>
              }
            >
              {a.body && (
                <Text size="sm" c="dimmed" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} lineClamp={4}>
                  {a.body}
                </Text>
              )}
              <Group gap={6} mt={4}>
                <Text size="xs" c="dimmed">
                  {t(`activityTypes.${a.type}`)}
                </Text>
                <Text size="xs" c="dimmed" aria-hidden>
                  ·
                </Text>
                <Tooltip label={fmt.exact(a.occurredAt)} withArrow openDelay={300}>
                  <Text size="xs" c="dimmed" component="time" dateTime={a.occurredAt} data-testid="history-when">
                    {fmt.relative(a.occurredAt, now)}
                  </Text>
                </Tooltip>
                <Text size="xs" c="dimmed" aria-hidden>
                  ·
                </Text>
                <Text size="xs" c="dimmed">
                  {ownerName(a.ownerId)}
                </Text>
              </Group>
            </Timeline.Item>
          );
        })}
      </Timeline>
      <Group justify="space-between" mt="xs">
        <Text size="xs" c="dimmed">
          {t('common.showing', { shown: activities.length, total })}
        </Text>
        {activities.length < total && limit < MAX_SHOWN && (
          <Button
            size="compact-sm"
            variant="subtle"
            loading={result.loading}
            onClick={() => setLimit((l) => Math.min(l + PAGE, MAX_SHOWN))}
            data-testid="history-more"
          >
            {t('leadHistory.more')}
          </Button>
        )}
      </Group>
    </>
  );
}
