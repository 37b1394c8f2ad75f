import { Button, Group, Select, Stack, Text, type ComboboxItem, type ComboboxItemGroup } from '@mantine/core';
import { IconCircleCheck, IconUserShare } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Lead, User } from '../../../../shared/domain/entities';
import { ApiError, call } from '../../api/client';
import { useCall } from '../../api/hooks';
import { useMutate } from '../../api/mutate';
import { useSignedIn } from '../../app/app-context';
import { useOwnerName } from '../../app/users-context';
import { REFUSALS } from './LeadEditForm';

/**
 * A manager (or above) hands the lead to one of the reps they may assign to.
 * Reps are grouped by whether they work in the lead's own region: the cache
 * has region ids only, not their names.
 */
export function LeadAssign({ lead, onAssigned }: { lead: Lead; onAssigned: (lead: Lead) => void }) {
  const { t } = useTranslation();
  const session = useSignedIn();
  const mutate = useMutate();
  const ownerName = useOwnerName();
  const reps = useCall('users.list', { assignable: true }, session.user.id);
  const [choice, setChoice] = useState<string | null>(lead.ownerId);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  // A newer copy with another owner (a pull, or our own assignment) becomes the preselected value.
  const [seenOwner, setSeenOwner] = useState(lead.ownerId);
  if (seenOwner !== lead.ownerId) {
    setSeenOwner(lead.ownerId);
    setChoice(lead.ownerId);
  }

  const users = reps.data?.users ?? [];
  const data = options(users, lead, ownerName, t('leadAssign.sameRegion'), t('leadAssign.otherRegions'), t('leadAssign.currentOwner'));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const assignee = users.find((u) => u.id === choice);
    if (!assignee || assignee.id === lead.ownerId) return;
    setBusy(true);
    setFailure(null);
    setDone(null);
    try {
      await mutate('lead.assign@1', { leadId: lead.id, ownerId: assignee.id });
      // The cache holds the assigned lead the moment the call returns; the list it came from may no longer show it.
      onAssigned((await call('leads.get', { id: lead.id })).lead);
      setDone(assignee.displayName);
    } catch (error) {
      const e = error instanceof ApiError ? error : new ApiError({ code: 'internal', message: String(error) });
      setFailure(REFUSALS.has(e.code) ? e.message : t(`errors.${e.code}`, { message: e.message }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-label={t('leadAssign.label')} data-testid="lead-assign">
      <Stack gap="xs">
        <Group gap="xs" align="flex-end" wrap="nowrap">
          <Select
            label={t('leadAssign.assignTo')}
            placeholder={reps.loading && !reps.data ? t('common.loading') : t('leadAssign.choose')}
            data={data}
            value={choice}
            onChange={(v) => {
              setChoice(v);
              setDone(null);
              setFailure(null);
            }}
            searchable
            nothingFoundMessage={t('leadAssign.nobody')}
            allowDeselect={false}
            comboboxProps={{ withinPortal: true }}
            error={reps.error ? t('common.loadFailed', { message: t(`errors.${reps.error.code}`, { message: reps.error.message }) }) : undefined}
            style={{ flex: 1 }}
            data-testid="assign-select"
          />
          <Button
            type="submit"
            variant="light"
            leftSection={<IconUserShare size={16} aria-hidden />}
            loading={busy}
            disabled={choice === null || choice === lead.ownerId}
          >
            {t('leadAssign.submit')}
          </Button>
        </Group>
        {failure && (
          <Text size="sm" c="red" role="alert">
            {failure}
          </Text>
        )}
        {done && (
          <Group gap={4} c="teal" role="status" data-testid="lead-assigned">
            <IconCircleCheck size={16} aria-hidden />
            <Text size="sm">{t('leadAssign.done', { name: done })}</Text>
          </Group>
        )}
      </Stack>
    </form>
  );
}

function options(
  users: User[],
  lead: Lead,
  ownerName: (id: string | null) => string | null,
  sameRegion: string,
  otherRegions: string,
  currentOwner: string,
): ComboboxItemGroup<ComboboxItem>[] {
  const item = (u: User): ComboboxItem => ({ value: u.id, label: u.displayName });
  const same = users.filter((u) => lead.regionId !== null && u.regionId === lead.regionId).map(item);
  const other = users.filter((u) => lead.regionId === null || u.regionId !== lead.regionId).map(item);
  const groups: ComboboxItemGroup<ComboboxItem>[] = [
    ...(same.length > 0 ? [{ group: sameRegion, items: same }] : []),
    ...(other.length > 0 ? [{ group: otherRegions, items: other }] : []),
  ];
  // The current owner stays shown (not choosable) even when they cannot be assigned to, e.g. left the team.
  if (lead.ownerId && !users.some((u) => u.id === lead.ownerId)) {
    groups.unshift({ group: currentOwner, items: [{ value: lead.ownerId, label: ownerName(lead.ownerId) ?? lead.ownerId, disabled: true }] });
  }
  return groups;
}
