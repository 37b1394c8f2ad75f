import { Badge, Tooltip } from '@mantine/core';
import { IconAlertOctagon } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useAttention } from './attention-context';

/** Marks a record in a list whose change the server refused (matched on the attention item's subject). */
export function AttentionBadge({ id }: { id: string }) {
  const { t } = useTranslation();
  const { subjectIds } = useAttention();
  if (!subjectIds.has(id)) return null;
  return (
    <Tooltip label={t('attention.rowHint')} withArrow>
      <Badge size="xs" color="red" variant="filled" leftSection={<IconAlertOctagon size={10} aria-hidden />} data-testid="row-attention">
        {t('attention.rowBadge')}
      </Badge>
    </Tooltip>
  );
}
