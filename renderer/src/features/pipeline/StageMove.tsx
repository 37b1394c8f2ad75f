import { ActionIcon, Group, Tooltip } from '@mantine/core';
import { IconChevronLeft, IconChevronRight } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Opportunity } from '../../../../shared/domain/entities';
import { STAGES, type Stage } from '../../../../shared/domain/enums';
import { ApiError } from '../../api/client';
import { newId, useMutate } from '../../api/mutate';
import { useToast } from '../../ui/toasts';

/** Moves an open deal one stage back or forward (deal.moveStage@1), applied here at once. */
export function StageMove({ deal, canEdit }: { deal: Opportunity; canEdit: boolean }) {
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
