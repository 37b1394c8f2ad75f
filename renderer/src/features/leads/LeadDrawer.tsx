import { Alert, Badge, Button, Divider, Drawer, Group, Stack, Text, Title } from '@mantine/core';
import { IconAlertOctagon, IconCircleCheck, IconCloudUpload, IconUser } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Lead } from '../../../../shared/domain/entities';
import { isLeader } from '../../../../shared/domain/roles';
import { useMutate } from '../../api/mutate';
import { useSignedIn } from '../../app/app-context';
import { useRouter } from '../../app/router';
import { useSyncSelector } from '../../app/sync-context';
import { useOwnerName } from '../../app/users-context';
import { useFormat } from '../../i18n/format';
import { useAttention } from '../attention/attention-context';
import { leadValues } from './lead-form';
import { LeadAssign } from './LeadAssign';
import { LeadHistory } from './LeadHistory';
import { LeadEditForm } from './LeadEditForm';
import { STATUS_COLOR } from './lead-status';
import { TouchForm } from './TouchForm';

/**
 * One lead, opened from a list: edit its fields and log touches. Every action
 * is applied to this computer's copy at once and uploaded by the sync engine.
 */
export function LeadDrawer({ lead, onClose, onChange }: { lead: Lead | null; onClose: () => void; onChange?: (lead: Lead) => void }) {
  const { t } = useTranslation();
  return (
    <Drawer
      opened={lead !== null}
      onClose={onClose}
      position="right"
      size="md"
      title={lead ? <Title order={3}>{lead.name}</Title> : null}
      closeButtonProps={{ 'aria-label': t('common.close') }}
      data-testid="lead-drawer"
    >
      {lead && <LeadDetail key={lead.id} lead={lead} onChange={onChange} />}
    </Drawer>
  );
}

function LeadDetail({ lead, onChange }: { lead: Lead; onChange?: (lead: Lead) => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const session = useSignedIn();
  const mutate = useMutate();
  const { navigate } = useRouter();
  const { subjectIds } = useAttention();
  const ownerName = useOwnerName();
  const [saved, setSaved] = useState(false);
  // The shared rule (mayEdit): reps change their own leads, leaders what they can see.
  const leader = isLeader(session.user.role);
  const canEdit = leader || lead.ownerId === session.user.id;
  const pending = useSyncSelector((s) => s?.pendingWrites ?? 0);

  return (
    <Stack gap="md">
      <Group gap="xs">
        <Badge variant="light" color={STATUS_COLOR[lead.status]}>
          {t(`leadStatuses.${lead.status}`)}
        </Badge>
        <Badge variant="default">{t(`sources.${lead.source}`)}</Badge>
        {lead.firstTouchAt ? (
          <Badge variant="light" color="teal">
            {t('leadDrawer.firstTouch', { time: fmt.dateTime(lead.firstTouchAt) })}
          </Badge>
        ) : (
          <Badge variant="outline" color="orange">
            {t('leadDrawer.awaitingTouch')}
          </Badge>
        )}
      </Group>
      <Group gap="lg">
        <Group gap={6} wrap="nowrap">
          <IconUser size={16} aria-hidden />
          <Text size="sm" data-testid="lead-owner">
            {lead.ownerId ? t('leadDrawer.owner', { name: ownerName(lead.ownerId) }) : t('leadDrawer.noOwner')}
          </Text>
        </Group>
        <Text size="sm" c="dimmed">
          {t('leadDrawer.created', { time: fmt.dateTime(lead.createdAt) })}
        </Text>
      </Group>

      {subjectIds.has(lead.id) && (
        <Alert color="red" variant="light" icon={<IconAlertOctagon />} title={t('leadDrawer.refusedTitle')} data-testid="lead-drawer-attention">
          <Stack gap="xs" align="flex-start">
            <Text size="sm">{t('leadDrawer.refusedBody')}</Text>
            <Button size="compact-sm" color="red" variant="light" onClick={() => navigate('needs-attention')}>
              {t('attention.open')}
            </Button>
          </Stack>
        </Alert>
      )}
      {!canEdit && (
        <Alert color="gray" variant="light">
          {t('leadDrawer.readOnly')}
        </Alert>
      )}

      {leader && (
        <>
          <Divider label={t('leadDrawer.assign')} labelPosition="left" />
          <LeadAssign lead={lead} onAssigned={(next) => onChange?.(next)} />
        </>
      )}

      <Divider label={t('leadDrawer.details')} labelPosition="left" />
      <LeadEditForm
        base={leadValues(lead)}
        readOnly={!canEdit}
        submitLabel={t('leadForm.save')}
        onSubmit={async ({ patch, base }) => {
          setSaved(false);
          await mutate('lead.update@1', { leadId: lead.id, patch, base });
          setSaved(true);
        }}
      />
      {saved && (
        <Group gap={6} c={pending > 0 ? 'blue' : 'teal'} role="status" data-testid="lead-saved">
          {pending > 0 ? <IconCloudUpload size={16} aria-hidden /> : <IconCircleCheck size={16} aria-hidden />}
          <Text size="sm">{pending > 0 ? t('leadDrawer.savedPending') : t('leadDrawer.savedUploaded')}</Text>
        </Group>
      )}

      {canEdit && (
        <>
          <Divider label={t('leadDrawer.logTouch')} labelPosition="left" mt="sm" />
          {!lead.firstTouchAt && (
            <Text size="sm" c="orange">
              {t('leadDrawer.touchStopsClock')}
            </Text>
          )}
          <TouchForm leadId={lead.id} />
        </>
      )}

      <Divider label={t('leadDrawer.history')} labelPosition="left" mt="sm" />
      <LeadHistory leadId={lead.id} />
    </Stack>
  );
}
